"""标题 breaking and the value-dependent head and signature layout (no LibreOffice)."""

from __future__ import annotations

import re

import pytest
from docx import Document
from docx.oxml.ns import qn

from docgen.forms import load_form
from docgen.layout.compose import mark_size, signature_indents
from docgen.layout.title import LINE_UNITS, break_title, width
from docgen.render import render_form
from tests.layout_forms import TITLES, UNITS, summary_form, write_forms

AREA_PT = 156 / 25.4 * 72


def shape_ok(widths: list[float]) -> bool:
    """梯形 (never wider above than below) or 菱形 (widest inside)."""
    rising = all(a <= b for a, b in zip(widths, widths[1:]))
    diamond = any(all(a <= b for a, b in zip(widths[:p + 1], widths[1:p + 1]))
                  and all(a >= b for a, b in zip(widths[p:], widths[p + 1:]))
                  for p in range(1, len(widths) - 1))
    return rising or diamond


@pytest.mark.parametrize("title", TITLES + [
    "关于印发《区建设局规划处2011年民主评议工作实施方案》和《服务承诺书》的通知及其附件说明",
    "国务院关于印发《2024—2025年节能降碳行动方案》的通知",
    "关于转发建规〔2011〕3号文件的通知"])
def test_titles_break_between_words_into_a_trapezoid_or_diamond(title):
    lines = break_title(title)
    assert "".join(lines) == title
    assert all(width(line) <= LINE_UNITS for line in lines)
    assert len(lines) == 1 or shape_ok([width(line) for line in lines]), lines
    for upper, lower in zip(lines, lines[1:]):
        assert not (upper[-1].isdigit() and lower[0].isdigit()), lines  # never inside 2011
        assert not (upper[-1].isdigit() and lower[0] in "年月日号"), lines
        assert lower[0] not in "，。、；：》）〕", lines
        assert upper[-1] not in "《（〔", lines
        assert upper.count("〔") == upper.count("〕"), lines  # 〔2011〕 whole
    short_pairs = [m for m in re.findall(r"《[^》]*》", title) if width(m) <= LINE_UNITS - 2]
    for pair in short_pairs:
        assert any(pair in line for line in lines), (pair, lines)


@pytest.mark.parametrize("length, unit", sorted(UNITS.items()))
def test_the_mark_shrinks_to_one_line(length, unit):
    size = mark_size(unit + "文件", 36)
    assert size <= 36 and width(unit + "文件") * size <= AREA_PT
    assert size == 36 or length >= 10  # short names keep the full size


@pytest.mark.parametrize("name, date, seal, expected", [
    ("区建设局规划处", "2011年4月20日", False, (2 + 7 * 0.69 + 3 + 2 - 7, 2.0)),  # date longer
    ("石家庄市长安区住房和城乡建设局规划管理科", "2011年4月20日", False,
     (2.0, 20 - (7 * 0.69 + 3))),  # name longer: the date starts 2 characters in
    ("区建设局规划处", "2011年4月20日", True, (4 + (7 * 0.69 + 3 - 7) / 2, 4.0)),  # sealed
])
def test_signature_indents_follow_7_3_5(name, date, seal, expected):
    got = signature_indents(name, date, seal=seal)
    assert got == pytest.approx(expected)


def test_rendered_head_title_and_signature(tmp_path):
    form = summary_form(unit=UNITS[20], title=TITLES[3], signer=True, seal=True)
    path = write_forms(tmp_path, {"s": form})[0]
    doc = Document(render_form(load_form(path), tmp_path / "s.docx"))
    mark = next(p for p in doc.paragraphs if p.style.name == "发文机关标志")
    assert mark.text == UNITS[20] + "文件"
    assert 0 < mark.runs[0].font.size.pt < 36
    title = [p for p in doc.paragraphs if p.style.name == "公文标题"]
    assert len(title) == 1  # one paragraph, soft breaks: Word reflows an edit
    assert len(title[0]._p.findall(".//" + qn("w:br"))) == len(break_title(TITLES[3])) - 1
    head = next(p for p in doc.paragraphs if p.style.name == "发文字号签发人")
    assert head.text == "\t建规〔2011〕21号\t签发人：王建国"
    date = next(p for p in doc.paragraphs if p.style.name == "成文日期")
    assert date.paragraph_format.right_indent.pt == pytest.approx(4 * 15.6)  # sealed: 4 in
    created = doc.core_properties.created
    assert created is not None and created.year >= 2025
