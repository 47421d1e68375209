"""Record: one filed 件 as read from its record.json (DA/T 46-2009 core metadata)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from docgen.archive import numbering
from docgen.vocab import FORMAT_NAMES, RECORD_TYPES

RECORD_NAME = "record.json"
FORMAT = "docgen-record/1"
ROLES = ("original", "pdf", "form")
STATUSES = ("filed", "superseded", "withdrawn")
TYPES = tuple(RECORD_TYPES)
# the DA/T 46 core elements every record.json must carry (页数 may be null without a PDF)
REQUIRED = ("立档单位名称", "电子文件号", "档号", "全宗号", "年度", "保管期限", "机构或问题",
            "件号", "题名", "责任者", "日期", "文种", "密级", "页数", "业务行为", "files",
            "status", "type")


@dataclass
class Record:
    """A filed 件; `metadata` is its record.json, the other fields are read from it."""

    filing_number: str  # 档号
    year: int  # 年度
    type: str  # plan, commitment, summary, other
    kind: str  # 文种
    title: str  # 题名
    date: dt.date  # 日期 (成文日期)
    unit: str  # 机构或问题 (name)
    unit_code: str
    doc_number: str | None  # 文件编号
    responsible: str  # 责任者
    classification: str  # 密级
    retention: str  # 保管期限
    pages: int | None  # 页数
    status: str  # filed, superseded, withdrawn
    supersedes: str | None
    superseded_by: str | None
    campaign_year: int
    dir: Path
    files: dict[str, Path]
    metadata: dict
    notices: list[str] = field(default_factory=list)  # e.g. the search index was not updated

    def path(self, role: str) -> Path:
        """The file of a role: original, pdf, form or metadata; KeyError when it has none."""
        if role not in self.files:
            raise KeyError(f"{self.filing_number} has no {role} file (it has "
                           f"{', '.join(sorted(self.files))})")
        return self.files[role]

    def open(self, role: str):
        """The file of a role, opened for reading in binary."""
        return open(self.path(role), "rb")

    @property
    def filed_at(self) -> dt.datetime:
        """When the 件 entered the archive (its first 业务行为)."""
        return dt.datetime.fromisoformat(self.metadata["业务行为"][0]["行为时间"])

    @property
    def submitted_on(self) -> dt.date:
        """When it reached the filing office: its 报送日期 if recorded, else the filing day."""
        given = self.metadata.get("报送日期")
        return parse_compact(given) if given else self.filed_at.date()

    @classmethod
    def from_metadata(cls, meta: dict, folder: Path) -> Record:
        """Build from a parsed record.json; KeyError/ValueError/TypeError when it is malformed."""
        files = {role: folder / info["计算机文件名"] for role, info in meta["files"].items()}
        files["metadata"] = folder / RECORD_NAME
        return cls(
            filing_number=meta["档号"], year=int(meta["年度"]), type=meta["type"],
            kind=meta["文种"], title=meta["题名"], date=parse_compact(meta["日期"]),
            unit=meta["机构或问题"], unit_code=meta["机构代码"],
            doc_number=meta.get("文件编号"), responsible=meta["责任者"],
            classification=meta["密级"], retention=meta["保管期限"], pages=meta["页数"],
            status=meta["status"], supersedes=meta.get("supersedes"),
            superseded_by=meta.get("superseded_by"),
            campaign_year=int(meta.get("campaign_year") or meta["年度"]),
            dir=folder, files=files, metadata=meta)


def new_metadata(*, number, spec, settings, files: dict, pages: int | None, file_id: str,
                 who: str, when: str, supersedes: str | None) -> dict:
    """record.json of a new 件: the DA/T 46 core elements, its files, the first 业务行为."""
    from docgen.dates import format_compact

    return {
        "format": FORMAT,
        "立档单位名称": settings.fonds_name,
        "电子文件号": file_id,
        "档号": str(number), "全宗号": number.fonds, "门类": "文书", "年度": number.year,
        "保管期限": spec.retention, "保管期限代码": number.retention_code,
        "机构或问题": spec.unit, "机构代码": number.unit_code, "件号": f"{number.item:04d}",
        "题名": spec.title, "文件编号": spec.doc_number, "责任者": spec.responsible,
        "日期": format_compact(spec.date), "文种": spec.kind, "密级": spec.classification,
        "页数": pages, "type": spec.type, "campaign_year": spec.campaign_year,
        "归档单位": settings.filing_office,
        "files": files,
        "业务行为": [{"行为": "归档", "行为时间": when, "机构人员名称": who,
                  "说明": f"supersedes {supersedes}" if supersedes else ""}],
        "status": "filed", "supersedes": supersedes, "superseded_by": None,
        "报送日期": format_compact(spec.submitted) if spec.submitted else None,
        **({"数字化信息": spec.digitisation} if getattr(spec, "digitisation", None) else {}),
    }


def with_action(meta: dict, action: str, when: str, who: str, note: str, **changes) -> dict:
    """A copy of record.json with `changes` applied and one more 业务行为."""
    out = {**meta, **changes}
    out["业务行为"] = [*meta["业务行为"],
                   {"行为": action, "行为时间": when, "机构人员名称": who, "说明": note}]
    return out


def parse_compact(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%Y%m%d").date()


def load(folder: Path) -> Record:
    """Read a 件's record.json; raises OSError, ValueError, KeyError, TypeError on damage."""
    meta = json.loads((folder / RECORD_NAME).read_bytes())
    return Record.from_metadata(meta, folder)


def encode(meta: dict) -> bytes:
    return (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def format_info(path: Path, pdfa: str | None = None) -> str:
    """格式信息 for a file: its format in words, PDF/A part included."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return f"PDF/A-{pdfa}" if pdfa else "PDF"
    return FORMAT_NAMES.get(suffix, suffix.lstrip(".").upper() or "unknown")


def folder_for(root: Path, filing_number: str) -> Path:
    n = numbering.parse(filing_number)
    return root / "records" / str(n.year) / str(n)
