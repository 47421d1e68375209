"""归档文件目录 (DA/T 22-2015): the catalogue of a bundle, as .xlsx and as a landscape A4 PDF.

Rows are made from record.json alone (`row`), so `bundle verify` can rebuild them from the
bag and compare them with what the .xlsx says.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import astuple, dataclass
from pathlib import Path

from docgen.dates import format_compact
from docgen.i18n import cli_gettext as _

COLUMNS = ("序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注")
SHEET = "归档文件目录"
HEADER_ROW = 3  # row 1: title, row 2: scope, row 3: column names, data from row 4


@dataclass(frozen=True)
class Row:
    """One line of the 归档文件目录; every value as text, as a clerk reads it."""

    seq: str  # 序号
    filing_number: str  # 档号
    doc_number: str  # 文号
    responsible: str  # 责任者
    title: str  # 题名
    date: str  # 日期, YYYYMMDD
    classification: str  # 密级
    pages: str  # 页数
    remark: str  # 备注

    def cells(self) -> tuple[str, ...]:
        return astuple(self)


def remark(meta: dict) -> str:
    """备注: the 件's history, so superseded and withdrawn ones read as what they are."""
    parts = []
    if meta.get("status") == "superseded":
        parts.append(f"已被 {meta.get('superseded_by') or '?'} 替代")
    elif meta.get("status") == "withdrawn":
        parts.append("已撤回")
    if meta.get("supersedes"):
        parts.append(f"替代 {meta['supersedes']}")
    if "pdf" not in (meta.get("files") or {}):
        parts.append("无PDF/A，未编入合订本")
    return "；".join(parts)


def row(seq: int, meta: dict) -> Row:
    """The catalogue line of a 件, from its record.json."""
    from docgen.archive.records import parse_compact

    pages = meta.get("页数")
    return Row(str(seq), _cell(meta["档号"]), _cell(meta.get("文件编号") or ""),
               _cell(meta["责任者"]), _cell(meta["题名"]),
               format_compact(parse_compact(str(meta["日期"]))), _cell(meta["密级"]),
               "" if pages is None else str(pages), remark(meta))


def _cell(value) -> str:
    """A record value as catalogue text: control characters that an archive filed before
    docgen.textcheck existed may hold are written as escapes (openpyxl refuses them, and one
    would stop the whole year's bundle)."""
    from docgen.textcheck import printable

    return printable(str(value))


def write_xlsx(rows: list[Row], path: Path, *, title: str, scope: str, when: dt.datetime,
               zip_time: tuple) -> None:
    """The catalogue as a workbook with one sheet; byte-stable for a given `when`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.writer.excel import ExcelWriter

    from docgen.bundle._zip import fixed_time_zip

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([scope])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(COLUMNS))
    ws.append(list(COLUMNS))
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(list(r.cells()))
    for letter, width in zip("ABCDEFGHI", (6, 30, 18, 18, 50, 10, 6, 6, 30)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    naive = when.astimezone(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    wb.properties.creator = "docgen"
    wb.properties.title = title
    wb.properties.created = naive
    wb.properties.modified = naive
    buf = io.BytesIO()
    # ExcelWriter, not wb.save(): save() stamps the current time into docProps/core.xml
    ExcelWriter(wb, fixed_time_zip(buf, zip_time)).save()
    path.write_bytes(buf.getvalue())


def read_xlsx(path: Path) -> list[Row]:
    """The data rows of a catalogue workbook (ValueError when it is not one)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise ValueError(_("cannot open it as a workbook ({error})").format(
            error=f"{type(e).__name__}: {e}")) from None
    try:
        if SHEET not in wb.sheetnames:
            raise ValueError(_("no sheet named {sheet}").format(sheet=SHEET))
        values = list(wb[SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    if len(values) < HEADER_ROW or tuple(_text(v) for v in values[HEADER_ROW - 1][
            :len(COLUMNS)]) != COLUMNS:
        raise ValueError(_("row {row} is not the column header {columns}").format(
            row=HEADER_ROW, columns=" ".join(COLUMNS)))
    out = []
    for cells in values[HEADER_ROW:]:
        cells = [_text(v) for v in cells][:len(COLUMNS)]
        cells += [""] * (len(COLUMNS) - len(cells))
        if any(cells):
            out.append(Row(*cells))
    return out


def _text(value) -> str:
    return "" if value is None else str(value)


def write_pdf(rows: list[Row], path: Path, *, title: str, scope: str) -> None:
    """The catalogue as a landscape A4 PDF with an embedded (subset) TrueType CJK font."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    font = _font()
    cell = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, alignment=1)
    big = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1)
    small = ParagraphStyle("scope", fontName=font, fontSize=10, leading=14, alignment=1)

    def p(text, style=cell):
        return Paragraph(_escape(text), style)

    data = [[p(c, head) for c in COLUMNS]]
    # short fixed-width columns as plain strings: a Paragraph per cell is the slow part
    wrap = [c in ("档号", "文号", "责任者", "题名", "备注") for c in COLUMNS]
    data += [[p(c) if w else c for c, w in zip(r.cells(), wrap)] for r in rows]
    widths = [v * mm for v in (12, 52, 30, 30, 78, 19, 13, 11, 32)]
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),  # else each cell names an unembedded Helvetica
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
    ]))

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(landscape(A4)[0] / 2, 10 * mm, f"— {doc.page} —")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=15 * mm, bottomMargin=18 * mm,
                            title=title, author="docgen", creator="docgen", invariant=1,
                            initialFontName=font)
    doc.build([p(title, big), p(scope, small), Spacer(1, 4 * mm), table],
              onFirstPage=footer, onLaterPages=footer)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _font() -> str:
    """Register the archive's TrueType CJK font (reportlab subsets and embeds it)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from docgen.archive.stamp import font_path

    name = "DocgenCatalogueSong"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, font_path()))
    return name
