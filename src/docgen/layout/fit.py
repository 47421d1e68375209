"""End-of-document composition: measure what LibreOffice laid out, adjust the Word file, again.

GB/T 9704 7.3.5.5 forbids a page holding only the 署名/成文日期 and says to fix it by adjusting
line and character spacing. Keeping paragraphs together in the template is not enough
(LibreOffice moves whole keep-with-next chains, or breaks them), so after each conversion the
PDF is measured. A 成文日期 pushed alone onto the next page is pulled back by setting the
署名's page at 23 lines instead of 22 (the standard's remedy); a 署名 and 成文日期 alone on their
page (or with only 附件说明 lines above them) get a page break before the last 正文 lines of
the page before, two, then three, then four, so that body text stands with them. Printed
double-sided (`duplex`), a 版记 on an odd page moves to the even page after it (a blank,
unnumbered page before it when it stood alone).
The document is converted again after each change; the passes are bounded and what still
fails is reported, never hidden.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from docgen.i18n import cli_gettext as _
from docgen.layout.measure import Measured, measure
from docgen.layout.rules import BODY_PT, Report, body_above_signature, find_parts, judge

MAX_PASSES = 3  # conversions after the first
TIGHT_LINE_TWIPS = int(225 / 25.4 * 1440 / 23)  # 23 lines in the type area, not 22 (−4.3 %)
FITTED_RULES = ("signature_not_alone",)


@dataclass
class Fitting:
    """What fitting did: passes made, documents adjusted, and each PDF's final layout report."""

    passes: int = 0
    adjusted: dict[Path, int] = field(default_factory=dict)  # docx -> lines moved (0: tightened)
    reports: dict[Path, Report] = field(default_factory=dict)  # pdf -> last report
    imprint_moved: set[Path] = field(default_factory=set)  # docx whose 版记 went to an even page

    def warnings(self, names: dict[Path, Path] | None = None) -> list[str]:
        """One line per failed rule per PDF (called by `names`' value for it, if given)."""
        out = []
        for pdf, report in self.reports.items():
            name = (names or {}).get(pdf, pdf)
            for f in report.failed:
                line = _("{file}: layout: {rule} ({label}, GB/T 9704 {clause}): {measured}; "
                         "expected {expected}").format(
                    file=name, rule=f.rule, label=f.label, clause=f.clause,
                    measured=f.measured, expected=f.expected)
                if f.rule in FITTED_RULES + ("imprint_even_page",):
                    line += " " + _("(could not be fitted)")
                out.append(line)
        return out


Reconvert = Callable[[list[Path]], dict[Path, Path]]  # docx files -> their new PDFs


def fit(pairs: Sequence[tuple[Path, Path]], reconvert: Reconvert,
        max_passes: int = MAX_PASSES, *, duplex: bool = False,
        measured_first: Callable[[Path], Measured | None] | None = None) -> Fitting:
    """Check each (docx, pdf); fix and reconvert the ones whose signature stands alone (and,
    printed double-sided, whose 版记 shares an odd page with the text: it moves to the even
    page after).

    Each pass starts again from the Word file as rendered and the layout LibreOffice first
    gave it, and moves one line more than the pass before (two, then three, …).
    `measured_first(pdf)`: the first PDFs' measurements when the caller made them already
    (while the other documents were converting), else None.
    """
    result = Fitting()
    todo = {Path(d): Path(p) for d, p in pairs}
    first: dict[Path, tuple[bytes, object]] = {}  # docx -> (rendered bytes, first layout)
    for attempt in range(max_passes + 1):
        fixable = []
        for docx, pdf in todo.items():
            measured = (measured_first and attempt == 0 and measured_first(pdf)) or measure(pdf)
            report = judge(measured, duplex=duplex)
            result.reports[pdf] = report
            if attempt == max_passes:
                continue
            if not any(f.rule in FITTED_RULES for f in report.failed):
                odd = [f for f in report.failed if f.rule == "imprint_even_page"]
                if odd and docx not in result.imprint_moved and imprint_to_next_page(
                        docx, find_parts(measured)):
                    result.imprint_moved.add(docx)
                    fixable.append(docx)
                continue
            if docx not in first:
                first[docx] = (docx.read_bytes(), find_parts(measured))
                rendered, parts = first[docx]
                # the standard's own remedy first: a last page one line short is set tighter
                if _date_split(parts) and tighten(docx, rendered, parts):
                    result.adjusted[docx] = 0
                    fixable.append(docx)
                    continue
            lines = max(result.adjusted.get(docx, 1), 1) + 1
            rendered, parts = first[docx]
            if move_lines(docx, rendered, parts, lines):
                result.adjusted[docx] = lines
                fixable.append(docx)
        if not fixable:
            break
        result.passes += 1
        new = reconvert(fixable)
        for docx in fixable:
            if docx not in new:  # not converted again: the Word file goes back to its PDF
                docx.write_bytes(first[docx][0])
        todo = {d: new[d] for d in fixable if d in new}
    return result


def move_lines(docx: Path, rendered: bytes, parts, lines: int) -> bool:
    """Write `docx` as `rendered` plus a page break before the last `lines` body lines that
    precede the 署名 in the layout `parts`; False if there is no place for one."""
    import io

    from docx import Document

    if parts.date is None:
        return False
    sig_page = parts.signature[0] if parts.signature else parts.date[0]
    # the 正文 lines before the signature block (and its 附件说明): on the page before, if no
    # body text stands with it
    source = sig_page if body_above_signature(parts, sig_page) else sig_page - 1
    if source < 0:
        return False
    body = [ln for ln in body_above_signature(parts, source) if abs(ln.size - BODY_PT) <= 1]
    if len(body) <= lines:  # never empty a page
        return False
    document = Document(io.BytesIO(rendered))
    if not _break_before(document, body[-lines].text.replace(" ", "")):
        return False
    document.save(docx)
    return True


def imprint_to_next_page(docx: Path, parts) -> bool:
    """Put the 版记 on the next page, which is even when its page is odd (double-sided
    printing). When it shares the page with the text it just moves on; when it stands alone,
    the page it leaves stays blank and neither carries a page number (7.5): the blank page
    and the 版记 become a last section whose footers are empty."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    if parts.imprint_page is None:
        return False
    document = Document(docx)
    body = document.element.body
    tables = [t for t in body.iterchildren(qn("w:tbl")) if t.find(".//" + qn("w:tblpPr"))
              is not None]
    if not tables:
        return False
    # LibreOffice anchors the floating 版记 to the paragraph after it: that one starts a page
    anchor = tables[-1].getnext()
    if anchor is None or anchor.tag != qn("w:p"):
        return False
    Paragraph(anchor, document._body).paragraph_format.page_break_before = True
    if not parts.body_pages[parts.imprint_page]:
        before = tables[-1].getprevious()
        if before is None or before.tag != qn("w:p"):
            return False
        # the text's section ends with the paragraph before the 版记, keeping its footers
        sect = document.sections[-1]._sectPr
        ppr = Paragraph(before, document._body)._p.get_or_add_pPr()
        ppr.append(copy.deepcopy(sect))
        tables[-1].addprevious(OxmlElement("w:p"))  # the blank page
        for ref in sect.findall(qn("w:footerReference")):
            sect.remove(ref)
        last = document.sections[-1]
        for footer in (last.footer, last.even_page_footer):
            footer.is_linked_to_previous = False  # a new, empty footer: no page number
    document.save(docx)
    return True


def _date_split(parts) -> bool:
    """The 署名 ends one page and its 成文日期 stands alone at the top of the next."""
    return bool(parts.signature and parts.date and parts.signature[0] != parts.date[0])


def tighten(docx: Path, rendered: bytes, parts) -> bool:
    """Write `docx` as `rendered` with the 署名's page set at 23 lines instead of 22 (GB/T 9704
    7.3.5.5: adjust the line spacing), so that the 成文日期 joins it; False if the page's first
    line is not found in the Word file."""
    import io

    from docx import Document
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Twips

    page = parts.signature[0]
    lines = [ln for ln in parts.body_pages[page] if abs(ln.size - BODY_PT) <= 1]
    if not lines:
        return False
    document = Document(io.BytesIO(rendered))
    paragraphs = document.paragraphs
    start = _paragraph_of(paragraphs, lines[0].text.replace(" ", ""))
    dates = [i for i, p in enumerate(paragraphs) if p.text.replace(" ", "")
             == parts.date[1].text.replace(" ", "")]
    if start is None or not dates:
        return False
    for p in paragraphs[start: dates[-1] + 1]:
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        p.paragraph_format.line_spacing = Twips(TIGHT_LINE_TWIPS)
    document.save(docx)
    return True


def _paragraph_of(paragraphs, line_text: str) -> int | None:
    for i in range(len(paragraphs) - 1, -1, -1):
        if _find_ignoring_spaces(paragraphs[i].text, line_text) is not None:
            return i
    return None


def _break_before(document, line_text: str) -> bool:
    """Insert a page break where `line_text` starts in the last paragraph holding it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for paragraph in reversed(document.paragraphs):
        text = paragraph.text
        at = _find_ignoring_spaces(text, line_text)
        if at is None:
            continue
        if not text[:at].strip():
            paragraph.paragraph_format.page_break_before = True
            return True
        offset = 0
        for run in paragraph.runs:
            if offset + len(run.text) > at:
                cut = at - offset
                before, after = run.text[:cut], run.text[cut:]
                run.text = before
                # a new run with the same properties: the page break, then the rest
                new = OxmlElement("w:r")
                if run._r.rPr is not None:
                    new.append(copy.deepcopy(run._r.rPr))
                brk = OxmlElement("w:br")
                brk.set(qn("w:type"), "page")
                new.append(brk)
                t = OxmlElement("w:t")
                t.set(qn("xml:space"), "preserve")
                t.text = after
                new.append(t)
                run._r.addnext(new)
                return True
            offset += len(run.text)
    return False


def _find_ignoring_spaces(text: str, needle: str) -> int | None:
    """Index in `text` where `needle` (spaces removed) begins, comparing without spaces."""
    squeezed, index = [], []
    for i, ch in enumerate(text):
        if not ch.isspace():
            squeezed.append(ch)
            index.append(i)
    at = "".join(squeezed).rfind(needle)
    return index[at] if at >= 0 else None
