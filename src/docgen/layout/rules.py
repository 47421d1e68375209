"""GB/T 9704-2012 layout rules, each judged on a measured PDF: rule, measured, expected, ok.

Every rule is a function of the measurements (docgen.layout.measure) and nothing else, so a PDF
made in Word or WPS is judged like one docgen made. Positions are in mm from the page's top-left
corner; the type area (版心) is 156 × 225 mm at 28 mm from the left, 37 mm from the top.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

from docgen.i18n import cli_gettext as _
from docgen.i18n import cli_ngettext as ngettext
from docgen.layout.measure import Measured, Rule, TextLine

PAGE_W, PAGE_H = 210.0, 297.0
LEFT, TOP, AREA_W, AREA_H = 28.0, 37.0, 156.0, 225.0
RIGHT, BOTTOM = LEFT + AREA_W, TOP + AREA_H
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
BODY_PT, TITLE_PT, NOTE_PT = 16.0, 22.0, 14.0
MARK_TOP = TOP + 35  # 7.2.4: 发文机关标志 top edge 35 mm below the type area's top edge
SEPARATOR_GAP = 4.0  # 7.2.7: 分隔线 4 mm under the 发文字号
PAGE_NUMBER_GAP = 7.0  # 7.5: the dash 7 mm below the type area
IMPRINT_HEAVY, IMPRINT_LIGHT = 0.35, 0.25  # 7.4: 版记 rule weights, mm
PITCH_HINT_MM = AREA_H / LINES_PER_PAGE  # the grid's line pitch, 10.2 mm
DASH_HEIGHT = 0.3  # an em dash's stroke stands 0.3 em above the baseline in CJK faces

# tolerances: what a ruler on paper can tell apart
POSITION_TOL = 1.0
SIZE_TOL = 0.3  # pt
LENGTH_TOL = 1.0
WEIGHT_TOL = 0.1
EDGE_TOL = 0.5  # text may touch the type area's edge, not cross it

MM_PER_PT = 25.4 / 72
DATE_CN = re.compile(r"^([0-9]{4}|[〇零一二三四五六七八九]{4})年(\S{1,3})月(\S{1,3})日$")
PAGE_NUMBER = re.compile(r"^[—–－-]+\s*(\d+)\s*[—–－-]+$")
ANY_NUMBER = re.compile(r"^\D*(\d+)\D*$")

PUNCTUATION = "，。、；：？！”’》）〕】…—"
PASS, FAIL, NA = "pass", "fail", "n/a"


@dataclass(frozen=True)
class Finding:
    """One rule judged: what was measured and what GB/T 9704 expects."""

    rule: str  # stable key, e.g. "separator_distance"
    clause: str  # GB/T 9704-2012 clause
    label: str  # the element, in the standard's words
    measured: str
    expected: str
    status: str  # pass | fail | n/a (the document has no such element)

    @property
    def ok(self) -> bool:
        return self.status != FAIL


@dataclass(frozen=True)
class Report:
    path: Path
    pages: int
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]

    def as_dict(self) -> dict:
        return {"file": str(self.path), "pages": self.pages, "ok": self.ok,
                "rules": [{**asdict(f), "ok": f.ok} for f in self.findings]}


# ------------------------------------------------------------------ the document's parts

@dataclass
class Parts:
    """The elements rules talk about, found by position, size and colour."""

    doc: Measured
    body_pages: list[list[TextLine]]  # per page: text inside the type area, no 版记
    page_numbers: list[TextLine | None]
    mark: list[TextLine]
    separator: Rule | None
    doc_number: TextLine | None
    title: list[TextLine]
    imprint_rules: list[Rule]
    imprint_lines: list[TextLine]
    imprint_page: int | None  # index
    date: tuple[int, TextLine] | None  # (page index, line) of the 成文日期
    signature: tuple[int, TextLine] | None  # the first 署名 line
    signature_lines: list[TextLine] = field(default_factory=list)  # every 署名 line
    attachments: tuple[int, TextLine] | None = None  # the 「附件：」 line before the 署名


def find_parts(doc: Measured) -> Parts:
    pages = doc.pages
    numbers, content = [], []
    for page in pages:
        below = [ln for ln in page.lines if ln.top >= BOTTOM - EDGE_TOL]
        numbers.append(below[0] if below else None)
        # text wholly in the top margin is a mark on the paper, not the document's: the
        # archive's 归档章 (DA/T 22) stands there
        content.append([ln for ln in page.lines
                        if ln.top < BOTTOM - EDGE_TOL and ln.bottom > TOP + EDGE_TOL])
    first = pages[0]
    separator = next((r for r in first.rules if r.is_red and r.length > 100), None)
    # the mark: red text over the 分隔线, or any large text there when the 分隔线 is red
    if separator:
        mark = [ln for ln in content[0] if ln.bottom <= separator.y + POSITION_TOL
                and (ln.is_red or ln.size >= 20)]
    else:
        mark = [ln for ln in content[0] if ln.is_red and ln.bottom <= TOP + AREA_H / 2]
    doc_number = None
    if separator:
        above = [ln for ln in content[0] if ln.bottom <= separator.y + POSITION_TOL
                 and ln not in mark]
        doc_number = above[-1] if above else None
    title = []
    for ln in content[0]:
        if separator and ln.top < separator.y or ln in mark:
            continue
        if ln.size >= 18:
            title.append(ln)
        elif title:
            break
    # 版记: black full-width rules on the last page and the text between them
    last = len(pages) - 1
    imprint_rules = [r for r in pages[last].rules if not r.is_red and r.length > 100
                     and not (separator and last == 0 and r is separator)]
    imprint_lines: list[TextLine] = []
    # the 版记 is the run of rules whose last one closes a 「…印发」 line; rules of a table
    # in the body are not it
    closing = [i for i, r in enumerate(imprint_rules) if any(
        "印发" in ln.text and r.y - 2 * PITCH_HINT_MM < ln.baseline < r.y
        for ln in content[last])]
    if closing:
        end = closing[-1]
        start = end
        while start > 0 and imprint_rules[end].y - imprint_rules[start - 1].y < 4 * PITCH_HINT_MM:
            start -= 1
        imprint_rules = imprint_rules[start:end + 1]
        lo, hi = imprint_rules[0].y, imprint_rules[-1].y
        imprint_lines = [ln for ln in content[last] if lo - 1 < (ln.top + ln.bottom) / 2 < hi + 1]
        content[last] = [ln for ln in content[last] if ln not in imprint_lines]
    else:
        imprint_rules = []
    date = signature = None
    for i in range(len(pages) - 1, -1, -1):
        hits = [ln for ln in content[i] if DATE_CN.match(ln.text.replace(" ", ""))
                and ln.x0 > LEFT + 3 * BODY_PT * MM_PER_PT]  # not a body line
        if hits:
            date = (i, hits[-1])
            break
    signature_lines: list[TextLine] = []
    attachments = None
    if date:
        i, ln = date
        signature_lines = _signature_block(content[i], ln)
        if signature_lines:
            signature = (i, signature_lines[0])
        elif i > 0 and content[i - 1] and not [x for x in content[i] if x.baseline < ln.baseline]:
            signature = (i - 1, content[i - 1][-1])  # split from its date by a page break
            signature_lines = [signature[1]]
            if not _signature_line(signature[1]):
                signature, signature_lines = None, []
        page, first = signature or date
        attachments = _attachments(content, page, first)
    return Parts(doc, content, numbers, mark, separator, doc_number, title, imprint_rules,
                 imprint_lines, last if imprint_rules else None, date, signature,
                 signature_lines, attachments)


SIGNATURE_GAP = 4.5 * PITCH_HINT_MM  # sealed rows of 署名 stand up to four lines apart
ATTACHMENT_ITEM = re.compile(r"^(附件[：:]|\d+[.．])")


def _signature_line(ln: TextLine) -> bool:
    """A 署名 stands right of the body's indent and ends in the right part of the line (within
    ten characters of the edge, so a short name centred over a long date counts); a numbered
    附件说明 item does not."""
    char = BODY_PT * MM_PER_PT
    return (ln.x0 >= LEFT + 4 * char and ln.x1 >= RIGHT - 10 * char
            and not ATTACHMENT_ITEM.match(ln.text.replace(" ", "")))


def _signature_block(lines: list[TextLine], date: TextLine) -> list[TextLine]:
    """The 署名 lines above the 成文日期 on its page: one, several (联合行文), or rows of two."""
    block: list[TextLine] = []
    below = date
    for ln in reversed([x for x in lines if x.baseline < date.baseline]):
        if below.baseline - ln.baseline > SIGNATURE_GAP or not _signature_line(ln):
            break
        block.insert(0, ln)
        below = ln
    return block


def _attachments(content: list[list[TextLine]], page: int, first: TextLine):
    """The 「附件：」 line that opens the 附件说明 above the 署名 (on its page or the one before)."""
    for i in (page, page - 1):
        if i < 0:
            break
        lines = [ln for ln in content[i] if i < page or ln.baseline < first.baseline]
        for ln in reversed(lines):
            text = ln.text.replace(" ", "")
            if text.startswith(("附件：", "附件:")):
                return (i, ln)
            if not ATTACHMENT_ITEM.match(text) and ln.x0 <= LEFT + 2.5 * BODY_PT * MM_PER_PT:
                return None  # a body line (the 附件说明 hangs under 「附件：」)
    return None


def body_above_signature(parts: Parts, page: int) -> list[TextLine]:
    """The 正文 lines above the 署名 on `page`: not the 署名, the 成文日期 or the 附件说明."""
    if parts.date is None:
        return []
    first = parts.signature[1] if parts.signature and parts.signature[0] == page else None
    limit = (first or parts.date[1]).baseline if page == (parts.signature or parts.date)[0] \
        else float("inf")
    if parts.attachments is not None:
        at_page, at_line = parts.attachments
        if at_page < page:
            return []
        if at_page == page:
            limit = min(limit, at_line.baseline)
    block = {id(ln) for ln in parts.signature_lines} | {id(parts.date[1])}
    return [ln for ln in parts.body_pages[page] if id(ln) not in block
            and ln.baseline < limit]


# ------------------------------------------------------------------ helpers

def _mm(v: float) -> str:
    return _("{value} mm").format(value=f"{v:.1f}")


def _finding(rule, clause, label, measured, expected, ok) -> Finding:
    return Finding(rule, clause, label, measured, expected,
                   NA if ok is None else PASS if ok else FAIL)


def _near(value: float, target: float, tol: float = POSITION_TOL) -> bool:
    return abs(value - target) <= tol


def _body_lines(parts: Parts, page: int) -> list[TextLine]:
    return [ln for ln in parts.body_pages[page] if abs(ln.size - BODY_PT) <= 1]


# ------------------------------------------------------------------ the rules

def page_size(parts: Parts) -> Finding:
    wrong = [p for p in parts.doc.pages
             if not (_near(p.width, PAGE_W) and _near(p.height, PAGE_H))]
    p = wrong[0] if wrong else parts.doc.pages[0]
    measured = _("{width} × {height} mm").format(width=f"{p.width:.0f}", height=f"{p.height:.0f}")
    if wrong:
        measured += " " + _("(page {page})").format(page=p.number)
    return _finding("page_size", "5.2.1", "纸张", measured, _("A4 210 × 297 mm"), not wrong)


def type_area(parts: Parts) -> Finding:
    lines = [(i, ln) for i, page in enumerate(parts.body_pages) for ln in page]
    lines += [(parts.imprint_page, ln) for ln in parts.imprint_lines]
    if not lines:
        return _finding("type_area", "5.2.2", "版心", _("no text"), _("156 × 225 mm"), None)
    x0 = min(ln.x0 for _i, ln in lines)
    x1 = max(ln.x1 for _i, ln in lines)
    top = min(ln.top for _i, ln in lines)
    bottom = max(ln.bottom for _i, ln in lines)
    ok = (x0 >= LEFT - EDGE_TOL and x1 <= RIGHT + EDGE_TOL and top >= TOP - EDGE_TOL
          and bottom <= BOTTOM + EDGE_TOL)
    measured = _("text x {x0}–{x1}, y {top}–{bottom} mm").format(
        x0=f"{x0:.1f}", x1=f"{x1:.1f}", top=f"{top:.1f}", bottom=f"{bottom:.1f}")
    if not ok:
        worst = max(lines, key=lambda t: max(LEFT - t[1].x0, t[1].x1 - RIGHT,
                                             TOP - t[1].top, t[1].bottom - BOTTOM))
        measured += " " + _("(page {page}: {text})").format(page=worst[0] + 1,
                                                           text=repr(worst[1].text[-12:]))
    return _finding("type_area", "5.2.2", "版心", measured,
                    _("x {left}–{right}, y {top}–{bottom} mm").format(
                        left=f"{LEFT:.0f}", right=f"{RIGHT:.0f}", top=f"{TOP:.0f}",
                        bottom=f"{BOTTOM:.0f}"), ok)


def line_pitch(parts: Parts) -> float | None:
    """The body's line pitch in mm: the most common gap between consecutive body baselines,
    the last page left out when there are others (7.3.5.5 lets its spacing be adjusted)."""
    gaps = []
    pages = [i for i in range(len(parts.body_pages)) if len(_body_lines(parts, i)) > 1]
    if len(pages) > 1:
        pages = pages[:-1]
    for i in pages:
        lines = _body_lines(parts, i)
        gaps += [round(b.baseline - a.baseline, 1) for a, b in zip(lines, lines[1:])
                 if 5 < b.baseline - a.baseline < 15]
    return statistics.mode(gaps) if gaps else None


def lines_per_page(parts: Parts) -> Finding:
    pitch = line_pitch(parts)
    if pitch is None:
        return _finding("lines_per_page", "5.2.3", "行数", _("too little text"), "22", None)
    # lines that fit: 22 lines of pitch p take 21 p plus one line's height (≈ 0.9 p)
    fits = int((AREA_H - BODY_PT * MM_PER_PT) // pitch) + 1
    slots = max((round((ls[-1].baseline - ls[0].baseline) / pitch) + 1
                 for ls in (_body_lines(parts, i) for i in range(len(parts.body_pages))) if ls),
                default=0)
    n = max(fits, slots) if slots > LINES_PER_PAGE else fits
    return _finding("lines_per_page", "5.2.3", "每页行数",
                    _("{lines} (pitch {pitch} mm)").format(lines=n, pitch=f"{pitch:.2f}"),
                    f"{LINES_PER_PAGE}", n == LINES_PER_PAGE)


def _full_width(text: str) -> bool:
    return all(ord(ch) > 0x2E7F or ch in "“”‘’—…" for ch in text)


def chars_per_line(parts: Parts) -> Finding:
    counts, advances = [], []
    for i in range(len(parts.body_pages)):
        for ln in _body_lines(parts, i):
            text = ln.text.replace(" ", "")
            if not _full_width(text):
                continue
            if ln.x0 <= LEFT + 1 and ln.x1 >= RIGHT - 2 and text[-1] not in PUNCTUATION:
                counts.append(len(text))
            elif ln.x1 < RIGHT - 2 * BODY_PT * MM_PER_PT:  # a paragraph's last line: not stretched
                advances += [a for a in ln.advances if a > 0]
    # the fullest line (one may be short when a 「，」 may not start the next), or the pitch of
    # lines not stretched by justification: whichever says more
    estimates = []
    if counts:
        estimates.append((max(counts), _("{chars} (on full lines)").format(chars=max(counts))))
    if advances:
        pitch = statistics.median(advances)
        n = int((AREA_W + 0.3) // pitch)
        estimates.append((n, _("{chars} (pitch {pitch} mm)").format(chars=n,
                                                                   pitch=f"{pitch:.2f}")))
    if not estimates:
        return _finding("chars_per_line", "5.2.3", "每行字数", _("too little text"), "28", None)
    n, measured = max(estimates)
    return _finding("chars_per_line", "5.2.3", "每行字数", measured, f"{CHARS_PER_LINE}",
                    n == CHARS_PER_LINE)


def body_size(parts: Parts) -> Finding:
    """The body's most common glyph size; text inside ruled tables (a 征求意见汇总's list, a
    测评结果's tallies) may be set smaller and is left out."""
    pages = parts.doc.pages
    sizes = [ln.size for i, page in enumerate(parts.body_pages) for ln in page
             for _ch in ln.text if not ln.is_red and ln not in parts.title
             and not (i < len(pages) and pages[i].in_table(ln))]
    expected = _("16 pt (3号)")
    if not sizes:
        return _finding("body_size", "6.1", "正文字号", _("no text"), expected, None)
    size = statistics.mode(sizes)
    return _finding("body_size", "6.1", "正文字号", f"{size:g} pt", expected,
                    abs(size - BODY_PT) <= SIZE_TOL)


def title_size(parts: Parts) -> Finding:
    expected = _("22 pt (2号)")
    if not parts.title:
        return _finding("title_size", "7.3.1", "标题字号", _("no title found"), expected, None)
    sizes = sorted({ln.size for ln in parts.title})
    return _finding("title_size", "7.3.1", "标题字号", " / ".join(f"{s:g} pt" for s in sizes),
                    expected, all(abs(s - TITLE_PT) <= SIZE_TOL for s in sizes))


def mark_colour(parts: Parts) -> Finding:
    if not parts.mark:
        return _finding("mark_colour", "7.2.4", "发文机关标志颜色", _("no red mark"), _("red"),
                        None)
    r, g, b = parts.mark[0].color
    ok = all(ln.red_share == 1 for ln in parts.mark)
    measured = f"RGB {r:.2f} {g:.2f} {b:.2f}"
    if not ok:
        measured += " " + _("(partly not red)")
    return _finding("mark_colour", "7.2.4", "发文机关标志颜色", measured, _("red"), ok)


def mark_position(parts: Parts) -> Finding:
    expected = _("top edge {top} mm (35 mm below 版心), centred ({centre} mm in)").format(
        top=f"{MARK_TOP:.0f}", centre=f"{AREA_W / 2:.0f}")
    if not parts.mark:
        return _finding("mark_position", "7.2.4", "发文机关标志位置", _("no red mark"), expected,
                        None)
    top = parts.mark[0].top
    # a joint mark is centred as a whole: the names and 「文件」 beside them
    centre = (min(ln.x0 for ln in parts.mark) + max(ln.x1 for ln in parts.mark)) / 2
    ok = _near(top, MARK_TOP) and _near(centre, LEFT + AREA_W / 2, 2.0)
    return _finding("mark_position", "7.2.4", "发文机关标志位置",
                    _("top edge {top} mm, centre {centre} mm in").format(
                        top=f"{top:.1f}", centre=f"{centre - LEFT:.1f}"), expected, ok)


MARK_WORD = "文件"
CENTRED_TOL = 1.5  # mm: 「文件」 centred on the joint names


@dataclass(frozen=True)
class JointMark:
    """A joint 发文机关标志 as measured: the names, one a line, and 「文件」 right of them."""

    names: list[str]
    word_left: float  # mm, where 「文件」 starts
    names_right: float  # mm, where the widest name ends
    offset: float  # mm, 「文件」's centre below the names' centre (negative: above)


def joint_mark(mark: list[TextLine]) -> JointMark | None:
    """The mark read as several issuers' names stacked with 「文件」 on their right (7.2.4), or
    None when it is not one (a single name, or a name wrapped with 「文件」 after it)."""
    if len(mark) < 2:
        return None
    for k in range(len(mark) - 1, -1, -1):
        ln = mark[k]
        glyphs = ln.text.replace(" ", "")
        if not glyphs.endswith(MARK_WORD) or len(ln.advances) != len(glyphs) - 1:
            continue
        origins = [ln.x0]
        for a in ln.advances:
            origins.append(origins[-1] + a)
        word_left = origins[len(glyphs) - len(MARK_WORD)]
        own = glyphs[:-len(MARK_WORD)]
        names = [(x.text.replace(" ", ""), x) for x in mark if x is not ln]
        ends = [x.x1 for x in mark if x is not ln]
        if own:
            names.insert(k, (own, ln))
            ends.append(origins[len(own) - 1] + ln.size * MM_PER_PT)
        if len(names) < 2 or word_left < max(ends) - EDGE_TOL:
            return None
        span = ((names[0][1].top + names[-1][1].bottom) / 2)
        return JointMark([n for n, _x in names], word_left, max(ends),
                         (ln.top + ln.bottom) / 2 - span)
    return None


def mark_one_line(parts: Parts) -> Finding:
    expected = _("1 line inside the 版心; joint: each name one line, 「文件」 right of them, "
                 "centred on them")
    if not parts.mark:
        return _finding("mark_one_line", "7.2.4", "发文机关标志行数", _("no red mark"), expected,
                        None)
    inside = all(ln.x0 >= LEFT - EDGE_TOL and ln.x1 <= RIGHT + EDGE_TOL for ln in parts.mark)
    joint = joint_mark(parts.mark)
    if joint is not None:
        centred = abs(joint.offset) <= CENTRED_TOL
        measured = _("joint, {count} names one a line: {names}; 「文件」 right of them").format(
            count=len(joint.names), names=" / ".join(joint.names))
        if not centred:
            measured += " " + _("but {offset} mm off their centre").format(
                offset=f"{joint.offset:+.1f}")
        ok = centred and inside
    else:
        text = " / ".join(ln.text for ln in parts.mark)
        measured = ngettext("{count} line: {text}", "{count} lines: {text}",
                            len(parts.mark)).format(count=len(parts.mark), text=text)
        ok = len(parts.mark) == 1 and inside
    if not inside:
        measured += " " + _("(wider than the 版心)")
    return _finding("mark_one_line", "7.2.4", "发文机关标志行数", measured, expected, ok)


def separator_distance(parts: Parts) -> Finding:
    expected = _mm(SEPARATOR_GAP)
    if parts.separator is None or parts.doc_number is None:
        return _finding("separator_distance", "7.2.7", "分隔线距发文字号",
                        _("no red separator") if parts.separator is None else _("no 发文字号"),
                        expected, None)
    gap = parts.separator.y - parts.doc_number.bottom
    return _finding("separator_distance", "7.2.7", "分隔线距发文字号", _mm(gap), expected,
                    _near(gap, SEPARATOR_GAP))


def separator_width(parts: Parts) -> Finding:
    s = parts.separator
    expected = _("{width} mm from {left} mm").format(width=f"{AREA_W:.0f}", left=f"{LEFT:.0f}")
    if s is None:
        return _finding("separator_width", "7.2.7", "分隔线长度", _("no red separator"),
                        _("156 mm, the 版心's width"), None)
    ok = _near(s.length, AREA_W, LENGTH_TOL) and _near(s.x0, LEFT, LENGTH_TOL)
    return _finding("separator_width", "7.2.7", "分隔线长度",
                    _("{width} mm from {left} mm").format(width=f"{s.length:.1f}",
                                                          left=f"{s.x0:.1f}"), expected, ok)


def page_number_format(parts: Parts) -> Finding:
    expected = _("— N — on every page, N its page")
    if not any(parts.page_numbers):
        return _finding("page_number_format", "7.5", "页码格式", _("no page numbers"), expected,
                        False)
    bad = []
    blank_before_imprint = _blank_before_imprint(parts)
    for i, ln in enumerate(parts.page_numbers):
        if blank_before_imprint and i >= len(parts.page_numbers) - 2:
            if ln is not None:
                bad.append(_("page {page} numbered (blank page before 版记)").format(page=i + 1))
            continue
        text = ln.text.replace(" ", "") if ln else ""
        m = PAGE_NUMBER.match(text)
        if ln is None:
            bad.append(_("page {page}: none").format(page=i + 1))
        elif not m or int(m.group(1)) != i + 1:
            bad.append(_("page {page}: {text}").format(page=i + 1, text=repr(ln.text)))
    n = len(parts.page_numbers)
    if bad:
        measured = "; ".join(bad[:3])
    elif blank_before_imprint:
        measured = _("— 1 — … — {last} —, pages {blank}–{pages} (blank, 版记) unnumbered").format(
            last=n - 2, blank=n - 1, pages=n)
    else:
        measured = f"— 1 — … — {n} —"
    return _finding("page_number_format", "7.5", "页码格式", measured, expected, not bad)


def _blank_before_imprint(parts: Parts) -> bool:
    n = len(parts.body_pages)
    return (n >= 2 and parts.imprint_page == n - 1 and not parts.body_pages[n - 1]
            and not parts.body_pages[n - 2])


def page_number_position(parts: Parts) -> Finding:
    expected = _("dash {gap} mm below 版心; odd right, even left, 1 character in").format(
        gap=f"{PAGE_NUMBER_GAP:.0f}")
    numbered = [(i, ln) for i, ln in enumerate(parts.page_numbers) if ln is not None]
    if not numbered:
        return _finding("page_number_position", "7.5", "页码位置", _("no page numbers"), expected,
                        None)
    inset = NOTE_PT * MM_PER_PT
    bad, gaps, dash_off = [], [], False
    for i, ln in numbered:
        gap = ln.baseline - DASH_HEIGHT * ln.size * MM_PER_PT - BOTTOM
        gaps.append(gap)
        if not _near(gap, PAGE_NUMBER_GAP) and not dash_off:
            dash_off = True
            bad.append(_("page {page}: dash {gap} mm below").format(page=i + 1, gap=f"{gap:.1f}"))
        if (i + 1) % 2:
            if not _near(RIGHT - ln.x1, inset, 1.5):
                bad.append(_("page {page} (odd): ends {mm} mm from the right").format(
                    page=i + 1, mm=f"{RIGHT - ln.x1:.1f}"))
        elif not _near(ln.x0 - LEFT, inset, 1.5):
            bad.append(_("page {page} (even): starts {mm} mm from the left").format(
                page=i + 1, mm=f"{ln.x0 - LEFT:.1f}"))
    measured = ("; ".join(bad[:3]) if bad else _("dash {gap} mm below, sides ok").format(
        gap=f"{statistics.median(gaps):.1f}"))
    return _finding("page_number_position", "7.5", "页码位置", measured, expected, not bad)


def date_form(parts: Parts) -> Finding:
    expected = _("Arabic numerals, year in full, no zero padding (2011年4月20日)")
    if parts.date is None:
        return _finding("date_form", "7.3.5", "成文日期", _("no 成文日期 found"), expected, False)
    text = parts.date[1].text.replace(" ", "")
    m = re.fullmatch(r"([1-9]\d{3})年([1-9]\d?)月([1-9]\d?)日", text)
    ok = False
    if m:
        try:
            dt.date(*map(int, m.groups()))
            ok = True
        except ValueError:
            pass
    return _finding("date_form", "7.3.5", "成文日期", text, expected, ok)


def signature_not_alone(parts: Parts) -> Finding:
    """The 署名 and 成文日期 stand on one page with 正文 above them: 附件说明 lines alone with
    them are not enough."""
    expected = _("署名 and 成文日期 on one page, with body text (正文) above them")
    if parts.date is None:
        return _finding("signature_not_alone", "7.3.5.5", "署名页", _("no 成文日期 found"),
                        expected, None)
    page = parts.date[0]
    if parts.signature and parts.signature[0] != page:
        return _finding("signature_not_alone", "7.3.5.5", "署名页",
                        _("署名 on page {signature}, 成文日期 on page {date}").format(
                            signature=parts.signature[0] + 1, date=page + 1), expected, False)
    body = body_above_signature(parts, page)
    if body:
        measured = ngettext("page {page}: {count} line of body text above the 署名",
                            "page {page}: {count} lines of body text above the 署名",
                            len(body)).format(page=page + 1, count=len(body))
    elif parts.attachments is not None and any(
            ln.baseline < (parts.signature or parts.date)[1].baseline
            for ln in parts.body_pages[page]):
        measured = _("page {page} holds only 附件说明 lines and the 署名/成文日期").format(
            page=page + 1)
    else:
        measured = _("page {page} holds only the 署名/成文日期").format(page=page + 1)
    return _finding("signature_not_alone", "7.3.5.5", "署名页", measured, expected, bool(body))


def imprint_position(parts: Parts) -> Finding:
    expected = _("last rule on the 版心's bottom edge ({bottom} mm) of the last page").format(
        bottom=f"{BOTTOM:.0f}")
    if not parts.imprint_rules:
        return _finding("imprint_position", "7.4", "版记位置", _("no 版记"), expected, None)
    last = parts.imprint_rules[-1]
    return _finding("imprint_position", "7.4", "版记位置",
                    _("last rule at {y} mm on page {page}").format(
                        y=f"{last.y:.1f}", page=parts.imprint_page + 1),
                    expected, _near(last.y, BOTTOM))


def imprint_rules(parts: Parts) -> Finding:
    expected = _("{width} mm from {left} mm; first and last {heavy} mm, middle {light} mm").format(
        width=f"{AREA_W:.0f}", left=f"{LEFT:.0f}", heavy=IMPRINT_HEAVY, light=IMPRINT_LIGHT)
    rules = parts.imprint_rules
    if not rules:
        return _finding("imprint_rules", "7.4", "版记分隔线", _("no 版记"), expected, None)
    ok = all(_near(r.length, AREA_W, LENGTH_TOL) and _near(r.x0, LEFT, LENGTH_TOL)
             for r in rules)
    weights = [IMPRINT_HEAVY] + [IMPRINT_LIGHT] * (len(rules) - 2) + [IMPRINT_HEAVY]
    ok = ok and len(rules) >= 2 and all(_near(r.weight, w, WEIGHT_TOL)
                                        for r, w in zip(rules, weights))
    measured = _("{rules} from {left} mm").format(
        rules=", ".join(f"{r.length:.1f} mm × {r.weight:.2f}" for r in rules),
        left=f"{rules[0].x0:.1f}")
    return _finding("imprint_rules", "7.4", "版记分隔线", measured, expected, ok)


def imprint_even_page(parts: Parts) -> Finding:
    """Printed double-sided, the 版记 is on the back of the last leaf: an even page."""
    expected = _("an even page (printed double-sided)")
    if parts.imprint_page is None:
        return _finding("imprint_even_page", "7.4", "版记页", _("no 版记"), expected, None)
    page = parts.imprint_page + 1
    measured = (_("page {page} (even)") if page % 2 == 0 else _("page {page} (odd)")).format(
        page=page)
    return _finding("imprint_even_page", "7.4", "版记页", measured, expected, page % 2 == 0)


RULES = (page_size, type_area, lines_per_page, chars_per_line, body_size, title_size,
         mark_colour, mark_position, mark_one_line, separator_distance, separator_width,
         page_number_format, page_number_position, date_form, signature_not_alone,
         imprint_position, imprint_rules)
DUPLEX_RULES = (imprint_even_page,)


def judge(doc: Measured, *, duplex: bool = False) -> Report:
    """Every rule on the measured document; `duplex`: it is printed double-sided."""
    parts = find_parts(doc)
    rules = RULES + (DUPLEX_RULES if duplex else ())
    return Report(doc.path, len(doc.pages), tuple(rule(parts) for rule in rules))


def check(path: Path, *, duplex: bool = False) -> Report:
    """Measure the PDF at `path` and judge it; BadInput when it is not a readable PDF."""
    from docgen.layout.measure import measure

    return judge(measure(path), duplex=duplex)
