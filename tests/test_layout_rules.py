"""GB/T 9704 rules on synthetic measurements: a conforming document passes every rule, and each
single fault fails exactly the rule that names it. No PDF, no LibreOffice."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from docgen.errors import BadInput
from docgen.layout.measure import Measured, Page, Rule, TextLine, measure
from docgen.layout.rules import FAIL, NA, PASS, judge

RED, BLACK = (0.9, 0.0, 0.07), (0.0, 0.0, 0.0)
PT = 25.4 / 72
PITCH = 225 / 22
BODY = "现在我代表国务院向大会报告政府工作请予审议并请全国政协委员提出意见"  # 33 characters


def line(text: str, slot: float, *, x0: float = 28.0, size: float = 16, color=BLACK,
         x1: float | None = None, pitch: float = 5.5) -> TextLine:
    """A line of text in line slot `slot` (1 = the type area's first line)."""
    top = 37 + 2.5 + (slot - 1) * PITCH
    bottom = top + size * PT * 1.0
    return TextLine(text=text, top=top, bottom=bottom, baseline=bottom - 0.12 * size * PT,
                    x0=x0, x1=x1 if x1 is not None else x0 + len(text) * pitch, size=size,
                    font="FandolFang", color=color, red_share=1.0 if color == RED else 0.0,
                    advances=(pitch,) * (len(text) - 1))


def page_number(n: int) -> TextLine:
    baseline = 262 + 7 + 0.3 * 14 * PT  # the dash 7 mm below the type area
    x0 = 184 - 14 * PT - 15.6 if n % 2 else 28 + 14 * PT
    return TextLine(text=f"— {n} —", top=baseline - 12 * PT, bottom=baseline + 2 * PT,
                    baseline=baseline, x0=x0, x1=x0 + 15.6, size=14, font="FandolSong",
                    color=BLACK, red_share=0.0)


def full(slot: float) -> TextLine:
    return line(BODY[:28], slot, x1=184.0, pitch=5.57)


def conforming() -> Measured:
    """A two-page 红头文件 laid out exactly as GB/T 9704 says."""
    mark = line("区建设局规划处文件", 1, x0=28 + (156 - 9 * 12.7) / 2, size=36, color=RED,
                pitch=12.7)
    mark = replace(mark, top=72.0, bottom=72 + 36 * PT, baseline=72 + 0.88 * 36 * PT)
    number = line("建规〔2011〕3号", 6, x0=83)
    separator = Rule(28.0, 184.0, number.bottom + 4, 0.5, RED)
    title = line("区建设局规划处2011年民主评议工作实施方案", 9, x0=35, size=22, pitch=6.7)
    first = [mark, number, title, line("局监察科：", 11)]
    first += [full(slot) for slot in range(12, 23)]
    second = [full(slot) for slot in range(1, 6)] + [line(BODY[:10] + "。", 6)]
    second += [line("区建设局规划处", 8, x0=120), line("2011年4月20日", 9, x0=126.6)]
    imprint = [line("抄送：区纪委，区纠风办。", 20, size=14, x0=33),
               line("区建设局规划处办公室 2011年4月20日印发", 21, size=14, x0=33, x1=179)]
    rules = (Rule(28, 184, 241.6, 0.35, BLACK), Rule(28, 184, 251.8, 0.25, BLACK),
             Rule(28, 184, 262.0, 0.35, BLACK))
    return Measured(Path("synthetic.pdf"), (
        Page(1, 210, 297, tuple(first) + (page_number(1),), (separator,)),
        Page(2, 210, 297, tuple(second + imprint) + (page_number(2),), rules),
    ))


def statuses(doc: Measured) -> dict[str, str]:
    return {f.rule: f.status for f in judge(doc).findings}


def failing(doc: Measured) -> list[str]:
    return [rule for rule, status in statuses(doc).items() if status == FAIL]


def with_page(doc: Measured, i: int, **changes) -> Measured:
    pages = list(doc.pages)
    pages[i] = replace(pages[i], **changes)
    return replace(doc, pages=tuple(pages))


def with_line(doc: Measured, i: int, text_start: str, **changes) -> Measured:
    lines = [replace(ln, **changes) if ln.text.startswith(text_start) else ln
             for ln in doc.pages[i].lines]
    return with_page(doc, i, lines=tuple(lines))


def test_a_conforming_document_passes_every_rule():
    found = statuses(conforming())
    assert set(found.values()) == {PASS}, found
    assert len(found) == 17


FAULTS = {
    "page_size": lambda d: with_page(d, 1, width=215.9, height=279.4),
    "type_area": lambda d: with_line(d, 0, BODY[:28], x1=189.7),  # a 「，」 in the margin
    "lines_per_page": lambda d: replace(d, pages=tuple(  # 23 lines: pitch 9.8 mm
        replace(p, lines=tuple(replace(ln, baseline=37 + (ln.baseline - 37) * 0.96, top=37 + (
            ln.top - 37) * 0.96, bottom=37 + (ln.bottom - 37) * 0.96)
            if ln.size == 16 and (p.number > 1 or ln.top > 130) else ln for ln in p.lines))
        for p in d.pages)),
    "body_size": lambda d: replace(d, pages=tuple(
        replace(p, lines=tuple(replace(ln, size=15) if ln.size == 16 else ln for ln in p.lines))
        for p in d.pages)),
    "title_size": lambda d: with_line(d, 0, "区建设局规划处2011", size=20),
    "mark_colour": lambda d: with_line(d, 0, "区建设局规划处文件", color=BLACK, red_share=0.0),
    "mark_position": lambda d: with_line(d, 0, "区建设局规划处文件", top=43.6),
    "separator_distance": lambda d: with_page(d, 0, rules=(  # 1.5 mm under the 发文字号
        replace(d.pages[0].rules[0], y=d.pages[0].rules[0].y - 2.5),)),
    "separator_width": lambda d: with_page(d, 0, rules=(Rule(33, 179, d.pages[0].rules[0].y,
                                                              0.5, RED),)),
    "page_number_format": lambda d: with_line(d, 1, "— 2 —", text="第2页"),
    "page_number_position": lambda d: with_line(d, 1, "— 2 —", x0=163.5, x1=179.1),
    "date_form": lambda d: with_line(d, 1, "2011年4月20日", text="2011年04月20日"),
    "imprint_position": lambda d: with_page(  # right under the date, not on the bottom edge
        d, 1, rules=tuple(replace(r, y=r.y - 80) for r in d.pages[1].rules),
        lines=tuple(replace(ln, top=ln.top - 80, bottom=ln.bottom - 80,
                            baseline=ln.baseline - 80) if ln.size == 14 and "—" not in ln.text
                    else ln for ln in d.pages[1].lines)),
    "imprint_rules": lambda d: with_page(d, 1, rules=tuple(
        replace(r, x0=32.9, x1=179.0) for r in d.pages[1].rules)),
}


@pytest.mark.parametrize("rule", sorted(FAULTS))
def test_each_fault_fails_exactly_its_rule(rule):
    assert failing(FAULTS[rule](conforming())) == [rule]


def test_mark_on_two_lines_fails_one_line_rule():
    doc = conforming()
    mark = doc.pages[0].lines[0]
    half = replace(mark, text="障科文件", top=mark.top + 14, bottom=mark.bottom + 14,
                   baseline=mark.baseline + 14)
    doc = with_page(doc, 0, lines=(replace(mark, text="区住房和城乡建设局住房保"), half)
                    + doc.pages[0].lines[1:])
    assert "mark_one_line" in failing(doc)


def test_signature_alone_on_its_page_fails():
    doc = conforming()
    second = [ln for ln in doc.pages[1].lines if not ln.text.startswith((BODY[:10]))]
    doc = with_page(doc, 1, lines=tuple(second))
    assert failing(doc) == ["signature_not_alone"]
    found = {f.rule: f for f in judge(doc).findings}
    assert found["signature_not_alone"].measured == "page 2 holds only the 署名/成文日期"


def test_a_plain_pdf_has_no_head_and_no_imprint_to_judge():
    doc = conforming()
    doc = with_page(doc, 0, lines=doc.pages[0].lines[3:], rules=())
    doc = with_page(doc, 1, rules=())
    found = statuses(doc)
    for rule in ("mark_colour", "mark_position", "mark_one_line", "separator_distance",
                 "separator_width", "imprint_position", "imprint_rules", "title_size"):
        assert found[rule] == NA, rule
    assert all(status != FAIL for status in found.values()), found


def test_table_rules_in_the_body_are_not_an_imprint():
    doc = conforming()
    table = (Rule(28, 184, 150.0, 0.25, BLACK), Rule(28, 184, 170.0, 0.25, BLACK))
    lines = tuple(ln for ln in doc.pages[1].lines if ln.size != 14)
    doc = with_page(doc, 1, rules=table, lines=lines + (page_number(2),))
    found = statuses(doc)
    assert found["imprint_position"] == found["imprint_rules"] == NA


def test_the_archives_filing_stamp_in_the_top_margin_is_not_the_document():
    doc = conforming()
    stamp = [replace(line("Z109 2011 0001", 1, x0=82, size=10, color=RED), top=top,
                     bottom=top + 4, baseline=top + 3.5) for top in (10.3, 18.0)]  # 归档章
    doc = with_page(doc, 0, lines=tuple(stamp) + doc.pages[0].lines,
                    rules=doc.pages[0].rules + (Rule(82, 128, 14.5, 0.3, RED),))
    assert set(statuses(doc).values()) == {PASS}


def test_duplex_adds_the_even_page_rule():
    found = {f.rule: f for f in judge(conforming(), duplex=True).findings}
    assert found["imprint_even_page"].status == PASS
    assert found["imprint_even_page"].measured == "page 2 (even)"
    assert "imprint_even_page" not in statuses(conforming())


def test_json_report_has_stable_keys():
    report = judge(conforming()).as_dict()
    assert set(report) == {"file", "pages", "ok", "rules"}
    assert set(report["rules"][0]) == {"rule", "clause", "label", "measured", "expected",
                                       "status", "ok"}


@pytest.mark.parametrize("content, reason", [
    (b"", "not a PDF file"),
    ("这不是PDF".encode(), "not a PDF file"),
    (b"%PDF-1.7\n1 0 obj\n<<", "cannot be read"),
])
def test_not_a_readable_pdf_is_bad_input(tmp_path, content, reason):
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    with pytest.raises(BadInput) as e:
        measure(path)
    assert reason in e.value.message and "\n" not in e.value.message


def test_smaller_text_inside_a_ruled_table_is_not_the_body():
    """A 征求意见汇总 lists its opinions in a table set in 小四 (12 pt): the body is still 3号."""
    doc = conforming()
    first = doc.pages[0]
    text = "问卷　办事流程不够公开透明，群众反映审批环节多、时限长　政务公开　审批科"
    table_rows = tuple(line(text, 1 + i / 2, x0=30, size=12, pitch=4.2) for i in range(40))
    box = (29.0, min(ln.top for ln in table_rows) - 1, 183.0,
           max(ln.bottom for ln in table_rows) + 1)
    with_table = replace(doc, pages=(replace(first, lines=first.lines + table_rows,
                                             tables=(box,)), *doc.pages[1:]))
    assert statuses(with_table)["body_size"] == "pass"
    without_box = replace(with_table, pages=(replace(with_table.pages[0], tables=()),
                                             *doc.pages[1:]))
    assert statuses(without_box)["body_size"] == "fail"


def joint(names: list[str], *, size: float = 36, word_drop: float = 0.0) -> Measured:
    """The conforming document with a joint mark: the names one a line, 「文件」 on their right,
    centred on them (7.2.4), like the bundled templates lay it out."""
    doc = conforming()
    pitch = size * PT * 1.25
    left = 28 + (156 - (max(map(len, names)) + 2.5) * size * PT) / 2
    right = left + max(map(len, names)) * size * PT
    lines = []
    for i, name in enumerate(names):
        top = 72.0 + i * pitch
        lines.append(replace(line(name, 1, x0=left, size=size, color=RED, x1=right,
                                  pitch=(right - left - size * PT) / max(1, len(name) - 1)),
                             top=top, bottom=top + size * PT, baseline=top + 0.88 * size * PT))
    middle = 72.0 + (len(names) - 1) * pitch / 2 + word_drop
    word_x = right + 0.5 * size * PT
    word = replace(line("文件", 1, x0=word_x, size=size, color=RED, pitch=size * PT),
                   top=middle, bottom=middle + size * PT, baseline=middle + 0.88 * size * PT)
    if len(names) % 2:  # 「文件」 on the middle name's baseline: one measured line
        k = len(names) // 2
        merged = lines[k]
        advances = merged.advances + (word_x - (merged.x1 - size * PT),) + word.advances
        lines[k] = replace(merged, text=merged.text + " 文件", x1=word.x1, advances=advances)
    else:
        lines.insert(len(names) // 2, word)
    number = line("建规〔2011〕3号", 7.5, x0=83)  # two lines under the taller mark
    separator = Rule(28.0, 184.0, number.bottom + 4, 0.5, RED)
    return with_page(doc, 0, lines=tuple(lines) + (number,) + doc.pages[0].lines[2:],
                     rules=(separator,))


@pytest.mark.parametrize("names", [["区建设局规划处", "区财政局"],
                                   ["区住房和城乡建设局", "区财政局", "区发展和改革委员会"]])
def test_a_joint_mark_passes_as_names_one_a_line_with_the_word_beside_them(names):
    doc = joint(names, size=24)
    assert set(statuses(doc).values()) == {PASS}, failing(doc)
    found = {f.rule: f for f in judge(doc).findings}
    assert found["mark_one_line"].measured.startswith(f"joint, {len(names)} names one a line")


def test_a_joint_mark_with_the_word_off_centre_fails_one_line_rule():
    doc = joint(["区建设局规划处", "区财政局"], size=24, word_drop=6)
    assert failing(doc) == ["mark_one_line"]
    found = {f.rule: f for f in judge(doc).findings}
    assert "mm off their centre" in found["mark_one_line"].measured


def test_a_wrapped_name_with_the_word_after_it_is_not_a_joint_mark():
    doc = joint(["区住房和城乡建设局住房保", "障科"], size=24)
    lines = doc.pages[0].lines
    # the wrapped case: 「文件」 follows the second part, not right of the first
    word = next(ln for ln in lines if ln.text == "文件")
    rest = [ln for ln in lines if ln is not word]
    tail = rest[1]
    moved = replace(tail, text="障科文件", x1=tail.x0 + 4 * 24 * PT,
                    advances=(24 * PT,) * 3)
    doc = with_page(doc, 0, lines=(rest[0], moved) + tuple(rest[2:]))
    assert "mark_one_line" in failing(doc)


def signature_page(*above: TextLine) -> Measured:
    """The conforming document whose page 2 holds `above`, then the 署名 and 成文日期."""
    doc = conforming()
    first = [ln for ln in doc.pages[1].lines if ln.size != 16]
    n = len(above)
    sign = [line("区建设局规划处", n + 2, x0=120), line("2011年4月20日", n + 3, x0=126.6)]
    return with_page(doc, 1, lines=tuple(above) + tuple(sign) + tuple(first))


def test_attachment_lines_alone_with_the_signature_fail():
    """7.3.5: 附件说明 lines are not 正文; the 署名 needs body text on its page."""
    doc = signature_page(line("附件：1.区建设局规划处民主评议工作领导小组名单", 1, x0=39.1),
                         line("2.规划审批事项、依据、程序、时限和收费", 2, x0=55.6),
                         line("目录及办理流程说明", 3, x0=61.1))
    assert failing(doc) == ["signature_not_alone"]
    found = {f.rule: f for f in judge(doc).findings}
    assert found["signature_not_alone"].measured == (
        "page 2 holds only 附件说明 lines and the 署名/成文日期")


def test_attachments_continued_from_the_page_before_are_not_body_text():
    doc = conforming()
    first = doc.pages[0]
    lines = first.lines[:-3] + (line("附件：1.区建设局规划处民主评议工作领导小组名单", 22, x0=39.1),)
    doc = with_page(doc, 0, lines=lines)
    doc = replace(doc, pages=(doc.pages[0], signature_page(
        line("2.规划审批事项、依据、程序、时限和收费", 1, x0=55.6)).pages[1]))
    assert "signature_not_alone" in failing(doc)


def test_body_lines_above_the_attachments_keep_the_signature_company():
    doc = signature_page(full(1), line(BODY[:10] + "。", 2),
                         line("附件：1.区建设局规划处民主评议工作领导小组名单", 4, x0=39.1))
    assert failing(doc) == []
    found = {f.rule: f for f in judge(doc).findings}
    assert found["signature_not_alone"].measured == (
        "page 2: 2 lines of body text above the 署名")


def test_several_signatures_are_one_block_above_the_date():
    """联合行文, unsealed: one 署名 a line, 主办机关 first; sealed, two short names a row with
    the rows four lines apart."""
    from docgen.layout.rules import find_parts

    body = (full(1), line(BODY[:10] + "。", 2))
    doc = signature_page(*body)
    lines = [ln for ln in doc.pages[1].lines if ln.text != "区建设局规划处"]
    names = [line("区建设局规划处", 4, x0=120), line("区财政局", 5, x0=136.5)]
    date = next(ln for ln in lines if ln.text == "2011年4月20日")
    date = replace(date, top=date.top + 2 * PITCH, bottom=date.bottom + 2 * PITCH,
                   baseline=date.baseline + 2 * PITCH)
    lines = [ln for ln in lines if ln.text != "2011年4月20日"]
    doc = with_page(doc, 1, lines=tuple(lines[:2] + names + [date] + lines[2:]))
    parts = find_parts(doc)
    assert [ln.text for ln in parts.signature_lines] == ["区建设局规划处", "区财政局"]
    assert failing(doc) == []
    sealed = [line("区建设局  区财政局", 6, x0=90, x1=160), line("区审计局", 10, x0=128)]
    doc = with_page(doc, 1, lines=tuple(lines[:2] + sealed + [
        replace(date, top=date.top + 5 * PITCH, bottom=date.bottom + 5 * PITCH,
                baseline=date.baseline + 5 * PITCH)] + lines[2:]))
    parts = find_parts(doc)
    assert [ln.text for ln in parts.signature_lines] == ["区建设局  区财政局", "区审计局"]


def test_the_committed_example_documents_pass_every_rule():
    """tests/fixtures/examples: the bundled examples as `generate --pdf` makes them (remade by
    tests/fixtures/make_fixtures.py) — the example plan's last page has body text above its
    附件说明 and 署名."""
    from docgen.layout import check
    from tests.conftest import FIXTURES

    for pdf in sorted((FIXTURES / "examples").glob("*.pdf")):
        report = check(pdf)
        assert report.ok, (pdf.name, [f"{f.rule}: {f.measured}" for f in report.failed])


def test_a_pdf_measured_while_others_convert_is_handed_to_the_fitting_once(tmp_path):
    """docgen.pipeline measures each PDF as LibreOffice writes it; the fitting takes each first
    measurement once (a PDF converted again is measured again), and a PDF that could not be
    measured there is measured by the fitting, which reports it."""
    from docgen.pipeline import _Measuring
    from tests.conftest import FIXTURES

    pdf = FIXTURES / "plan.pdf"
    bad = tmp_path / "bad.pdf"
    bad.write_text("不是 PDF", encoding="utf-8")
    with _Measuring() as measuring:
        measuring.start(pdf)
        measuring.start(bad)
        first = measuring.taken(pdf)
        assert first == measure(pdf) and first.pages
        assert measuring.taken(pdf) is None
        assert measuring.taken(bad) is None
        assert measuring.taken(tmp_path / "never.pdf") is None
