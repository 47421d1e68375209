"""Layout that depends on the form's values, applied to a rendered Word document.

A template fixes the styles; some GB/T 9704 positions depend on the text itself: the
发文机关标志 shrinks so a long issuer name stays on one line (7.2.4), several issuers' names
stack one a line with 「文件」 centred on their right (7.2.4), the 签发人 names stand in columns
ending one character from the right (7.2.6), and the 署名 and 成文日期 stand where 7.3.5.1
(sealed) or 7.3.5.2 (unsealed) put them, which depends on their lengths.
Paragraphs are found by their style names (those of the bundled templates); a template
without them is left as it is.
"""

from __future__ import annotations

import datetime as dt

from docgen.layout.title import width

AREA_PT = 156 / 25.4 * 72  # the type area's width
BODY_CHAR_PT = 15.6  # a 3号 character with the templates' −0.4 pt spacing
MARK_STYLE, SIGNATURE_STYLE, DATE_STYLE = "发文机关标志", "署名", "成文日期"
JOINT_STYLE, JOINT_SPACER_STYLE = "发文机关标志联署", "发文机关标志联署前"
SIGNER_STYLES = ("签发人", "发文字号签发人")
SIGNER_LABEL = "签发人："
JOINT_GAP = 0.5  # between the names and 「文件」, in characters of the mark
JOINT_LINE = 1.25  # a joint mark's line pitch, in its size
# LibreOffice sets a joint mark's glyphs at the bottom of their exact line: with a spacer line
# of JOINT_TOP_PT − line + JOINT_DROP_PER_PT × size above the table, the first name's top edge
# stands 35 mm below the type area's top edge (measured on 19 and 36 pt marks)
JOINT_TOP_PT, JOINT_DROP_PER_PT = 99.5, 1.24
SEAL_PITCH_PT = 50 / 25.4 * 72  # sealed, two seals of 42 mm side by side, not touching
MARK_ROOM_PT = 6  # keep the mark this far inside the type area's width
# LibreOffice sets a smaller mark lower in its exact-height line: its top edge moves down 1.03 pt
# per pt of size (measured on 19.5–36 pt marks), taken off the space before it
MARK_DROP_PER_PT = 1.03
DIGIT_CHARS = 0.69  # a 仿宋 digit's advance, in 3号 characters (measured)


def compose(document, *, seal: bool = False, now: dt.datetime | None = None) -> None:
    """Fit the mark, place 署名/成文日期, stamp the generation time into the core properties.

    Keeping body lines with the signature is docgen.layout.fit's job, on the measured PDF:
    keep-with-next chains make LibreOffice move whole paragraphs instead.
    """
    fit_mark(document)
    fit_joint_mark(document)
    place_signers(document)
    place_signature(document, seal=seal)
    now = now or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    document.core_properties.created = now
    document.core_properties.modified = now


def _styled(document, name: str) -> list:
    return [p for p in document.paragraphs if p.style is not None and p.style.name == name]


def mark_size(text: str, largest: float) -> float:
    """The 发文机关标志's size in pt: `largest`, or less so `text` fits on one line."""
    units = width(text) or 1
    fit = (AREA_PT - MARK_ROOM_PT) / units
    return min(largest, int(fit * 2) / 2)


def fit_mark(document) -> None:
    from docx.shared import Pt

    for p in _styled(document, MARK_STYLE):
        largest = p.style.font.size.pt if p.style.font.size else 36
        size = mark_size(p.text, largest)
        if size >= largest:
            continue
        for run in p.runs:
            run.font.size = Pt(size)
        # the line keeps its height and the smaller glyphs sit lower in it: less space before
        before = p.style.paragraph_format.space_before
        before_pt = before.pt if before is not None else 0
        p.paragraph_format.space_before = Pt(max(0.0, before_pt - (largest - size)
                                                 * MARK_DROP_PER_PT))


def joint_mark_size(names: list[str], largest: float) -> float:
    """The size in pt of a joint mark: the longest name and 「文件」 beside it on one line."""
    units = max((width(n) for n in names), default=1) + JOINT_GAP + 2
    return min(largest, int((AREA_PT - MARK_ROOM_PT) / units * 2) / 2)


def fit_joint_mark(document) -> None:
    """Size the joint mark's names and 「文件」 alike, its columns to them, and the space above
    so the first name's top edge stands 35 mm into the type area."""
    from docx.shared import Pt

    for table in document.tables:
        cells = table.rows[0].cells if table.rows else []
        if len(cells) != 2:
            continue
        names = [p for p in cells[0].paragraphs if _style(p) == JOINT_STYLE and p.text.strip()]
        if not names:
            continue
        largest = names[0].style.font.size.pt if names[0].style.font.size else 36
        size = joint_mark_size([p.text for p in names], largest)
        line = round(size * JOINT_LINE * 2) / 2
        for p in cells[0].paragraphs + cells[1].paragraphs:
            for run in p.runs:
                run.font.size = Pt(size)
            p.paragraph_format.line_spacing = Pt(line)
        name_w = max(width(p.text) for p in names) * size + 1
        _column_widths(table, (Pt(name_w), Pt((2 + JOINT_GAP) * size + 1)))
        spacer = table._tbl.getprevious()
        if spacer is not None and spacer.tag.endswith("}p"):
            from docx.text.paragraph import Paragraph

            para = Paragraph(spacer, document._body)
            if _style(para) == JOINT_SPACER_STYLE:
                para.paragraph_format.line_spacing = Pt(
                    max(1.0, JOINT_TOP_PT - (line - JOINT_DROP_PER_PT * size)))


def _column_widths(table, widths) -> None:
    from docx.oxml.ns import qn

    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(w.twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w


def _style(paragraph) -> str | None:
    return paragraph.style.name if paragraph.style is not None else None


def place_signers(document) -> None:
    """签发人 (7.2.6): the names two a line in columns, continuation lines under the first
    name, 「签发人：」 before the first, the whole block ending one character from the right;
    the 发文字号 stays one character in on the last line."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Pt

    paras = [p for p in document.paragraphs if _style(p) in SIGNER_STYLES]
    if not paras:
        return
    rows = []
    for p in paras:
        cells = p.text.split("\t")[1:]
        if _style(p) == SIGNER_STYLES[1]:
            cells = cells[1:]  # the 发文字号
        rows.append([c.removeprefix(SIGNER_LABEL) for c in cells
                     if c.removeprefix(SIGNER_LABEL)])
    first = max((body_width(r[0]) for r in rows if r), default=3)
    second = max((body_width(r[1]) for r in rows if len(r) > 1), default=0)
    names_at = AREA_PT - BODY_CHAR_PT * (1 + first + (1 + second if second else 0))
    stops = (names_at - len(SIGNER_LABEL) * BODY_CHAR_PT, names_at,
             names_at + (first + 1) * BODY_CHAR_PT)
    for p in paras:
        tabs = p.paragraph_format.tab_stops
        inherited = [t.position for t in p.style.paragraph_format.tab_stops]
        for position in inherited:
            if position.pt > 2 * BODY_CHAR_PT:  # the 发文字号's stop one character in stays
                tabs.add_tab_stop(position, WD_TAB_ALIGNMENT.CLEAR)
        for position in stops:
            tabs.add_tab_stop(Pt(position))


def body_width(text: str) -> float:
    """Width of 3号仿宋 text in characters: digits and Latin letters are narrower."""
    return sum(DIGIT_CHARS if ch.isascii() else 1 for ch in text)


def signature_indents(name: str, date: str, *, seal: bool) -> tuple[float, float]:
    """Right indents, in characters, of the 署名 and the 成文日期.

    Unsealed (7.3.5.2): the name ends two characters from the right, the date starts two
    characters right of the name's first character; when the date is the longer, it ends two
    characters from the right and the name moves left to match. Sealed (7.3.5.1): the date ends
    four characters from the right, the name is centred over it.
    """
    wn, wd = body_width(name), body_width(date)
    if seal:
        return max(0.0, 4 + (wd - wn) / 2), 4.0
    if wd + 2 <= wn:
        return 2.0, wn - wd
    return 4 + wd - wn, 2.0


def place_signature(document, *, seal: bool) -> None:
    """The 署名 lines and the 成文日期. Unsealed, the names share one right edge, set by the
    longest (7.3.5.2). Sealed, a row of one name is centred over the date; a row of two
    (joint documents, short names) has the second centred over the date and the first one
    seal's width to its left (7.3.5.1)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Pt

    names, dates = _styled(document, SIGNATURE_STYLE), _styled(document, DATE_STYLE)
    if not names or not dates:
        return
    date = dates[-1]
    names = [p for p in names if p.text.strip()] or names[-1:]
    rows = [[c for c in p.text.split("\t") if c] for p in names]
    longest = max((c for r in rows for c in r), key=body_width, default="")
    name_right, date_right = signature_indents(longest, date.text, seal=seal)
    date.paragraph_format.right_indent = Pt(date_right * BODY_CHAR_PT)
    for p, row in zip(names, rows):
        if len(row) > 1:
            centre = AREA_PT - BODY_CHAR_PT * (date_right + body_width(date.text) / 2)
            p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
            p.paragraph_format.right_indent = Pt(0)
            for position in (centre - SEAL_PITCH_PT, centre):
                p.paragraph_format.tab_stops.add_tab_stop(Pt(position), WD_TAB_ALIGNMENT.CENTER)
            continue
        right = (signature_indents(row[0], date.text, seal=True)[0] if seal else name_right)
        p.paragraph_format.right_indent = Pt(right * BODY_CHAR_PT)

