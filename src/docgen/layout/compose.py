"""Layout that depends on the form's values, applied to a rendered Word document.

A template fixes the styles; some GB/T 9704 positions depend on the text itself: the
发文机关标志 shrinks so a long issuer name stays on one line (7.2.4), and the 署名 and 成文日期
stand where 7.3.5.1 (sealed) or 7.3.5.2 (unsealed) put them, which depends on their lengths.
Paragraphs are found by their style names (those of the bundled templates); a template
without them is left as it is.
"""

from __future__ import annotations

import datetime as dt

from docgen.layout.title import width

AREA_PT = 156 / 25.4 * 72  # the type area's width
BODY_CHAR_PT = 15.6  # a 3号 character with the templates' −0.4 pt spacing
MARK_STYLE, SIGNATURE_STYLE, DATE_STYLE = "发文机关标志", "署名", "成文日期"
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
    from docx.shared import Pt

    names, dates = _styled(document, SIGNATURE_STYLE), _styled(document, DATE_STYLE)
    if not names or not dates:
        return
    name, date = names[-1], dates[-1]
    name_right, date_right = signature_indents(name.text, date.text, seal=seal)
    name.paragraph_format.right_indent = Pt(name_right * BODY_CHAR_PT)
    date.paragraph_format.right_indent = Pt(date_right * BODY_CHAR_PT)

