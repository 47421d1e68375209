"""GB/T 9704-2012 layout rules, each judged on a measured PDF: rule, measured, expected, ok.

Every rule is a function of the measurements (docgen.layout.measure) and nothing else, so a PDF
made in Word or WPS is judged like one docgen made. Positions are in mm from the page's top-left
corner; the type area (版心) is 156 × 225 mm at 28 mm from the left, 37 mm from the top.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path

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
    signature: tuple[int, TextLine] | None


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
    if date:
        i, ln = date
        before = [x for x in content[i] if x.baseline < ln.baseline]
        if before:
            signature = (i, before[-1])
        elif i > 0 and content[i - 1]:
            signature = (i - 1, content[i - 1][-1])
        if signature and signature[1].x0 < LEFT + 4 * BODY_PT * MM_PER_PT:
            signature = None  # the line above starts at the margin: body text, not a 署名
    return Parts(doc, content, numbers, mark, separator, doc_number, title, imprint_rules,
                 imprint_lines, last if imprint_rules else None, date, signature)


# ------------------------------------------------------------------ helpers

def _mm(v: float) -> str:
    return f"{v:.1f} mm"


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
    where = f" (page {p.number})" if wrong else ""
    return _finding("page_size", "5.2.1", "纸张", f"{p.width:.0f} × {p.height:.0f} mm{where}",
                    "A4 210 × 297 mm", not wrong)


def type_area(parts: Parts) -> Finding:
    lines = [(i, ln) for i, page in enumerate(parts.body_pages) for ln in page]
    lines += [(parts.imprint_page, ln) for ln in parts.imprint_lines]
    if not lines:
        return _finding("type_area", "5.2.2", "版心", "no text", "156 × 225 mm", None)
    x0 = min(ln.x0 for _, ln in lines)
    x1 = max(ln.x1 for _, ln in lines)
    top = min(ln.top for _, ln in lines)
    bottom = max(ln.bottom for _, ln in lines)
    ok = (x0 >= LEFT - EDGE_TOL and x1 <= RIGHT + EDGE_TOL and top >= TOP - EDGE_TOL
          and bottom <= BOTTOM + EDGE_TOL)
    measured = f"text x {x0:.1f}–{x1:.1f}, y {top:.1f}–{bottom:.1f} mm"
    if not ok:
        worst = max(lines, key=lambda t: max(LEFT - t[1].x0, t[1].x1 - RIGHT,
                                             TOP - t[1].top, t[1].bottom - BOTTOM))
        measured += f" (page {worst[0] + 1}: {worst[1].text[-12:]!r})"
    return _finding("type_area", "5.2.2", "版心", measured,
                    f"x {LEFT:.0f}–{RIGHT:.0f}, y {TOP:.0f}–{BOTTOM:.0f} mm", ok)


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
        return _finding("lines_per_page", "5.2.3", "行数", "too little text", "22", None)
    # lines that fit: 22 lines of pitch p take 21 p plus one line's height (≈ 0.9 p)
    fits = int((AREA_H - BODY_PT * MM_PER_PT) // pitch) + 1
    slots = max((round((ls[-1].baseline - ls[0].baseline) / pitch) + 1
                 for ls in (_body_lines(parts, i) for i in range(len(parts.body_pages))) if ls),
                default=0)
    n = max(fits, slots) if slots > LINES_PER_PAGE else fits
    return _finding("lines_per_page", "5.2.3", "每页行数", f"{n} (pitch {pitch:.2f} mm)",
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
        estimates.append((max(counts), "on full lines"))
    if advances:
        pitch = statistics.median(advances)
        estimates.append((int((AREA_W + 0.3) // pitch), f"pitch {pitch:.2f} mm"))
    if not estimates:
        return _finding("chars_per_line", "5.2.3", "每行字数", "too little text", "28", None)
    n, how = max(estimates)
    return _finding("chars_per_line", "5.2.3", "每行字数", f"{n} ({how})", f"{CHARS_PER_LINE}",
                    n == CHARS_PER_LINE)


def body_size(parts: Parts) -> Finding:
    """The body's most common glyph size; text inside ruled tables (a 征求意见汇总's list, a
    测评结果's tallies) may be set smaller and is left out."""
    pages = parts.doc.pages
    sizes = [ln.size for i, page in enumerate(parts.body_pages) for ln in page for _ in ln.text
             if not ln.is_red and ln not in parts.title
             and not (i < len(pages) and pages[i].in_table(ln))]
    if not sizes:
        return _finding("body_size", "6.1", "正文字号", "no text", "16 pt (3号)", None)
    size = statistics.mode(sizes)
    return _finding("body_size", "6.1", "正文字号", f"{size:g} pt", "16 pt (3号)",
                    abs(size - BODY_PT) <= SIZE_TOL)


def title_size(parts: Parts) -> Finding:
    if not parts.title:
        return _finding("title_size", "7.3.1", "标题字号", "no title found", "22 pt (2号)", None)
    sizes = sorted({ln.size for ln in parts.title})
    return _finding("title_size", "7.3.1", "标题字号", " / ".join(f"{s:g} pt" for s in sizes),
                    "22 pt (2号)", all(abs(s - TITLE_PT) <= SIZE_TOL for s in sizes))


def mark_colour(parts: Parts) -> Finding:
    if not parts.mark:
        return _finding("mark_colour", "7.2.4", "发文机关标志颜色", "no red mark", "red", None)
    r, g, b = parts.mark[0].color
    ok = all(ln.red_share == 1 for ln in parts.mark)
    return _finding("mark_colour", "7.2.4", "发文机关标志颜色",
                    f"RGB {r:.2f} {g:.2f} {b:.2f}" + ("" if ok else " (partly not red)"),
                    "red", ok)


def mark_position(parts: Parts) -> Finding:
    if not parts.mark:
        return _finding("mark_position", "7.2.4", "发文机关标志位置", "no red mark",
                        f"top edge {MARK_TOP:.0f} mm", None)
    top = parts.mark[0].top
    centre = (parts.mark[0].x0 + parts.mark[0].x1) / 2
    ok = _near(top, MARK_TOP) and _near(centre, LEFT + AREA_W / 2, 2.0)
    return _finding("mark_position", "7.2.4", "发文机关标志位置",
                    f"top edge {top:.1f} mm, centre {centre - LEFT:.1f} mm in",
                    f"top edge {MARK_TOP:.0f} mm (35 mm below 版心), "
                    f"centred ({AREA_W / 2:.0f} mm in)",
                    ok)


def mark_one_line(parts: Parts) -> Finding:
    if not parts.mark:
        return _finding("mark_one_line", "7.2.4", "发文机关标志行数", "no red mark", "1 line",
                        None)
    inside = all(ln.x0 >= LEFT - EDGE_TOL and ln.x1 <= RIGHT + EDGE_TOL for ln in parts.mark)
    text = " / ".join(ln.text for ln in parts.mark)
    measured = f"{len(parts.mark)} line(s): {text}"
    if not inside:
        measured += " (wider than the 版心)"
    return _finding("mark_one_line", "7.2.4", "发文机关标志行数", measured,
                    "1 line inside the 版心", len(parts.mark) == 1 and inside)


def separator_distance(parts: Parts) -> Finding:
    if parts.separator is None or parts.doc_number is None:
        return _finding("separator_distance", "7.2.7", "分隔线距发文字号",
                        "no red separator" if parts.separator is None else "no 发文字号",
                        f"{SEPARATOR_GAP:.0f} mm", None)
    gap = parts.separator.y - parts.doc_number.bottom
    return _finding("separator_distance", "7.2.7", "分隔线距发文字号", _mm(gap),
                    f"{SEPARATOR_GAP:.0f} mm", _near(gap, SEPARATOR_GAP))


def separator_width(parts: Parts) -> Finding:
    s = parts.separator
    if s is None:
        return _finding("separator_width", "7.2.7", "分隔线长度", "no red separator",
                        "156 mm, the 版心's width", None)
    ok = _near(s.length, AREA_W, LENGTH_TOL) and _near(s.x0, LEFT, LENGTH_TOL)
    return _finding("separator_width", "7.2.7", "分隔线长度",
                    f"{s.length:.1f} mm from {s.x0:.1f} mm", f"{AREA_W:.0f} mm from {LEFT:.0f} mm",
                    ok)


def page_number_format(parts: Parts) -> Finding:
    expected = "— N — on every page, N its page"
    if not any(parts.page_numbers):
        return _finding("page_number_format", "7.5", "页码格式", "no page numbers", expected,
                        False)
    bad = []
    blank_before_imprint = _blank_before_imprint(parts)
    for i, ln in enumerate(parts.page_numbers):
        if blank_before_imprint and i >= len(parts.page_numbers) - 2:
            if ln is not None:
                bad.append(f"page {i + 1} numbered (blank page before 版记)")
            continue
        text = ln.text.replace(" ", "") if ln else ""
        m = PAGE_NUMBER.match(text)
        if ln is None:
            bad.append(f"page {i + 1}: none")
        elif not m or int(m.group(1)) != i + 1:
            bad.append(f"page {i + 1}: {ln.text!r}")
    n = len(parts.page_numbers)
    measured = ("; ".join(bad[:3]) if bad else
                f"— 1 — … — {n - 2} —, pages {n - 1}–{n} (blank, 版记) unnumbered"
                if blank_before_imprint else f"— 1 — … — {n} —")
    return _finding("page_number_format", "7.5", "页码格式", measured, expected, not bad)


def _blank_before_imprint(parts: Parts) -> bool:
    n = len(parts.body_pages)
    return (n >= 2 and parts.imprint_page == n - 1 and not parts.body_pages[n - 1]
            and not parts.body_pages[n - 2])


def page_number_position(parts: Parts) -> Finding:
    expected = f"dash {PAGE_NUMBER_GAP:.0f} mm below 版心; odd right, even left, 1 character in"
    numbered = [(i, ln) for i, ln in enumerate(parts.page_numbers) if ln is not None]
    if not numbered:
        return _finding("page_number_position", "7.5", "页码位置", "no page numbers", expected,
                        None)
    inset = NOTE_PT * MM_PER_PT
    bad, gaps = [], []
    for i, ln in numbered:
        gap = ln.baseline - DASH_HEIGHT * ln.size * MM_PER_PT - BOTTOM
        gaps.append(gap)
        if not _near(gap, PAGE_NUMBER_GAP) and not any("dash" in b for b in bad):
            bad.append(f"page {i + 1}: dash {gap:.1f} mm below")
        if (i + 1) % 2:
            if not _near(RIGHT - ln.x1, inset, 1.5):
                bad.append(f"page {i + 1} (odd): ends {RIGHT - ln.x1:.1f} mm from the right")
        elif not _near(ln.x0 - LEFT, inset, 1.5):
            bad.append(f"page {i + 1} (even): starts {ln.x0 - LEFT:.1f} mm from the left")
    measured = ("; ".join(bad[:3]) if bad
                else f"dash {statistics.median(gaps):.1f} mm below, sides ok")
    return _finding("page_number_position", "7.5", "页码位置", measured, expected, not bad)


def date_form(parts: Parts) -> Finding:
    expected = "Arabic numerals, year in full, no zero padding (2011年4月20日)"
    if parts.date is None:
        return _finding("date_form", "7.3.5", "成文日期", "no 成文日期 found", expected, False)
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
    expected = "署名 and 成文日期 on one page, with body text"
    if parts.date is None:
        return _finding("signature_not_alone", "7.3.5.5", "署名页", "no 成文日期 found",
                        expected, None)
    page, date = parts.date
    if parts.signature and parts.signature[0] != page:
        return _finding("signature_not_alone", "7.3.5.5", "署名页",
                        f"署名 on page {parts.signature[0] + 1}, 成文日期 on page {page + 1}",
                        expected, False)
    block = {id(date)} | ({id(parts.signature[1])} if parts.signature else set())
    above = [ln for ln in parts.body_pages[page] if id(ln) not in block
             and ln.baseline < date.baseline]
    measured = (f"page {page + 1}: {len(above)} line(s) of body text above the 署名"
                if above else f"page {page + 1} holds only the 署名/成文日期")
    return _finding("signature_not_alone", "7.3.5.5", "署名页", measured, expected, bool(above))


def imprint_position(parts: Parts) -> Finding:
    expected = f"last rule on the 版心's bottom edge ({BOTTOM:.0f} mm) of the last page"
    if not parts.imprint_rules:
        return _finding("imprint_position", "7.4", "版记位置", "no 版记", expected, None)
    last = parts.imprint_rules[-1]
    return _finding("imprint_position", "7.4", "版记位置",
                    f"last rule at {last.y:.1f} mm on page {parts.imprint_page + 1}",
                    expected, _near(last.y, BOTTOM))


def imprint_rules(parts: Parts) -> Finding:
    expected = (f"{AREA_W:.0f} mm from {LEFT:.0f} mm; first and last {IMPRINT_HEAVY} mm, "
                f"middle {IMPRINT_LIGHT} mm")
    rules = parts.imprint_rules
    if not rules:
        return _finding("imprint_rules", "7.4", "版记分隔线", "no 版记", expected, None)
    ok = all(_near(r.length, AREA_W, LENGTH_TOL) and _near(r.x0, LEFT, LENGTH_TOL)
             for r in rules)
    weights = [IMPRINT_HEAVY] + [IMPRINT_LIGHT] * (len(rules) - 2) + [IMPRINT_HEAVY]
    ok = ok and len(rules) >= 2 and all(_near(r.weight, w, WEIGHT_TOL)
                                        for r, w in zip(rules, weights))
    measured = ", ".join(f"{r.length:.1f} mm × {r.weight:.2f}" for r in rules)
    return _finding("imprint_rules", "7.4", "版记分隔线", measured + f" from {rules[0].x0:.1f} mm",
                    expected, ok)


def imprint_even_page(parts: Parts) -> Finding:
    """Printed double-sided, the 版记 is on the back of the last leaf: an even page."""
    expected = "an even page (printed double-sided)"
    if parts.imprint_page is None:
        return _finding("imprint_even_page", "7.4", "版记页", "no 版记", expected, None)
    page = parts.imprint_page + 1
    return _finding("imprint_even_page", "7.4", "版记页",
                    f"page {page} ({'even' if page % 2 == 0 else 'odd'})", expected,
                    page % 2 == 0)


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
