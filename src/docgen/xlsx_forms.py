"""Forms as Excel workbooks (.xlsx), for clerks who keep commitments, opinions and tallies in
Excel or WPS: `write()` makes a workbook from a form's data, `read()` turns one back into the
plain data and field locations forms.validate() takes.

A workbook holds a sheet of the form's single fields (基本信息: 字段, 值, 说明, 字段代码) and one
sheet per table (承诺事项, 意见建议汇总表, 测评统计 …) with a header row. Problems are located as
`FILE.xlsx:SHEET!C7`. Every check that needs no parsing (file kind, size, password, formulas
without a cached value) runs on the zip before openpyxl loads it once, values only.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from docgen.placeholders import MARK
from docgen.errors import BadInput, FormError, Problem
from docgen.i18n import N_
from docgen.i18n import cli_gettext as _
from docgen.i18n import cli_ngettext as ngettext
from docgen.models import FORM_MODELS
from docgen.vocab import CJK_IDEOGRAPHS, FORM_TYPES, REFUSED_FORM_SUFFIXES

FIELDS_SHEET = "基本信息"
FIELDS_HEADER = ("字段", "值", "说明", "字段代码")
MAX_XLSX_BYTES = 5_000_000  # a form workbook is a few hundred rows; a bigger file is the wrong one
MAX_SHEET_BYTES = 8_000_000  # uncompressed XML of one sheet (500 opinion rows ≈ 0.3 MB)
MAX_ROWS = 5000
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected workbook
DEPARTMENT_FIELDS = ("responsible", "department", "owner")  # 科室 columns get a list
# 量化目标: … → 量化目标; 机构（问题）代码 keeps its brackets, 整改要求（…必填） does not
_LEADING_CJK = re.compile(rf"^[{CJK_IDEOGRAPHS}、]+(?:（[{CJK_IDEOGRAPHS}]+）[{CJK_IDEOGRAPHS}]+)?")


# --- what a form type looks like as a workbook ----------------------------------------------
@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # str, date, int, float, list (of text, one per line), choice
    choices: tuple[str, ...] = ()
    required: bool = False
    note: str = ""


@dataclass(frozen=True)
class Table:
    key: str  # the form's list field
    sheet: str
    columns: tuple[Column, ...]
    required: bool


def _unwrap(annotation):
    """(base type, choices) of a field's annotation: Optional, Annotated and Literal peeled."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin is typing.Literal:
        return "choice", tuple(typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else (str, ())
    if origin is list:
        inner = typing.get_args(annotation)[0]
        base, __ = _unwrap(inner)
        return (list, base), ()
    return annotation, ()


def _kind(annotation) -> tuple[str, tuple]:
    base, choices = _unwrap(annotation)
    if base == "choice":
        return "choice", choices
    if isinstance(base, tuple):  # list of …
        inner = base[1]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return "table", (inner,)
        return "list", ()
    if isinstance(base, type) and issubclass(base, BaseModel):
        return "model", (base,)
    if base is dt.date:
        return "date", ()
    if base is int:
        return "int", ()
    if base is float:
        return "float", ()
    return "str", ()


def label(key: str, description: str | None) -> str:
    """The Chinese name a field's description starts with (量化目标: … → 量化目标)."""
    m = _LEADING_CJK.match((description or "").strip())
    return m.group(0).rstrip("、") if m else key


def _columns(model, prefix: str = "") -> list[Column]:
    out = []
    for key, f in model.model_fields.items():
        kind, extra = _kind(f.annotation)
        if kind == "model":
            out.extend(_columns(extra[0], f"{prefix}{key}."))
            continue
        if kind == "table":
            continue
        out.append(Column(prefix + key, "文种" if key == "type" else label(key, f.description),
                          kind,
                          extra if kind == "choice" else (), f.is_required(),
                          f.description or ""))
    return out


def layout(form_type: str) -> tuple[list[Column], list[Table]]:
    """The fields sheet's rows and the table sheets of a form type."""
    model = FORM_MODELS[form_type]
    fields = _columns(model)
    tables, names = [], {FIELDS_SHEET}
    for key, f in model.model_fields.items():
        kind, extra = _kind(f.annotation)
        if kind != "table":
            continue
        sheet = label(key, f.description)[:31]
        if sheet in names:
            sheet = f"{sheet}({key})"[:31]
        names.add(sheet)
        min_len = any(getattr(m, "min_length", 0) for m in f.metadata)
        tables.append(Table(key, sheet, tuple(_columns(extra[0])), bool(min_len)))
    return fields, tables


# --- writing --------------------------------------------------------------------------------
def _width(value) -> float:
    text = value if isinstance(value, str) else str(value or "")
    longest = max((sum(2 if ord(ch) > 0x2E80 else 1.1 for ch in line)
                   for line in text.splitlines() or [""]), default=0)
    return longest


def _cell_value(col: Column, value):
    if value is None:
        return None
    if col.kind == "list":
        return "\n".join(str(v) for v in value)
    if col.kind == "date":
        from docgen.dates import parse_date

        try:
            return parse_date(value)
        except ValueError:
            return str(value)
    return value


def _get(data, dotted: str):
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def write(form_type: str, data, out: Path) -> Path:
    """Write `data` (a form's plain data, e.g. the starter's) as a form workbook, atomically."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    out = Path(out)
    fields, tables = layout(form_type)
    wb = Workbook()
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    departments = sorted({str(row.get(k)) for t in tables for row in (data.get(t.key) or [])
                          for k in DEPARTMENT_FIELDS if isinstance(row, dict) and row.get(k)
                          and not MARK.search(str(row.get(k)))})  # no placeholders

    def header(ws, titles):
        ws.append(list(titles))
        for cell in ws[1]:
            cell.font, cell.fill = head_font, head_fill
        ws.freeze_panes = "A2"

    def validate_list(ws, ref: str, choices, strict: bool = True):
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                            allow_blank=True, showErrorMessage=True,
                            errorStyle="stop" if strict else "warning")
        dv.error = "请从列表中选择" if strict else "不在列表中：确认是否正确"
        ws.add_data_validation(dv)
        dv.add(ref)

    ws = wb.active
    ws.title = FIELDS_SHEET
    header(ws, FIELDS_HEADER)
    widths = [_width(t) for t in FIELDS_HEADER]
    for row, col in enumerate(fields, start=2):
        value = FORM_TYPES[form_type] if col.key == "type" else _cell_value(col, _get(data,
                                                                                     col.key))
        note = ("必填" if col.required else "选填") + "。" + col.note
        if col.kind == "list":
            note += "（一行一项，单元格内换行：Alt+Enter）"
        ws.append([col.header, value, note, col.key])
        ws.cell(row, 2).alignment = ws.cell(row, 3).alignment = wrap
        if col.kind == "date":
            ws.cell(row, 2).number_format = DATE_FORMAT
        if col.choices:
            validate_list(ws, f"B{row}", col.choices)
        for i, v in enumerate((col.header, value, note, col.key)):
            widths[i] = max(widths[i], min(_width(v), 60))
    for letter, w in zip("ABCD", widths):
        ws.column_dimensions[letter].width = w + 2
    for t in tables:
        ws = wb.create_sheet(t.sheet)
        header(ws, [c.header for c in t.columns])
        rows = data.get(t.key) or []
        for item in rows:
            ws.append([_cell_value(c, _get(item, c.key)) for c in t.columns])
        last = max(len(rows) + 1, 200)  # validation and formats reach rows to be added
        for i, c in enumerate(t.columns, start=1):
            letter = ws.cell(1, i).column_letter
            w = max([_width(c.header)] + [_width(ws.cell(r, i).value)
                                          for r in range(2, len(rows) + 2)])
            ws.column_dimensions[letter].width = min(w, 50) + 2
            if c.kind == "date":
                for r in range(2, last + 1):
                    ws.cell(r, i).number_format = DATE_FORMAT
            if c.choices:
                validate_list(ws, f"{letter}2:{letter}{last}", c.choices)
            elif c.key in DEPARTMENT_FIELDS and departments:
                validate_list(ws, f"{letter}2:{letter}{last}", departments, strict=False)
            for r in range(2, len(rows) + 2):
                ws.cell(r, i).alignment = wrap
    out.parent.mkdir(parents=True, exist_ok=True)
    from docgen._files import replacing

    with replacing(out) as tmp:
        wb.save(str(tmp))
    return out


# --- reading --------------------------------------------------------------------------------
def _one(name: str, where: str | None, field: str, what: str, fix: str, cls=FormError):
    p = Problem(name, where, field, what, fix)
    return cls(str(p), [p])


def _sheet_files(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part, from workbook.xml and its relationships."""
    import xml.etree.ElementTree as ET

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    book = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels.findall("p:Relationship", ns)}
    out = {}
    for s in book.findall("m:sheets/m:sheet", ns):
        t = target.get(s.get(f"{{{ns['r']}}}id"), "")
        t = t.lstrip("/") if t.startswith("/") else f"xl/{t}"
        out[s.get("name")] = t
    return out


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")


def _precheck(path: Path, name: str) -> None:
    """File kind, size, password and formulas without a cached value: before any parsing."""
    suffix = path.suffix.lower()
    if suffix in REFUSED_FORM_SUFFIXES:
        what, __, fix = _(REFUSED_FORM_SUFFIXES[suffix]).partition(" — ")
        raise _one(name, None, "", _("is {what}").format(what=what), fix, BadInput)
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            magic = fh.read(8)
    except FileNotFoundError:
        raise _one(name, None, "", N_("no such file"), N_("check the path")) from None
    except OSError as e:
        raise _one(name, None, "", _("cannot read it ({reason})").format(reason=e.strerror),
                   N_("check the path")) from None
    if magic == OLE_MAGIC:
        raise _one(name, None, "", N_("is password-protected (or an old .xls saved as .xlsx)"),
                   N_("remove the password (Excel/WPS: 文件 > 信息 > 保护工作簿 > 用密码进行加密, "
                      "clear it) and save as .xlsx"))
    if size > MAX_XLSX_BYTES:
        raise _one(name, None, "", _("is {size:.1f} MB; a form workbook is at most {mb} MB")
                   .format(size=size / 1e6, mb=MAX_XLSX_BYTES // 1_000_000),
                   N_("is this the right file? split it"))
    if not zipfile.is_zipfile(path):
        raise _one(name, None, "", N_("is not an .xlsx workbook (not a zip)"),
                   N_("save it from Excel or WPS as .xlsx"), BadInput)
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "xl/vbaProject.bin" in names:
                raise _one(name, None, "", N_("holds macros (a .xlsm saved as .xlsx)"),
                           N_("save it as a plain .xlsx workbook (macros are not read)"),
                           BadInput)
            sheets = _sheet_files(z)
            for sheet, part in sheets.items():
                info = z.getinfo(part) if part in names else None
                if info and info.file_size > MAX_SHEET_BYTES:
                    raise _one(name, f"{sheet}", "", _(
                        "the sheet is {size:.0f} MB of XML; a form sheet is at most {mb} MB")
                        .format(size=info.file_size / 1e6, mb=MAX_SHEET_BYTES // 1_000_000),
                        N_("keep only the form's rows in the workbook"))
            problems = []
            for sheet, part in sheets.items():
                if part not in names:
                    continue
                xml = z.read(part)
                if not _FORMULA.search(xml):
                    continue
                for m in _CELL.finditer(xml):
                    body = m.group(2) or b""
                    if _FORMULA.search(body) and not _VALUE.search(body):
                        ref = _REF.search(m.group(1))
                        cell = ref.group(1).decode() if ref else "?"
                        problems.append(Problem(
                            name, f"{sheet}!{cell}", "", N_("a formula without a computed value"),
                            N_("open the workbook in Excel or WPS, let it calculate, and save "
                               "it")))
            if problems:
                raise FormError(ngettext("{name}: {count} formula without a value",
                                         "{name}: {count} formulas without a value",
                                         len(problems)).format(name=name, count=len(problems)),
                                problems)
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as e:
        raise _one(name, None, "", _("is a damaged workbook ({problem})").format(problem=e),
                   N_("open it in Excel or WPS and save it again as .xlsx")) from None


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _convert(col: Column, value):
    """A cell's value as the form field wants it (text stays text for the model to judge)."""
    if isinstance(value, str):
        value = value.strip()
        if col.kind == "list":
            return [line.strip() for line in value.splitlines() if line.strip()]
        return value
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time(0) or col.kind == "date" else value
    if col.kind == "date" and isinstance(value, (int, float)) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    if col.kind in ("str", "choice", "list"):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        return [text] if col.kind == "list" else text
    if col.kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _put(data: dict, dotted: str, value) -> None:
    parts = dotted.split(".")
    for p in parts[:-1]:
        data = data.setdefault(p, {})
    data[parts[-1]] = value


def read(path: Path) -> tuple[dict, dict]:
    """(plain data, {field path: 'SHEET!C7'}) of a form workbook; FormError (exit 3) listing
    every problem, BadInput (exit 10) for the wrong kind of file."""
    from openpyxl import load_workbook

    path = Path(path)
    name = str(path)
    _precheck(path, name)
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as e:  # openpyxl raises many types for a broken package
        raise _one(name, None, "", _("openpyxl cannot read it ({problem})").format(
            problem=f"{type(e).__name__}: {e}"),
            N_("open it in Excel or WPS and save it again as .xlsx")) from None
    if FIELDS_SHEET not in wb.sheetnames:
        raise _one(name, FIELDS_SHEET, "", _("no sheet {sheet!r} (sheets: {sheets})").format(
            sheet=FIELDS_SHEET, sheets="、".join(wb.sheetnames)),
            N_("start from `docgen form new TYPE --xlsx`; keep the sheet names"))
    problems: list[Problem] = []
    data, positions = _read_fields(wb[FIELDS_SHEET], name, problems)
    from docgen.vocab import form_type_code

    form_type = form_type_code(str(data.get("type", "")))
    if form_type is None:
        raise _one(name, positions.get(("type",), f"{FIELDS_SHEET}!B2"), "type",
                   _("{value!r} is not a form type").format(value=data.get("type")),
                   _("use one of: {types}").format(
                       types=", ".join(f"{c} ({k})" for c, k in FORM_TYPES.items())))
    fields, tables = layout(form_type)
    by_key = {c.key: c for c in fields}
    for path_, where in list(positions.items()):
        col = by_key.get(".".join(path_))
        value = _get(data, ".".join(path_))
        if col is not None and value is not None:
            _put(data, col.key, _convert(col, value))
    for t in tables:
        if t.sheet not in wb.sheetnames:
            if t.required:
                problems.append(Problem(
                    name, t.sheet, t.key, _("the sheet {sheet!r} is missing").format(
                        sheet=t.sheet),
                    _("add it back (docgen form new {type} --xlsx shows its columns)").format(
                        type=form_type)))
            continue
        rows = _read_table(wb[t.sheet], t, name, problems, positions)
        if rows is not None:
            data[t.key] = rows
    if problems:
        raise FormError(ngettext("{name}: {count} problem in the workbook",
                                 "{name}: {count} problems in the workbook",
                                 len(problems)).format(name=name, count=len(problems)), problems)
    return data, positions


def _merged(ws, name: str, problems: list, field: str) -> bool:
    ranges = list(ws.merged_cells.ranges)
    for r in ranges:
        problems.append(Problem(name, f"{ws.title}!{r.coord}", field, N_("merged cells"),
                                N_("unmerge them (开始 > 合并后居中, off): one value per cell")))
    return bool(ranges)


def _read_fields(ws, name: str, problems: list) -> tuple[dict, dict]:
    data: dict = {}
    positions: dict = {}
    head = [(_cell.value or "") for _cell in ws[1]][:4] if ws.max_row else []
    if tuple(str(h).strip() for h in head[:2]) != FIELDS_HEADER[:2]:
        problems.append(Problem(name, f"{ws.title}!A1", "",
                                _("the header is {got!r}, not {wanted!r}").format(
                                    got=head[:2], wanted=list(FIELDS_HEADER[:2])),
                                _("restore the first row: {header}").format(
                                    header="、".join(FIELDS_HEADER))))
        return data, positions
    if _merged(ws, name, problems, ""):
        return data, positions
    labels = {}
    for rows in FORM_MODELS.values():
        for c in _columns(rows):
            labels.setdefault(c.header, c.key)
    for row in ws.iter_rows(min_row=2, max_col=4):
        cells = list(row) + [None] * (4 - len(row))
        lab, value, __, key = (c.value if c is not None else None for c in cells)
        key = str(key).strip() if not _blank(key) else labels.get(str(lab or "").strip())
        if key is None or _blank(value):
            continue
        where = f"{ws.title}!B{cells[1].row}"
        _put(data, key, value)
        positions[tuple(key.split("."))] = where
    return data, positions


def _read_table(ws, t: Table, name: str, problems: list, positions: dict) -> list | None:
    if ws.max_row > MAX_ROWS:
        problems.append(Problem(name, ws.title, t.key,
                                _("{rows} rows; a form table has at most {limit}").format(
                                    rows=ws.max_row, limit=MAX_ROWS),
                                N_("keep only the form's rows")))
        return None
    header = [c.value for c in ws[1]] if ws.max_row else []
    ok = True
    for i, col in enumerate(t.columns):
        got = header[i] if i < len(header) else None
        if str(got or "").strip() != col.header:
            letter = ws.cell(1, i + 1).column_letter
            what = (_("column header is missing, not {wanted!r}") if _blank(got)
                    else _("column header is {got!r}, not {wanted!r}"))
            problems.append(Problem(name, f"{ws.title}!{letter}1", t.key,
                                    what.format(got=str(got or "").strip(), wanted=col.header),
                                    _("restore the header row: {header}").format(
                                        header="、".join(c.header for c in t.columns))))
            ok = False
    for i in range(len(t.columns), len(header)):
        if not _blank(header[i]):
            letter = ws.cell(1, i + 1).column_letter
            problems.append(Problem(name, f"{ws.title}!{letter}1", t.key,
                                    _("unknown column {name!r}").format(
                                        name=str(header[i]).strip()),
                                    N_("delete the column (notes go in another sheet)")))
            ok = False
    if _merged(ws, name, problems, t.key) or not ok:
        return None
    positions[(t.key,)] = f"{ws.title}!A1"
    rows, gap = [], None
    width = len(t.columns)
    for row in ws.iter_rows(min_row=2, max_col=width):
        values = [c.value for c in row]
        r = row[0].row
        if all(_blank(v) for v in values):
            gap = gap or r
            continue
        if gap is not None:
            problems.append(Problem(name, f"{ws.title}!A{gap}", t.key,
                                    N_("an empty row in the middle of the table"),
                                    N_("delete the row (or fill it in)")))
            return None
        i = len(rows)
        item = {}
        positions[(t.key, i)] = f"{ws.title}!A{r}"
        for col, cell in zip(t.columns, row):
            positions[(t.key, i) + tuple(col.key.split("."))] = f"{ws.title}!{cell.coordinate}"
            if not _blank(cell.value):
                _put(item, col.key, _convert(col, cell.value))
        rows.append(item)
    return rows
