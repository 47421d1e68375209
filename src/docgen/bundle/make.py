"""make_bundle: the filed records an inspector asks for, as one BagIt zip.

    select (year, unit, type, 密级) → check the archive (四性检测) → stage the 件 folders →
    catalogue (.xlsx, .pdf) → 合订本 → audit entries → 说明 → bagit.make_bag → zip

The bag is made by the Library of Congress `bagit` library in a temp folder, then zipped
deterministically (docgen.bundle._zip) to a temp name and renamed into place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from docgen import __version__
from docgen.bundle import catalogue
from docgen.errors import BadInput, VerifyFailed
from docgen.i18n import cli_gettext as _
from docgen.i18n import cli_ngettext as ngettext
from docgen.vocab import OPEN_CLASSIFICATIONS

FORMAT = "docgen-bundle/1"
# sha256 and sha512 by default (bagit's defaults; RFC 8493 asks tools to default to sha512).
# sha256 is always there: record.json holds each file's SHA-256 from filing, and `bundle
# verify` matches the manifest against it. sha256 alone (--sha256-only) hashes ~2.5x faster.
CHECKSUMS = ("sha256", "sha512")
CATALOGUE_XLSX, CATALOGUE_PDF = "归档文件目录.xlsx", "归档文件目录.pdf"
MERGED, AUDIT, README = "合订本.pdf", "审计日志.jsonl", "说明.txt"
STATUS_WORDS = {"filed": "已归档", "superseded": "已被替代", "withdrawn": "已撤回"}


@dataclass(frozen=True)
class BundleOptions:
    """What to bundle; all filters are optional (None: everything)."""

    year: int | None = None  # 年度
    unit: str | None = None  # 机构: its name or its code
    type: str | None = None  # plan, commitment, summary, other
    include_classified: bool = False  # also 秘密/机密/绝密
    allow_unverified: bool = False  # bundle an archive that fails 四性检测, marked so
    checksums: tuple[str, ...] = CHECKSUMS  # the bag's manifests: sha256, or sha256 and sha512


@dataclass
class BundleReport:
    """What a bundle holds, as make_bundle wrote it."""

    path: Path
    name: str  # the bag's folder inside the zip, also its External-Identifier
    records: list[str] = field(default_factory=list)  # 档号 bundled, in order
    left_out: list[str] = field(default_factory=list)  # 档号 left out as classified
    unverified: bool = False  # made with --allow-unverified from an archive that failed
    archive_problems: list[str] = field(default_factory=list)
    payload_files: int = 0
    payload_bytes: int = 0
    record_bytes: int = 0  # bytes of the 件 files alone (PDF/A, originals, forms, record.json)
    zip_bytes: int = 0
    sha256: str = ""  # of the zip
    audit_head: str = ""  # SEQ:HASH of the archive's last audit entry when bundled
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each stage

    def to_json(self) -> dict:
        return {"path": str(self.path), "name": self.name, "records": self.records,
                "left_out_classified": len(self.left_out), "unverified": self.unverified,
                "archive_problems": self.archive_problems, "payload_files": self.payload_files,
                "payload_bytes": self.payload_bytes, "record_bytes": self.record_bytes,
                "zip_bytes": self.zip_bytes, "sha256": self.sha256,
                "audit_head": self.audit_head, "seconds": self.seconds}


def make_bundle(archive, out: str | Path, options: BundleOptions = BundleOptions(), *,
                clock=None, workdir: Path | None = None, progress=None, processes: int = 1,
                _on_zip_entry=None) -> BundleReport:
    """Write the BagIt zip of `archive`'s records chosen by `options` to `out`.

    Raises BadInput (bad option, nothing to bundle, bad output path), VerifyFailed (the
    archive fails 四性检测 without allow_unverified, or a 件 points outside the archive).
    `clock()` (default: the archive's) dates the bag and the zip entries; the same archive,
    options and clock give the same bytes. `progress(items, label)` may wrap the loop over
    records (the CLI's progress bar); `processes` hash the bag's files in parallel (bagit).
    Nothing is left under `out` unless it succeeds.
    """
    out = Path(out)
    _check_output(out)
    if out.resolve().is_relative_to(archive.root.resolve()):
        raise BadInput(_("{path}: is inside the archive {root} — write the bundle elsewhere "
                         "(a stray file there fails 四性检测)").format(path=out,
                                                                       root=archive.root))
    clock = clock or archive.clock
    when = clock()
    seconds: dict[str, float] = {}
    stage = _Stages(seconds)
    check_options(archive, options)
    # verify before reading the records: a damaged record.json is then one problem among all
    with stage("verify archive"):
        checked = archive.verify(options.year)
    if not checked.ok:
        problems = [str(p) for p in checked.problems]
        if not options.allow_unverified:
            raise VerifyFailed(
                ngettext("{root}: the archive fails 四性检测 ({count} problem); no bundle "
                         "written",
                         "{root}: the archive fails 四性检测 ({count} problems); no bundle "
                         "written", len(problems)).format(root=archive.root,
                                                          count=len(problems)),
                [*problems, _("repair the archive (see `docgen verify`), or bundle it as it "
                              "is with --allow-unverified, which marks the bundle so")])
    with stage("select"):
        chosen, left_out = select(archive, options)
    report = BundleReport(out, bag_name(archive, options), [r.filing_number for r in chosen],
                          [r.filing_number for r in left_out], seconds=seconds)
    if not checked.ok:
        report.unverified, report.archive_problems = True, problems
    sources = {r.filing_number: _sources(archive, r) for r in chosen}

    from docgen.bundle import _zip

    zip_time = _zip.date_time(when)
    tmp = tempfile.mkdtemp(prefix="docgen-bundle-", dir=workdir)
    try:
        bag = Path(tmp) / report.name
        bag.mkdir()
        wrap = progress or (lambda items, label: items)
        with stage("stage files"):
            for rec in wrap(chosen, "staging"):
                folder = bag / str(rec.year) / rec.unit_code / rec.filing_number
                folder.mkdir(parents=True)
                for src in sources[rec.filing_number]:
                    _link_or_copy(src, folder / src.name)
                    report.record_bytes += src.stat().st_size
        title = catalogue_title(archive, chosen, options)
        scope = scope_line(archive, options, chosen, left_out)
        with stage("catalogue"):
            rows = [catalogue.row(i, r.metadata) for i, r in enumerate(chosen, 1)]
            catalogue.write_xlsx(rows, bag / CATALOGUE_XLSX, title=title, scope=scope,
                                 when=when, zip_time=zip_time)
            catalogue.write_pdf(rows, bag / CATALOGUE_PDF, title=title, scope=scope)
        with stage("合订本"):
            from docgen.bundle.merged import merge

            parts = [(f"{r.filing_number} {r.title}", r.files["pdf"]) for r in chosen
                     if "pdf" in r.files]
            if parts:
                merge(parts, bag / MERGED, title=title.replace("归档文件目录", "文件合订本"))
        log, report.audit_head = audit_log(archive)
        (bag / AUDIT).write_bytes(log)
        (bag / README).write_text(describe(archive, options, report, chosen, when),
                                  encoding="utf-8")
        with stage("bagit"):
            import bagit

            made = bagit.make_bag(str(bag), bag_info(archive, options, report, when, bag),
                                  processes=max(1, processes),
                                  checksums=list(options.checksums))
            _sort_tag_manifests(bag)
        report.payload_bytes, report.payload_files = (
            int(v) for v in made.info["Payload-Oxum"].split("."))
        with stage("zip"):
            report.zip_bytes = _zip.write_tree(bag, out, prefix=report.name, when=zip_time,
                                               on_entry=_on_zip_entry)
    finally:
        with stage("clean up"):
            shutil.rmtree(tmp, ignore_errors=True)
    with stage("sha256 of zip"):
        report.sha256 = _sha256(out)
    return report


class _Stages:
    """Times named stages into a dict (the benchmark reads them from the report)."""

    def __init__(self, into: dict):
        self.into = into

    @contextlib.contextmanager
    def __call__(self, name: str):
        t = time.perf_counter()
        try:
            yield
        finally:
            self.into[name] = round(time.perf_counter() - t, 3)


def check_options(archive, options: BundleOptions) -> str | None:
    """BadInput for an option this archive cannot answer; returns the unit's code, if any."""
    from docgen.vocab import RECORD_TYPES as TYPES

    if "sha256" not in options.checksums or not set(options.checksums) <= set(CHECKSUMS):
        raise BadInput(_("checksums {value}: use sha256, or sha256 and sha512").format(
            value=repr(options.checksums)))
    if options.type is not None and options.type not in TYPES:
        raise BadInput(_("--type {value} is not a record type; use one of {allowed}").format(
            value=repr(options.type), allowed=", ".join(TYPES)))
    unit_code = None
    if options.unit is not None:
        s = archive.settings
        unit_code = s.unit_code(options.unit) or (
            options.unit if s.unit_name(options.unit) else None)
        if unit_code is None:
            known = ", ".join(f"{u.name} ({u.code})" for u in s.units) or _("none")
            raise BadInput(_("--unit {value} is not a unit of this archive; give a name or "
                             "code from its settings: {known}").format(
                                 value=repr(options.unit), known=known))
    return unit_code


def select(archive, options: BundleOptions):
    """(records to bundle, records left out as classified), both in 档号 order."""
    unit_code = check_options(archive, options)
    chosen, left_out = [], []
    for rec in archive.records(options.year):
        if unit_code is not None and rec.unit_code != unit_code:
            continue
        if options.type is not None and rec.type != options.type:
            continue
        if rec.classification in OPEN_CLASSIFICATIONS or options.include_classified:
            chosen.append(rec)
        else:
            left_out.append(rec)
    if not chosen:
        what = _scope_words(archive, options)
        fix = (_("{count} classified 件 match; add --include-classified to bundle "
                 "them").format(count=len(left_out))
               if left_out else _("check --year, --unit and --type; `docgen status` lists "
                                  "what is filed"))
        raise BadInput(_("nothing to bundle: no 件 in {root} for {scope} — {fix}").format(
            root=archive.root, scope=what, fix=fix))
    return chosen, left_out


def bag_name(archive, options: BundleOptions) -> str:
    """The bag's folder and External-Identifier, e.g. Z109-2011-GHC-plan."""
    parts = [archive.settings.fonds_code, str(options.year) if options.year else "all"]
    if options.unit is not None:
        parts.append(archive.settings.unit_code(options.unit) or options.unit)
    if options.type is not None:
        parts.append(options.type)
    return "-".join(parts)


def catalogue_title(archive, chosen, options: BundleOptions) -> str:
    years = sorted({r.year for r in chosen})
    year = str(options.year or (years[0] if len(years) == 1 else f"{years[0]}—{years[-1]}"))
    return f"{archive.settings.fonds_name}{year}年民主评议归档文件目录"


def scope_line(archive, options, chosen, left_out) -> str:
    line = f"全宗号 {archive.settings.fonds_code}　{_scope_words(archive, options)}　共 {len(chosen)} 件"
    if left_out:
        line += f"（另有涉密 {len(left_out)} 件未入包）"
    return line


def _unit_words(settings, unit: str | None) -> str:
    if unit is None:
        return "all"
    code = settings.unit_code(unit) or unit
    return f"{settings.unit_name(code) or unit} ({code})"


def _scope_words(archive, options: BundleOptions) -> str:
    unit = "全部机构"
    if options.unit is not None:
        s = archive.settings
        code = s.unit_code(options.unit) or options.unit
        unit = f"{s.unit_name(code) or options.unit}（{code}）"
    year = f"{options.year}年度" if options.year else "全部年度"
    kind = f"类型 {options.type}" if options.type else "全部类型"
    return f"{year}　{unit}　{kind}"


def audit_log(archive) -> tuple[bytes, str]:
    """The whole audit log up to its last complete entry, as written, and that entry's head
    (SEQ:HASH). The whole chain, so `bundle verify` can check every link, and the head can
    anchor the archive (`docgen verify --against BUNDLE.zip`)."""
    from docgen.archive import anchor

    data = archive.audit_path.read_bytes()
    data = data[:data.rfind(b"\n") + 1]
    last = json.loads(data.splitlines()[-1]) if data.strip() else None
    head = anchor.head_of(last)
    return data, str(head) if head else ""


def bag_info(archive, options, report: BundleReport, when: dt.datetime, bag: Path) -> dict:
    s = archive.settings
    payload = sum(p.stat().st_size for p in bag.rglob("*") if p.is_file())
    info = {
        "Source-Organization": s.fonds_name,
        "External-Identifier": report.name,
        "External-Description": f"{s.fonds_name}民主评议归档文件检查包（{_scope_words(archive, options)}）",
        # bagit would write today's date; the injected clock keeps the bag reproducible
        "Bagging-Date": when.date().isoformat(),
        "Bag-Size": _human(payload),
        "Bag-Software-Agent": f"docgen {__version__} (bagit.py)",
        "Docgen-Bundle-Format": FORMAT,
        "Docgen-Fonds-Code": s.fonds_code,
        "Docgen-Fonds-Name": s.fonds_name,
        "Docgen-Filing-Office": s.filing_office,
        "Docgen-Year": str(options.year) if options.year else "all",
        "Docgen-Unit": _unit_words(s, options.unit),
        "Docgen-Type": options.type or "all",
        "Docgen-Records-Bundled": str(len(report.records)),
        "Docgen-Records-Classified-Left-Out": str(len(report.left_out)),
        "Docgen-Classified-Included": "yes" if options.include_classified else "no",
        "Docgen-Record-Bytes": str(report.record_bytes),
        "Docgen-Audit-Head": report.audit_head,
        "Docgen-Archive-Verified": (
            f"no: the archive failed 四性检测 with {len(report.archive_problems)} problem(s); "
            "bundled with --allow-unverified" if report.unverified else "yes"),
    }
    return info


def describe(archive, options, report: BundleReport, chosen, when: dt.datetime) -> str:
    """说明.txt: what the package is, where from, what it holds, how to check it."""
    s = archive.settings
    counts = {k: sum(1 for r in chosen if r.status == k) for k in STATUS_WORDS}
    zip_name = report.path.name
    lines = [
        f"{s.fonds_name}民主评议归档文件检查包",
        "",
        f"本包由 docgen {__version__} 于 {when.date().isoformat()} 从档案库"
        f"「{s.fonds_name}」（全宗号 {s.fonds_code}）生成，供{s.filing_office}检查使用。",
        f"范围：{_scope_words(archive, options)}。包标识：{report.name}。",
        "",
        f"入包 {len(chosen)} 件：已归档 {counts['filed']} 件，已被替代 {counts['superseded']} 件，"
        f"已撤回 {counts['withdrawn']} 件（被替代和撤回的件一并提供，以保留完整的历史，"
        "见目录“备注”栏）。",
    ]
    if report.left_out:
        lines.append(f"涉密（秘密、机密、绝密）未入包 {len(report.left_out)} 件，档号："
                     f"{'、'.join(report.left_out)}。如需检查，请另行按保密规定调阅。")
    elif options.include_classified:
        lines.append("本包按要求包含涉密文件（--include-classified），请按保密规定保管。")
    else:
        lines.append("涉密未入包 0 件。")
    if report.unverified:
        lines += ["",
                  f"注意：生成本包时，档案库未通过四性检测（{len(report.archive_problems)} 个问题），"
                  "本包按 --allow-unverified 照原样生成。问题如下：",
                  *(f"  - {p}" for p in report.archive_problems)]
    lines += [
        "",
        "内容（data/ 目录）：",
        "  <年度>/<机构代码>/<档号>/  每件的 PDF/A（含归档章）、原始文件、元数据 record.json"
        "（DA/T 46）及表单（如有）",
        f"  {CATALOGUE_XLSX}、{CATALOGUE_PDF}  归档文件目录（DA/T 22）",
        f"  {MERGED}  全部入包文件按档号顺序合订，每件一个书签（档号 题名）",
        f"  {AUDIT}  档案库审计日志全文（至生成本包时的最后一条，原样，含 SM3 哈希链）",
        f"  {README}  本说明",
        "",
        f"审计日志头（第 {report.audit_head.partition(':')[0]} 条）：{report.audit_head}",
        "请将此值抄录在检查回执上。日后执行 docgen verify --head <此值>（或 docgen verify "
        f"--against {zip_name}），即可证明档案库的审计日志此后未被改写。",
        "",
        "校验方法（任选其一）：",
        f"  1. docgen bundle verify {zip_name}",
        f"  2. 解压后执行：python -m bagit --validate {report.name}",
        f"manifest-{'.txt、manifest-'.join(options.checksums)}.txt 记录每个文件的摘要，"
        "bag-info.txt 记录全宗、机构、年度、件数和字节数。",
        "",
    ]
    return "\n".join(lines)


def _sources(archive, rec) -> list[Path]:
    """The files of a 件 to bundle; refuses anything that is not a plain file in its folder."""
    root = archive.root.resolve()
    folder = rec.dir
    problems = []
    if folder.is_symlink() or not folder.resolve().is_relative_to(root):
        problems.append(_("{folder}: the 件 folder is a link or lies outside the archive").format(
            folder=folder))
    out = []
    for role, path in sorted(rec.files.items()):
        name = path.name
        if path.parent != folder or name in ("", ".", ".."):
            problems.append(_("{number}: {role} file {path} is not inside the 件 folder "
                              "(record.json names a path)").format(
                                  number=rec.filing_number, role=role, path=path))
        elif path.is_symlink():
            problems.append(_("{path}: is a symbolic link; a bundle holds only the archive's "
                              "own files").format(path=path))
        elif not path.is_file():
            problems.append(_("{path}: missing or not a regular file ({role})").format(
                path=path, role=role))
        else:
            out.append(path)
    if problems:
        raise VerifyFailed(_("{number}: cannot bundle this 件 safely; no bundle "
                             "written").format(number=rec.filing_number),
                           [*problems, _("run `docgen verify` and repair the archive")])
    return out


def _link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link into the staging folder when the filesystem allows, else copy."""
    try:
        os.link(src, dst)
    except OSError as e:
        if e.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP,
                           errno.EACCES):
            raise
        shutil.copyfile(src, dst)


def _sort_tag_manifests(bag: Path) -> None:
    # bagit lists tag files in directory order, which differs between filesystems
    for path in bag.glob("tagmanifest-*.txt"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(sorted(lines, key=lambda ln: ln.split(None, 1)[-1])),
                        encoding="utf-8")


def _check_output(out: Path) -> None:
    if out.suffix.lower() != ".zip":
        raise BadInput(_("{path}: a bundle is a .zip file — give -o NAME.zip").format(path=out))
    if out.is_dir():
        raise BadInput(_("{path}: is a folder — give -o a file name ending in .zip").format(
            path=out))
    if not out.parent.is_dir():
        raise BadInput(_("{path}: the folder {folder} does not exist — create it first").format(
            path=out, folder=out.parent))
    if not os.access(out.parent, os.W_OK):
        raise BadInput(_("{path}: cannot write in {folder} — choose a folder you may write "
                         "to").format(path=out, folder=out.parent))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _human(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"

