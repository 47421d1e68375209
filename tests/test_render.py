"""Rendered documents read back with python-docx: page setup, fonts, values, safety."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from docgen.errors import ExitCode
from docgen.forms import load_form
from docgen.render import cn, context, render_form, title_lines
from tests.conftest import EXAMPLES, tree


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def east_asia_font(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


@pytest.fixture(scope="module")
def plan_doc(tmp_path_factory):
    out = tmp_path_factory.mktemp("render") / "plan.docx"
    render_form(load_form(EXAMPLES / "plan.yaml"), out)
    return Document(out)


def test_page_setup_is_gbt9704(plan_doc):
    s = plan_doc.sections[0]
    mm = lambda v: round(v.mm, 1)  # noqa: E731  (twips do not hold whole millimetres)
    assert (mm(s.page_width), mm(s.page_height)) == (210, 297)
    assert tuple(map(mm, (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin))) == (
        37, 35, 28, 26)
    # 22 lines: exact line pitch of 225 mm / 22
    normal = plan_doc.styles["Normal"]
    assert abs(normal.paragraph_format.line_spacing.pt - 225 / 22 / 25.4 * 72) < 0.1
    # 28 characters: 3号 (16 pt) with −0.4 pt spacing fits 28 and not 29 in 156 mm
    spacing = int(normal.element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    width_pt = 156 / 25.4 * 72
    assert 28 * (16 + spacing) <= width_pt < 29 * (16 + spacing)
    assert plan_doc.settings.odd_and_even_pages_header_footer


def test_fonts_east_asian_and_sizes(plan_doc):
    styles = plan_doc.styles
    assert east_asia_font(styles["Normal"]) == "仿宋_GB2312"
    assert styles["Normal"].font.size == Pt(16)
    assert styles["Normal"].paragraph_format.first_line_indent == Pt(32)
    assert east_asia_font(styles["公文标题"]) == "方正小标宋简体"
    assert styles["公文标题"].font.size == Pt(22)
    assert east_asia_font(styles["一级标题"]) == "黑体"
    assert east_asia_font(styles["二级标题"]) == "楷体_GB2312"
    assert east_asia_font(styles["三级标题"]) == "仿宋_GB2312"
    assert styles["版记抄送"].font.size == Pt(14)


def test_page_numbers_odd_right_even_left(plan_doc):
    s = plan_doc.sections[0]
    odd, even = s.footer.paragraphs[0], s.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0  # RIGHT, LEFT
    for p in (odd, even):
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert "PAGE" in p._p.xml
        assert p.runs[0].font.size == Pt(14)


def test_values_in_place_and_format(plan_doc):
    form = load_form(EXAMPLES / "plan.yaml")
    t = texts(plan_doc)
    assert t[0] == "区建设局规划处文件"
    assert "建规〔2011〕3号" in t
    # a long 标题: one paragraph, two even lines broken softly between words
    assert "区建设局规划处2011年\n民主评议工作实施方案" in t
    assert "局监察科：" in t  # 主送机关 ends with a full-width colon
    i = t.index("一、指导思想")
    assert t[i + 1] == form.guiding_ideology
    assert t.index("二、拟解决的重点问题") < t.index("三、主要做法") < t.index("四、评议步骤")
    assert f"1.{form.key_problems[0]}" in t
    assert "（一）部署动员、查找问题（4月）" in t
    assert "附件：1.区建设局规划处民主评议工作领导小组名单" in t
    assert "2.民主评议征求意见表" in t
    assert t[t.index("2011年4月15日") - 1] == "区建设局规划处"  # 署名 over 成文日期
    imprint = [row.cells[0].text for row in plan_doc.tables[-1].rows]  # 版记, a floating table
    assert imprint == ["抄送：区纪委，区纠风办。", "区建设局规划处办公室\t2011年4月15日印发"]
    assert not any("{{" in x or "{%" in x for x in t)
    styles = {p.text: p.style.name for p in plan_doc.paragraphs}
    assert styles["一、指导思想"] == "一级标题"
    assert styles["区建设局规划处2011年\n民主评议工作实施方案"] == "公文标题"
    core = plan_doc.core_properties
    assert (core.title, core.author, core.subject) == (form.display_title, "区建设局规划处",
                                                       "工作方案")


def test_dates_no_zero_padding(tmp_path):
    form = load_form(EXAMPLES / "commitment.yaml")
    doc = Document(render_form(form, tmp_path / "c.docx"))
    t = "\n".join(texts(doc))
    assert "2011年5月10日" in t and "完成时限：2011年6月30日前" in t
    assert not re.search(r"年0\d月|月0\d日", t)
    assert "五、监督举报" in t  # numbered after the four commitments


def test_summary_reports_each_commitment(tmp_path):
    form = load_form(EXAMPLES / "summary.yaml")
    t = texts(Document(render_form(form, tmp_path / "s.docx")))
    for i, f in enumerate(form.fulfilments, 1):
        assert f"（{cn(i)}）{f.commitment}（{f.status}）" in t
        assert f.result in t


def test_optional_sections_renumber(tmp_path):
    text = (EXAMPLES / "plan.yaml").read_text(encoding="utf-8")
    text = text[: text.index("steps:")] + text[text.index("contact:"):]  # no steps, no requirements
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    t = texts(Document(render_form(load_form(tmp_path / "p.yaml"), tmp_path / "p.docx")))
    assert "四、信息反馈" in t and not any("评议步骤" in x for x in t)


def test_markup_in_form_values_stays_text(tmp_path):
    text = (EXAMPLES / "plan.yaml").read_text(encoding="utf-8").replace(
        "title: 区建设局规划处2011年民主评议工作实施方案",
        "title: \"A&B <规划> {{ ''.__class__ }} {% if 1 %}x{% endif %}\"")
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    doc = Document(render_form(load_form(tmp_path / "p.yaml"), tmp_path / "p.docx"))
    title = "".join(p.text for p in doc.paragraphs if p.style.name == "公文标题").replace("\n", "")
    assert title == "A&B <规划> {{ ''.__class__ }} {% if 1 %}x{% endif %}"


def make_template(path: Path, *paragraphs, split: bool = False) -> Path:
    """A user's own template, as Word writes it (optionally a tag split across runs)."""
    doc = Document()
    for text in paragraphs:
        p = doc.add_paragraph()
        if split and "{{" in text:
            half = len(text) // 2
            p.add_run(text[:half]).bold = True
            p.add_run(text[half:])
        else:
            p.add_run(text)
    doc.save(path)
    return path


def test_user_template_with_split_tags_renders(tmp_path, docgen):
    tpl = make_template(tmp_path / "mine.docx", "{{ title }}", "主送：{{ addressee }}",
                        "{{ date_cn }}", split=True)
    code, out, err = docgen("generate", EXAMPLES / "plan.yaml", "-o", tmp_path / "out",
                            "--template", tpl)
    assert code == 0, err
    t = texts(Document(out.strip()))
    assert t == ["区建设局规划处2011年民主评议工作实施方案", "主送：局监察科", "2011年4月15日"]


@pytest.mark.parametrize("paragraphs, expected", [
    (("正文", "{{ title }"), "body paragraph 2 '{{ title }'"),
    (("{% if attachments %}附件", "正文"), "body paragraph 1 '{% if attachments %}附件': Unexpected end of template"),
    (("{{ title | nosuchfilter }}",), "No filter named 'nosuchfilter'"),
])
def test_template_syntax_errors_named_by_paragraph(tmp_path, docgen, paragraphs, expected):
    tpl = make_template(tmp_path / "plan.docx", *paragraphs)
    before = tree(tmp_path)
    code, out, err = docgen("template", "check", tpl)
    assert code == ExitCode.bad_template == 4
    assert expected in err and "Traceback" not in err, err
    code, out, err = docgen("generate", EXAMPLES / "plan.yaml", "-o", tmp_path / "out",
                            "--template", tpl)
    assert code == 4 and "Traceback" not in err and out == ""
    assert tree(tmp_path) == before  # no output file


def test_template_check_unknown_and_unused_variables(tmp_path, docgen):
    tpl = make_template(tmp_path / "t.docx", "{{ title }}", "{{ budget }}")
    code, out, err = docgen("template", "check", tpl, "--type", "plan")
    assert code == 4
    assert "uses {{ budget }}, which the plan form does not define" in err
    assert "field 'key_problems' is not shown" in out
    code, out, err = docgen("template", "check", tmp_path / "t.docx")
    assert code == ExitCode.bad_input and "add --type" in err


@pytest.mark.parametrize("attack", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cn.__globals__ }}",
    "{{ title.__class__.__init__.__globals__['os'] }}",
    "{% for c in ''.__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ attachments.append('x') }}",
])
def test_template_cannot_reach_python(tmp_path, docgen, attack):
    tpl = make_template(tmp_path / "evil.docx", "{{ title }}", attack)
    code, out, err = docgen("generate", EXAMPLES / "plan.yaml", "-o", tmp_path / "out",
                            "--template", tpl)
    assert code == ExitCode.bad_template, (out, err)
    assert "Traceback" not in err and "<class" not in err
    assert not (tmp_path / "out").exists()


def test_not_a_docx_template(tmp_path, docgen):
    junk = tmp_path / "junk.docx"
    junk.write_text("这不是Word文件")
    code, out, err = docgen("generate", EXAMPLES / "plan.yaml", "-o", tmp_path / "o",
                            "--template", junk)
    assert code == 4 and "not a Word .docx file" in err
    assert not (tmp_path / "o").exists()


def test_context_names_are_documented():
    ctx = context(load_form(EXAMPLES / "summary.yaml"))
    assert ctx["heads"]["fulfilments"] == "一、承诺践诺情况"
    assert [cn(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]


@pytest.mark.parametrize("title, lines", [
    ("区建设局规划处2011年民主评议服务承诺书", ["区建设局规划处2011年民主评议服务承诺书"]),
    ("区建设局规划处2011年民主评议工作实施方案", ["区建设局规划处2011年", "民主评议工作实施方案"]),
    ("关于印发《区建设局规划处2011年民主评议工作实施方案》和《服务承诺书》的通知及其附件说明",
     ["关于印发《区建设局规划处", "2011年民主评议工作实施方案》和", "《服务承诺书》的通知及其附件说明"]),
    ("国务院关于印发《2024—2025年节能降碳行动方案》的通知",
     ["国务院关于印发", "《2024—2025年节能降碳行动方案》的通知"]),
])
def test_long_titles_break_between_words_never_inside_numbers_or_brackets(title, lines):
    assert title_lines(title) == lines
    assert "".join(lines) == title


def test_imprint_without_copy_to_keeps_both_rules(tmp_path):
    text = (EXAMPLES / "summary.yaml").read_text(encoding="utf-8")
    text = text[: text.index("copy_to:")]
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    doc = Document(render_form(load_form(tmp_path / "s.yaml"), tmp_path / "s.docx"))
    imprint = doc.tables[-1]
    assert [row.cells[0].text for row in imprint.rows] == ["区建设局规划处\t2011年12月2日印发"]
    assert not any(p.text.startswith("抄送") for p in doc.paragraphs)
    borders = imprint._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders.find(qn("w:top")).get(qn("w:sz")) == borders.find(qn("w:bottom")).get(
        qn("w:sz")) == "8"  # 0.35 mm


def test_a_template_says_its_form_type_in_its_category_property(tmp_path, docgen):
    """myplan.docx or 工作方案模板.docx need no --type: the category property (docgen:TYPE)
    or the Chinese name says which form it is for."""
    tpl = make_template(tmp_path / "我的模板.docx", "{{ title }}", "{{ date_cn }}")
    code, out, err = docgen("template", "check", tpl)
    assert code == 10 and "--type" in err  # nothing says what it is for
    doc = Document(tpl)
    doc.core_properties.category = "docgen:承诺书"
    doc.save(tpl)
    code, out, err = docgen("template", "check", tpl)
    assert code == 0 and "ok (commitment)" in out, err
    named = make_template(tmp_path / "工作方案模板.docx", "{{ title }}")
    code, out, err = docgen("template", "check", named)
    assert code == 0 and "ok (plan)" in out, err
    code, out, err = docgen("generate", EXAMPLES / "plan.yaml", "-o", tmp_path / "o",
                            "--template", tpl)
    assert code == 10 and "is a commitment template" in err


def test_template_vars_lists_every_name_a_template_may_use(docgen):
    code, out, err = docgen("template", "vars", "承诺书")
    assert code == 0, err
    names = {line.split()[0] for line in out.splitlines()}
    assert {"title", "title_lines", "date_cn", "cn", "items", "items[].deadline_cn",
            "print_date_cn", "heads", "issuer"} <= names
