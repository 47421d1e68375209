"""Build the bundled GB/T 9704-2012 templates (templates/*.docx) from code.

Run `python scripts/make_templates.py` after changing this file; the .docx files are committed so a
clerk can open one in Word/WPS, restyle it, and pass it back with `--template`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

ROOT = Path(__file__).resolve().parents[1]

# GB/T 9704 names the families; fontconfig (src/docgen/data/fontconfig) maps them to free fonts.
FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
NOTE_PT = 14  # 4号
LINE_PITCH_TWIPS = 579  # 225 mm / 22 lines
# −0.4 pt between characters: 28 characters of 3号 per line (28 × 15.6 pt ≤ 156 mm < 29 × 15.6);
# at −0.25 pt LibreOffice's justification still broke one character early
CHAR_SPACING_TWENTIETHS = -8
LINE_PT = LINE_PITCH_TWIPS / 20
RED = RGBColor(0xE6, 0x00, 0x12)
INDENT_2 = Pt(2 * BODY_PT)
CHAR_PT = BODY_PT + CHAR_SPACING_TWENTIETHS / 20  # one 3号 character's advance
AREA_W = Mm(156)
# measured: the dash of "— 1 —" then stands 7 mm below the type area; the footer line is exactly
# 4号 high, since a taller footer grows into the type area and leaves 21 lines, not 22
FOOTER_MM = 25.5
SEPARATOR_SPACE_PT = 5
MARK_LINE_PT = 58
MARK_SPACE_BEFORE_PT = 89  # measured: the red rule then lies 4 mm under the 发文字号
IMPRINT_TWIPS = int(AREA_W.twips)
MARK_PT = 36  # 发文机关标志; docgen.layout.compose shrinks it to keep a long name on one line
JOINT_LINE_PT = 44  # a joint mark's line (compose sets it for the size it chooses)
JOINT_SPACER_PT = 90  # the space above a joint mark (compose sets it for the size)


def set_fonts(rpr_owner, family: str) -> None:
    """Set the Latin AND east-Asian font: Word picks the eastAsia one for Chinese text."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), family)


def style_font(style, family: str, size: float, bold=False, color=None) -> None:
    style.font.name = family
    rpr = style.element.get_or_add_rPr()
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_SPACING_TWENTIETHS if size == BODY_PT else 0))
    rpr.append(spacing)
    style.font.size = Pt(size)
    style.font.bold = bold
    if color is not None:
        style.font.color.rgb = color
    set_fonts(style.element, family)


def para_format(style, *, align=None, first_indent=None, exact=True) -> None:
    east_asian_typography(style.element.get_or_add_pPr())
    pf = style.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    if exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PT)
    if align is not None:
        pf.alignment = align
    pf.first_line_indent = first_indent
    pf.widow_control = False


def east_asian_typography(ppr) -> None:
    """No space between Chinese and digits (建规〔2011〕3号), no punctuation in the margin.

    overflowPunct is 1 on purpose: LibreOffice reads 0 as "hang punctuation" (the reverse of
    Word, whose default is 1 anyway), and its PDF is the one filed.
    """
    for tag, value in (("w:overflowPunct", "1"), ("w:autoSpaceDE", "0"), ("w:autoSpaceDN", "0")):
        el = ppr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            ppr.append(el)
        el.set(qn("w:val"), value)


def add_style(doc, name, base="Normal"):
    from docx.enum.style import WD_STYLE_TYPE

    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    return style


def border(paragraph_or_style_ppr, side: str, eighths: int, color: str = "000000",
           space: int = 1) -> None:
    ppr = paragraph_or_style_ppr
    pbdr = ppr.find(qn("w:pBdr"))
    if pbdr is None:
        pbdr = OxmlElement("w:pBdr")
        ppr.append(pbdr)
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(eighths))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), color)
    pbdr.append(el)


def setup_page(doc) -> None:
    s = doc.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin = Mm(37), Mm(35)
    s.left_margin, s.right_margin = Mm(28), Mm(26)
    s.header_distance = Mm(15)
    s.footer_distance = Mm(FOOTER_MM)
    s.start_type = WD_SECTION.NEW_PAGE
    grid = s._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        s._sectPr.append(grid)
    # No document grid: LibreOffice reads Word's character grid differently (half the
    # characters per line). Exact line spacing gives the 22 lines, and a negative character
    # spacing on the 3号 styles the 28 characters.
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    doc.settings.odd_and_even_pages_header_footer = True
    page_number(s.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    page_number(s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def page_number(footer, align) -> None:
    """'— N —' in 4号宋体: odd pages right, even pages left, one character in from the edge."""
    p = footer.paragraphs[0]
    p.style = footer.part.package.main_document_part.styles["页码"]
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Pt(NOTE_PT)
    p.alignment = align
    pf = p.paragraph_format
    pf.first_line_indent = Pt(0)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        pf.right_indent = Pt(NOTE_PT)
    else:
        pf.left_indent = Pt(NOTE_PT)

    def run(text=None):
        r = p.add_run(text)
        r.font.size = Pt(NOTE_PT)
        set_fonts(r._r, SONGTI)
        return r

    run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):
        r = run()  # each field part in its own 4号宋体 run, so the number is 4号宋体 too
        if kind:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            r._r.append(fc)
        elif text == " PAGE ":
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = text
            r._r.append(it)
        else:
            t = OxmlElement("w:t")
            t.text = text
            r._r.append(t)
    run(" —")


def language(doc) -> None:
    """Chinese text is zh-CN, so Word and LibreOffice apply Chinese line-breaking rules."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")  # LibreOffice writes it as the PDF's /Lang
    lang.set(qn("w:eastAsia"), "zh-CN")
    theme = doc.settings.element.find(qn("w:themeFontLang"))
    if theme is None:
        theme = OxmlElement("w:themeFontLang")
        doc.settings.element.append(theme)
    theme.set(qn("w:val"), "zh-CN")
    theme.set(qn("w:eastAsia"), "zh-CN")


def styles(doc) -> None:
    language(doc)
    normal = doc.styles["Normal"]
    style_font(normal, FANGSONG, BODY_PT)
    para_format(normal, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent=INDENT_2)
    # first-line indent in characters, so it stays two characters whatever the font
    ind = normal.element.get_or_add_pPr().find(qn("w:ind"))
    ind.set(qn("w:firstLineChars"), "200")

    s = add_style(doc, "公文标题")
    style_font(s, XIAOBIAOSONG, TITLE_PT)
    para_format(s, align=WD_ALIGN_PARAGRAPH.CENTER, first_indent=Pt(0), exact=False)
    s.paragraph_format.line_spacing = Pt(36)
    s.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY

    s = add_style(doc, "发文机关标志")
    style_font(s, XIAOBIAOSONG, MARK_PT, color=RED)
    para_format(s, align=WD_ALIGN_PARAGRAPH.CENTER, first_indent=Pt(0), exact=False)
    s.paragraph_format.line_spacing = Pt(MARK_LINE_PT)
    s.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    s.paragraph_format.space_before = Pt(MARK_SPACE_BEFORE_PT)  # top edge 35 mm into the 版心

    # 7.2.4 联合行文: the names stacked in a borderless table's left column, one per line and
    # spread to one width; 「文件」 in the right column, centred on them. docgen.layout.compose
    # sizes both to the longest name and sets the spacer above so the first name's top edge
    # stands 35 mm into the 版心
    s = add_style(doc, "发文机关标志联署")
    style_font(s, XIAOBIAOSONG, MARK_PT, color=RED)
    para_format(s, align=WD_ALIGN_PARAGRAPH.DISTRIBUTE, first_indent=Pt(0), exact=False)
    s.paragraph_format.line_spacing = Pt(JOINT_LINE_PT)
    s.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    s = add_style(doc, "发文机关标志联署文件", "发文机关标志联署")
    s.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    s = add_style(doc, "发文机关标志联署前")  # the space above the joint mark
    style_font(s, FANGSONG, 1)
    para_format(s, first_indent=Pt(0), exact=False)
    s.paragraph_format.line_spacing = Pt(JOINT_SPACER_PT)
    s.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY

    s = add_style(doc, "发文字号")
    para_format(s, align=WD_ALIGN_PARAGRAPH.CENTER, first_indent=Pt(0))
    border(s.element.get_or_add_pPr(), "bottom", 12, "E60012", SEPARATOR_SPACE_PT)  # 分隔线

    # 7.2.5/7.2.6 上行文: 发文字号 one character in on the left, on the line of the last
    # 签发人; 「签发人：」 and the names (two a line, in columns, continuation lines under the
    # first name) ending one character from the right, the 分隔线 under the last line.
    # Tabs, not indents (a paragraph border spans the indents, and the 分隔线 must not
    # shrink); docgen.layout.compose sets the 签发人 stops from the names' widths, the ones
    # here fit two names of three characters
    names_at = AREA_W - Pt(CHAR_PT * 8)
    for name in ("签发人", "发文字号签发人"):
        s = add_style(doc, name)
        para_format(s, align=WD_ALIGN_PARAGRAPH.LEFT, first_indent=Pt(0))
        if name == "发文字号签发人":
            s.paragraph_format.tab_stops.add_tab_stop(Pt(CHAR_PT))
            border(s.element.get_or_add_pPr(), "bottom", 12, "E60012", SEPARATOR_SPACE_PT)
        s.paragraph_format.tab_stops.add_tab_stop(names_at - Pt(4 * CHAR_PT))  # 签发人：
        s.paragraph_format.tab_stops.add_tab_stop(names_at)  # the first name of a line
        s.paragraph_format.tab_stops.add_tab_stop(names_at + Pt(4 * CHAR_PT))  # the second

    for name, family in (("一级标题", HEITI), ("二级标题", KAITI), ("三级标题", FANGSONG)):
        s = add_style(doc, name)
        style_font(s, family, BODY_PT)
        para_format(s, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent=INDENT_2)
        s.paragraph_format.keep_with_next = True

    s = add_style(doc, "主送机关")
    para_format(s, align=WD_ALIGN_PARAGRAPH.LEFT, first_indent=Pt(0))

    # 7.3.4: 「附件：1.名称」 two characters in; items 2–n under 「1.」, and a wrapped name
    # under the name's first character (hanging indents)
    s = add_style(doc, "附件说明")
    para_format(s, align=WD_ALIGN_PARAGRAPH.LEFT, first_indent=Pt(-4 * CHAR_PT))
    s.paragraph_format.left_indent = Pt(6 * CHAR_PT)

    s = add_style(doc, "附件说明续")
    para_format(s, align=WD_ALIGN_PARAGRAPH.LEFT, first_indent=Pt(-1 * CHAR_PT))
    s.paragraph_format.left_indent = Pt(6 * CHAR_PT)

    # 7.3.5.2 (unsealed) by default; docgen.layout.compose sets the indents from the text
    s = add_style(doc, "署名")
    para_format(s, align=WD_ALIGN_PARAGRAPH.RIGHT, first_indent=Pt(0))
    s.paragraph_format.right_indent = Pt(2 * CHAR_PT)
    s.paragraph_format.keep_with_next = True

    s = add_style(doc, "成文日期")
    para_format(s, align=WD_ALIGN_PARAGRAPH.RIGHT, first_indent=Pt(0))
    s.paragraph_format.right_indent = Pt(2 * CHAR_PT)

    s = add_style(doc, "页码")
    style_font(s, SONGTI, NOTE_PT)
    para_format(s, first_indent=Pt(0), exact=False)

    for name in ("版记抄送", "版记印发"):
        s = add_style(doc, name)
        style_font(s, FANGSONG, NOTE_PT)
        para_format(s, align=WD_ALIGN_PARAGRAPH.LEFT, first_indent=Pt(0))
        # one character in on each side; the table's borders stay the full width
        s.paragraph_format.left_indent = Pt(NOTE_PT)
        s.paragraph_format.right_indent = Pt(NOTE_PT)
        if name == "版记抄送":  # continuation lines aligned after 「抄送：」
            s.paragraph_format.left_indent = Pt(4 * NOTE_PT)
            s.paragraph_format.first_line_indent = Pt(-3 * NOTE_PT)
        else:  # 印发日期 ends one character from the right
            s.paragraph_format.tab_stops.add_tab_stop(AREA_W - Pt(NOTE_PT), alignment=2)

    s = add_style(doc, "版记锚")  # the paragraph the floating 版记 hangs on: takes no room
    style_font(s, FANGSONG, 1)
    para_format(s, first_indent=Pt(0), exact=False)
    s.paragraph_format.line_spacing = Pt(1)
    s.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY


def p(doc, text: str = "", style: str = "Normal", runs: list[tuple[str, str]] | None = None):
    para = doc.add_paragraph(style=style)
    if runs:
        for chunk, family in runs:
            r = para.add_run(chunk)
            set_fonts(r._r, family)
    elif text:
        para.add_run(text)
    return para


def head(doc) -> None:
    """版头 (发文机关标志, 发文字号/签发人, 红色分隔线), 标题 and 主送机关."""
    p(doc, "{%p if issuers|length > 1 %}")
    joint_mark(doc)
    p(doc, "{%p else %}")
    p(doc, "{{ issuer }}文件", "发文机关标志")
    p(doc, "{%p endif %}")
    blank(doc, 2)  # 7.2.5: 发文字号 two lines below the mark
    p(doc, "{%p if signer %}")
    # 7.2.6: two names a line, in the issuers' order; the 发文字号 on the last line
    p(doc, "{%p for row in signer_lines[:-1] %}")
    p(doc, runs=[("\t{% if loop.first %}签发人：{% else %}\t{% endif %}", FANGSONG),
                 ("{{ row[0] }}{% if row|length > 1 %}\t{{ row[1] }}{% endif %}", KAITI)],
      style="签发人")
    p(doc, "{%p endfor %}")
    p(doc, runs=[("\t{{ doc_number }}\t{% if signer_lines|length == 1 %}签发人：{% else %}\t"
                  "{% endif %}", FANGSONG),
                 ("{{ signer_lines[-1][0] }}{% if signer_lines[-1]|length > 1 %}\t"
                  "{{ signer_lines[-1][1] }}{% endif %}", KAITI)],
      style="发文字号签发人")
    p(doc, "{%p else %}")
    p(doc, "{{ doc_number }}", "发文字号")
    p(doc, "{%p endif %}")
    blank(doc, 2)  # 7.3.1: the title two lines below the 分隔线
    # one paragraph, lines broken softly between words (梯形或菱形): Word reflows an edit
    p(doc, "{{ title_lines|join('\\n') }}", "公文标题")
    blank(doc, 1)
    p(doc, "{{ addressee }}：", "主送机关")


def _fixed_table(tblpr, borders: dict[str, int]) -> None:
    """A table laid out at fixed widths with no cell margins; `borders`: each side's rule in
    eighths of a point (0: none)."""
    element = OxmlElement("w:tblBorders")
    for side, size in borders.items():
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single" if size else "nil")
        if size:
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        element.append(el)
    tblpr.append(element)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    margins = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.append(margins)


def joint_mark(doc) -> None:
    """The 发文机关标志 of several issuers (7.2.4): a borderless table, the names one per line
    on the left (主办机关 first), 「文件」 on the right, centred on them."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    p(doc, "", "发文机关标志联署前")
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tblpr = table._tbl.tblPr
    for tag in ("w:tblStyle", "w:tblLook"):
        for el in tblpr.findall(qn(tag)):
            tblpr.remove(el)
    _fixed_table(tblpr, {side: 0 for side in ("top", "left", "bottom", "right", "insideH",
                                               "insideV")})
    names, word = table.rows[0].cells
    names.width, word.width = Pt(8 * MARK_PT), Pt(2.5 * MARK_PT)
    first = names.paragraphs[0]
    first.style = doc.styles["发文机关标志联署"]
    first.add_run("{%p for name in issuers %}")
    for text in ("{{ name }}", "{%p endfor %}"):
        names.add_paragraph(text, "发文机关标志联署")
    word.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    word.paragraphs[0].style = doc.styles["发文机关标志联署文件"]
    word.paragraphs[0].add_run("文件")


def blank(doc, n: int) -> None:
    for _ in range(n):
        p(doc, "", "主送机关")


def tail(doc) -> None:
    """附件说明, 署名, 成文日期 and the 版记 on the type area's bottom edge."""
    p(doc, "{%p if attachments %}")
    blank(doc, 1)
    p(doc, "{%p for a in attachments %}")
    p(doc, "{%p if loop.first %}")
    p(doc, "附件：1.{{ a }}", "附件说明")
    p(doc, "{%p else %}")
    p(doc, "{{ loop.index }}.{{ a }}", "附件说明续")
    p(doc, "{%p endif %}")
    p(doc, "{%p endfor %}")
    p(doc, "{%p endif %}")
    blank(doc, 1)  # 7.3.5.2: one blank line under the body or 附件说明
    p(doc, "{%p if seal %}")
    blank(doc, 2)  # 7.3.5.1: room for the seal, its top within one line of the text
    p(doc, "{%p endif %}")
    # one 署名 a line, 主办机关 first (7.3.5.2); sealed, up to two a row, side by side, the
    # rows apart so that the seals neither meet nor overlap (7.3.5.1)
    p(doc, "{%p for row in signature_rows %}")
    p(doc, "{%p if seal and not loop.first %}")
    blank(doc, 3)
    p(doc, "{%p endif %}")
    p(doc, "{% if row|length > 1 %}\t{{ row|join('\\t') }}{% else %}{{ row[0] }}{% endif %}",
      "署名")
    p(doc, "{%p endfor %}")
    p(doc, "{{ date_cn }}", "成文日期")
    imprint(doc)


def imprint(doc) -> None:
    """版记 (7.4): a table floating on the bottom edge of the type area of the last page.

    Table borders, not paragraph borders, so the rules are the type area's full 156 mm while the
    text stands one character in (paragraph indents; cell margins would make LibreOffice count
    the table wider than the type area and lay it inline); rules 0.35, 0.25, 0.35 mm.
    """
    table = doc.add_table(rows=4, cols=1)
    tbl = table._tbl
    tblpr = tbl.tblPr
    for tag in ("w:tblStyle", "w:tblLook", "w:tblW"):
        for el in tblpr.findall(qn(tag)):
            tblpr.remove(el)
    float_pr = OxmlElement("w:tblpPr")
    for k, v in (("leftFromText", "0"), ("rightFromText", "0"), ("topFromText", "0"),
                 ("bottomFromText", "0"), ("vertAnchor", "margin"), ("horzAnchor", "page"),
                 ("tblpX", str(int(Mm(28).twips))), ("tblpYSpec", "bottom")):
        float_pr.set(qn(f"w:{k}"), v)
    tblpr.insert(0, float_pr)
    width = OxmlElement("w:tblW")
    # placed from the page's edge: LibreOffice lays a floating table placed in the margins
    # inline when it is nearly as wide as the type area (its FloatingTableConversion)
    width.set(qn("w:w"), str(IMPRINT_TWIPS))
    width.set(qn("w:type"), "dxa")
    tblpr.append(width)
    _fixed_table(tblpr, {"top": 8, "left": 0, "bottom": 8, "right": 0, "insideH": 6,
                         "insideV": 0})
    table.columns[0].width = Twips(IMPRINT_TWIPS)
    for cell in table.columns[0].cells:
        cell.width = Twips(IMPRINT_TWIPS)
    rows = (("{%tr if copy_to %}", "版记抄送"),
            ("抄送：{{ copy_to|join('，') }}。", "版记抄送"),
            ("{%tr endif %}", "版记抄送"),
            ("{{ printed_by }}\t{{ print_date_cn }}印发", "版记印发"))
    for row, (text, style) in zip(table.rows, rows):
        para = row.cells[0].paragraphs[0]
        para.style = doc.styles[style]
        para.add_run(text)
    p(doc, "", "版记锚")


def numbered(doc, var: str, style="Normal") -> None:
    p(doc, f"{{%p for item in {var} %}}")
    p(doc, "{{ loop.index }}.{{ item }}", style)
    p(doc, "{%p endfor %}")


def section(doc, key: str, body) -> None:
    """An optional 一级 section: its heading number comes from the context (heads.KEY)."""
    p(doc, f"{{%p if heads.{key} %}}")
    p(doc, f"{{{{ heads.{key} }}}}", "一级标题")
    body()
    p(doc, "{%p endif %}")


def plan(doc) -> None:
    head(doc)
    p(doc, "{{ basis }}")
    section(doc, "guiding_ideology", lambda: p(doc, "{{ guiding_ideology }}"))
    section(doc, "key_problems", lambda: numbered(doc, "key_problems"))
    section(doc, "measures", lambda: numbered(doc, "measures"))

    def steps():
        p(doc, "{%p for step in steps %}")
        p(doc, "（{{ cn(loop.index) }}）{{ step.name }}{% if step.period %}（{{ step.period }}）"
               "{% endif %}", "二级标题")
        p(doc, "{%p for task in step.tasks %}")
        p(doc, "{{ loop.index }}.{{ task }}")
        p(doc, "{%p endfor %}")
        p(doc, "{%p endfor %}")

    section(doc, "steps", steps)

    def requirements():
        p(doc, "{%p for r in requirements %}")
        p(doc, runs=[("（{{ cn(loop.index) }}）{{ r.heading }}。", KAITI),
                     ("{{ r.text }}", FANGSONG)])
        p(doc, "{%p endfor %}")

    section(doc, "requirements", requirements)
    section(doc, "contact", lambda: p(doc, "单位明确{{ contact.name }}同志负责民主评议信息的收集撰写，"
                                           "及时向{{ addressee }}反馈{% if contact.phone %}"
                                           "（联系电话：{{ contact.phone }}）{% endif %}。"))
    tail(doc)


def commitment(doc) -> None:
    head(doc)
    p(doc, "{{ preamble }}")
    p(doc, "{%p for item in items %}")
    p(doc, "{{ cn(loop.index) }}、{{ item.content }}", "一级标题")
    p(doc, "量化目标：{{ item.target }}。完成时限：{{ item.deadline_cn }}前。"
           "{% if item.responsible %}责任科室：{{ item.responsible }}。{% endif %}")
    p(doc, "{%p endfor %}")
    p(doc, "{%p if supervision %}")
    p(doc, "{{ cn(items|length + 1) }}、监督举报", "一级标题")
    p(doc, "{% if supervision.phone %}举报电话：{{ supervision.phone }}。{% endif %}"
           "{% if supervision.mailbox %}举报箱设在{{ supervision.mailbox }}。{% endif %}"
           "{% if supervision.supervisors %}民主评议监督员：{{ supervision.supervisors|join('、') }}。"
           "{% endif %}")
    p(doc, "{%p endif %}")
    p(doc, "{%p if closing %}")
    p(doc, "{{ closing }}")
    p(doc, "{%p endif %}")
    tail(doc)


def summary(doc) -> None:
    head(doc)
    p(doc, "{{ overview }}")
    p(doc, "{{ heads.fulfilments }}", "一级标题")
    p(doc, "{%p for f in fulfilments %}")
    p(doc, "（{{ cn(loop.index) }}）{{ f.commitment }}（{{ f.status }}）", "二级标题")
    p(doc, "{{ f.result }}")
    p(doc, "{%p endfor %}")
    section(doc, "achievements", lambda: numbered(doc, "achievements"))
    section(doc, "problems", lambda: numbered(doc, "problems"))
    section(doc, "next_steps", lambda: numbered(doc, "next_steps"))
    tail(doc)


def build(kind: str, body, out: Path) -> Path:
    doc = Document()
    doc.core_properties.title = ""
    doc.core_properties.author = "docgen"
    doc.core_properties.comments = f"docgen {kind} template, GB/T 9704-2012"
    doc.core_properties.category = f"docgen:{kind}"  # the form type it is for
    styles(doc)
    setup_page(doc)
    # python-docx's default document starts with no paragraphs; remove stray empties if any
    body(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    return out


def main(argv=None) -> int:
    out_dir = Path(argv[0]) if argv else ROOT / "templates"
    for kind, body in (("plan", plan), ("commitment", commitment), ("summary", summary)):
        print(build(kind, body, out_dir / f"{kind}.docx"))
    from templates_campaign import CAMPAIGN_BODIES  # the campaign's other five (same head, 版记)

    for kind, body in CAMPAIGN_BODIES.items():
        print(build(kind, body, out_dir / f"{kind}.docx"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
