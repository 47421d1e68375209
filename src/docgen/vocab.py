"""The campaign's vocabulary, declared once: document types, calendar steps, 密级, 保管期限,
accepted file formats, and the characters counted as Chinese.

Models, archive, search, bundle and the CLI's choices all read these names; nothing else in
docgen spells them out. (Five copies drifted once: a `.wps` import that could never work came
from two suffix lists that disagreed.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from docgen.i18n import N_  # refusals below are messages: translated where they are shown

# --- document types ---------------------------------------------------------------------
# form type (the form file's `type:`) -> 文种. A form type has a model, a template and a
# starter; `other` is a document docgen did not make (imported).
FORM_TYPES: dict[str, str] = {
    "plan": "工作方案",
    "commitment": "承诺书",
    "summary": "年度工作总结",
    "opinions": "征求意见汇总",
    "hearing": "听证会纪要",
    "fulfillment": "践诺情况报告",
    "assessment": "测评结果",
    "results": "评议结果",
}
OTHER = "other"
RECORD_TYPES: dict[str, str] = {**FORM_TYPES, OTHER: "其他"}


def form_type_code(name: str) -> str | None:
    """The form type for an English code or its Chinese 文种 (承诺书 → commitment); else None."""
    name = (name or "").strip()
    if name in FORM_TYPES:
        return name
    return next((code for code, kind in FORM_TYPES.items() if kind == name), None)


def record_type_code(name: str) -> str | None:
    """Like form_type_code, but `other`/其他 too."""
    name = (name or "").strip()
    if name in RECORD_TYPES:
        return name
    return next((code for code, kind in RECORD_TYPES.items() if kind == name), None)


# --- the campaign calendar (the seed's 实施方案; DOMAIN.md) ------------------------------
@dataclass(frozen=True)
class Step:
    """One filing the campaign calendar requires."""

    key: str
    stage: str  # 阶段, e.g. 部署动员
    kind: str  # 文种 filed at this step
    type: str  # form type, or 'other' for imported documents
    kinds: tuple[str, ...]  # 文种 that satisfy the step
    due: tuple[int, int, int]  # (years after the campaign year, month, day)
    start: tuple[int, int, int] | None = None  # opening of a window, e.g. 践诺公示 09-01..10-31
    note: str = ""

    def dates(self, year: int) -> tuple[dt.date | None, dt.date]:
        """(start, due) of this step in campaign `year`, by the seed's defaults."""
        def day(t):
            return dt.date(year + t[0], t[1], t[2])

        return (day(self.start) if self.start else None), day(self.due)

    @property
    def command(self) -> str:
        """The docgen command that makes this step's filing."""
        return f"docgen form new {self.type}" if self.type != OTHER else "docgen file --import"


# The seed's defaults. Its blanks (承诺书, 测评考核) get a stand-in date, marked so.
STEPS: tuple[Step, ...] = (
    Step("plan", "部署动员", "工作方案", "plan", ("工作方案",), (0, 4, 20)),
    Step("opinions", "查找问题", "征求意见汇总", "opinions", ("征求意见汇总",), (0, 4, 20),
         note="with the plan"),
    Step("commitment", "公开承诺", "承诺书", "commitment", ("承诺书",), (0, 5, 31),
         note="blank in the seed; set it with `docgen init --update --deadline`"),
    Step("hearing", "听证", "听证会纪要", "hearing", ("听证会纪要", "听证会通知"), (0, 6, 30),
         start=(0, 5, 1)),
    Step("fulfilment", "践诺公示", "践诺情况报告", "fulfillment", ("践诺情况报告",), (0, 10, 31),
         start=(0, 9, 1)),
    Step("assessment", "测评考核", "测评结果", "assessment", ("测评结果",), (0, 11, 30),
         note="blank in the seed; set it with `docgen init --update --deadline`"),
    Step("summary", "信息反馈", "年度工作总结", "summary", ("年度工作总结",), (0, 12, 5),
         start=(0, 12, 1)),
    Step("results", "公布结果", "评议结果", "results", ("评议结果",), (1, 3, 31), start=(1, 1, 1)),
)
STEP_KEYS: tuple[str, ...] = tuple(s.key for s in STEPS)
CALENDAR_KINDS: tuple[str, ...] = tuple(k for s in STEPS for k in s.kinds)

# How clerks also write the calendar's 文种 (`file --import --kind`): variant -> canonical kind.
KIND_VARIANTS: dict[str, str] = {
    "方案": "工作方案", "实施方案": "工作方案", "工作实施方案": "工作方案",
    "民主评议工作方案": "工作方案", "民主评议实施方案": "工作方案",
    "意见征求汇总": "征求意见汇总", "征求意见汇总表": "征求意见汇总", "意见汇总": "征求意见汇总",
    "征求意见情况汇总": "征求意见汇总", "意见建议汇总": "征求意见汇总",
    "承诺": "承诺书", "服务承诺书": "承诺书", "公开承诺书": "承诺书", "服务承诺": "承诺书",
    "听证纪要": "听证会纪要", "听证会记录": "听证会纪要", "听证记录": "听证会纪要",
    "听证通知": "听证会通知",
    "践诺报告": "践诺情况报告", "践诺情况": "践诺情况报告", "践诺公示": "践诺情况报告",
    "践诺成果公示": "践诺情况报告", "承诺践诺情况报告": "践诺情况报告",
    "测评结果报告": "测评结果", "满意度测评结果": "测评结果", "测评考核结果": "测评结果",
    "满意度测评": "测评结果",
    "工作总结": "年度工作总结", "年终总结": "年度工作总结", "民主评议工作总结": "年度工作总结",
    "评议结果通报": "评议结果", "民主评议结果": "评议结果", "评议结果公布": "评议结果",
}
_KIND_NOISE = str.maketrans("", "", " \t\u3000《》“”\"'")


def canonical_kind(text: str, extra=()) -> str | None:
    """The calendar's 文种 for `text` (意见征求汇总 → 征求意见汇总), one of `extra` (kinds an
    archive's settings allow besides the calendar's) as written, else None."""
    name = (text or "").translate(_KIND_NOISE)
    if not name:
        return None
    if name in CALENDAR_KINDS:
        return name
    if name in KIND_VARIANTS:
        return KIND_VARIANTS[name]
    code = form_type_code(name)
    if code:
        return FORM_TYPES[code]
    for other in extra:
        if name == (other or "").translate(_KIND_NOISE):
            return other
    return None

# --- 密级 and 保管期限 ---------------------------------------------------------------------
CLASSIFICATIONS: tuple[str, ...] = ("公开", "内部", "秘密", "机密", "绝密")
OPEN_CLASSIFICATIONS: tuple[str, ...] = ("公开", "内部")  # below 秘密: not 涉密
DEFAULT_CLASSIFICATION = "公开"
# 保管期限 -> its DA/T 22 code in the 档号
RETENTION_CODES: dict[str, str] = {"永久": "Y", "定期30年": "D30", "定期10年": "D10"}
RETENTION_BY_CODE: dict[str, str] = {code: name for name, code in RETENTION_CODES.items()}
DEFAULT_RETENTION = "定期30年"

# --- file formats, per role -------------------------------------------------------------
# Word-processor files LibreOffice turns into PDF/A, with the import filter for each (a file
# is opened with its suffix's filter, never guessed: junk must fail, not import as text).
# WPS Office's .wps is the Word 97 binary format.
WORD_FILTERS: dict[str, str] = {
    ".docx": "MS Word 2007 XML",
    ".doc": "MS Word 97",
    ".wps": "MS Word 97",
    ".odt": "writer8",
    ".rtf": "Rich Text Format",
}
WORD_SUFFIXES: tuple[str, ...] = tuple(WORD_FILTERS)
PDF_SUFFIXES: tuple[str, ...] = (".pdf",)
FORM_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json", ".toml", ".xlsx")
# spreadsheets a clerk may hand in as a form, refused with what to do instead
REFUSED_FORM_SUFFIXES: dict[str, str] = {
    ".xls": N_("an old Excel workbook — save it as .xlsx (Excel/WPS: 另存为, Excel 工作簿 "
               ".xlsx)"),
    ".et": N_("a WPS spreadsheet — save it as .xlsx (WPS: 另存为, Excel 文件 .xlsx)"),
    ".xlsm": N_("a macro-enabled workbook — save it as .xlsx (macros are not read) and use "
                "that"),
    ".xltx": N_("an Excel template — save a workbook from it as .xlsx and use that"),
    ".ods": N_("an OpenDocument spreadsheet — save it as .xlsx (LibreOffice: 另存为, Excel "
               "2007-365)"),
    ".csv": N_("a CSV file — a form workbook has several sheets: start from "
               "`docgen form new TYPE --xlsx`"),
}
# scans and photographs, made searchable PDF/A by OCR (docgen.scan)
IMAGE_SUFFIXES: tuple[str, ...] = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
# what `docgen import` files: a PDF/A as it is, a Word file converted, any other PDF or an
# image made PDF/A with OCR
IMPORT_SUFFIXES: tuple[str, ...] = (*PDF_SUFFIXES, *WORD_SUFFIXES, *IMAGE_SUFFIXES)
# refused with a reason, not guessed at (the texts are translated where they are shown)
REFUSED_SUFFIXES: dict[str, str] = {
    ".docm": N_("a macro-enabled Word file — save it as .docx (Word: File > Save As) and "
                "import that"),
    ".dotx": N_("a Word template — open it, save the document as .docx, and import that"),
    ".xls": N_("an old Excel workbook — save it as .xlsx"),
    ".et": N_("a WPS spreadsheet — save it as .xlsx"),
}
# 格式信息 in record.json
FORMAT_NAMES: dict[str, str] = {
    ".docx": "DOCX (ISO/IEC 29500 Office Open XML)", ".doc": "DOC (Word 97-2003)",
    ".wps": "WPS (Word 97-2003)", ".odt": "ODT (ISO/IEC 26300 OpenDocument)",
    ".rtf": "RTF", ".ofd": "OFD (GB/T 33190)", ".yaml": "YAML (docgen form)",
    ".yml": "YAML (docgen form)", ".json": "JSON (docgen form)", ".toml": "TOML (docgen form)",
    ".txt": "TXT", ".xlsx": "XLSX", ".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG",
    ".tif": "TIFF", ".tiff": "TIFF",
}

# --- characters -------------------------------------------------------------------------
# CJK ideographs (〇, Ext A, URO, compatibility, Ext B–H), for regex character classes
CJK_IDEOGRAPHS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# CJK and full-width punctuation (、。「」〔〕，：“” …)
CJK_PUNCTUATION = "\u3000-\u3006\u3008-\u303f\uff00-\uffef“”‘’"
