"""The five campaign documents rendered: computed values in place, tables, the 满意率 chart
drawn in a Chinese font (no tofu), and templates that pass `template check`."""

from __future__ import annotations

import warnings
import zipfile

import pytest
from docx import Document

from docgen.forms import load_form
from docgen.render import check_template, context, default_template, render_form
from tests.conftest import EXAMPLES

NEW_TYPES = ("opinions", "hearing", "fulfillment", "assessment", "results")


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    d = tmp_path_factory.mktemp("campaign")
    return {k: Document(render_form(load_form(EXAMPLES / f"{k}.yaml"), d / f"{k}.docx"))
            for k in NEW_TYPES} | {"dir": d}


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def cells(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


@pytest.mark.parametrize("kind", NEW_TYPES)
def test_templates_pass_template_check(kind):
    report = check_template(default_template(kind), kind)
    assert report.ok, report.syntax_errors + report.unknown


@pytest.mark.parametrize("kind", NEW_TYPES)
def test_head_and_imprint_as_the_other_documents(docs, kind):
    t = texts(docs[kind])
    form = load_form(EXAMPLES / f"{kind}.yaml")
    assert t[0] == f"{form.issuer}文件" and form.doc_number in t
    assert f"{form.addressee}：" in t
    imprint = [row.cells[0].text for row in docs[kind].tables[-1].rows]  # 版记, a floating table
    assert imprint[-1].endswith("印发") and any(p.startswith("抄送：") for p in imprint)


def test_opinions_totals_and_table(docs):
    doc = docs["opinions"]
    assert "共收到意见建议12条。按来源分，问卷4条、座谈3条、走访3条、阳光服务2条；" in "".join(texts(doc))
    assert "1.问卷：186份，参与186人。发放问卷200份，回收有效问卷186份。" in texts(doc)
    opinions, by_source, by_category = doc.tables[:-1]  # the last is the 版记
    rows = cells(opinions)
    assert rows[0] == ["序号", "来源", "意见内容", "归类", "整改措施", "责任科室", "整改时限"]
    assert len(rows) == 13 and rows[1][6] == "2011年6月30日"
    assert cells(by_source)[1] == ["问卷", "4", "33.3%"]
    assert sum(int(r[1]) for r in cells(by_category)[1:]) == 12


def test_assessment_table_and_chart(docs):
    doc = docs["assessment"]
    tallies = cells(doc.tables[0])
    assert tallies[1] == ["行政审批效率", "142", "36", "8", "186", "95.7%"]
    assert "回收率93.0%" in "".join(texts(doc))
    with zipfile.ZipFile(docs["dir"] / "assessment.docx") as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(media) == 1 and media[0].endswith(".png")


def test_chart_labels_have_glyphs_no_tofu():
    from matplotlib.ft2font import FT2Font

    from docgen.chart import bar_chart, chinese_font

    form = load_form(EXAMPLES / "assessment.yaml")
    labels = [t.question for t in form.tallies]
    font = FT2Font(str(chinese_font()))
    missing = {ch for ch in "".join(labels) + "满意率（%）" if font.get_char_index(ord(ch)) == 0}
    assert not missing
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = bar_chart(labels, [t.computed_rate for t in form.tallies])
    assert not [w for w in caught if "missing from" in str(w.message)]
    assert png.startswith(b"\x89PNG") and png == bar_chart(labels,
                                                           [t.computed_rate for t in form.tallies])


def test_fulfillment_and_results(docs):
    t = "".join(texts(docs["fulfillment"]))
    assert "4项承诺中，已完成2项、部分完成2项、未完成0项。" in t
    assert "（四）取消法律、法规、规章没有规定的涉企收费项目（部分完成）" in texts(docs["fulfillment"])
    rows = cells(docs["results"].tables[0])
    assert [r[1] for r in rows[1:]] == ["区建设局规划处", "区建设局办公室", "区建设局建管处",
                                        "区建设局市政处"]  # by score
    assert "优秀2个、良好1个、一般1个、较差0个" in "".join(texts(docs["results"]))


def test_hearing_minutes(docs):
    t = texts(docs["hearing"])
    assert "时间：2011年6月16日上午9:00—11:30" in t
    assert any(p.startswith("参加人员：李建国（监督员，区人大代表）") for p in t)
    assert cells(docs["hearing"].tables[0])[1][3] == "2011年8月31日"


def test_context_has_calc():
    ctx = context(load_form(EXAMPLES / "assessment.yaml"))
    assert ctx["calc"]["overall_rate"] and ctx["heads"]["tallies"] == "一、测评情况"


@pytest.mark.slow
def test_assessment_pdf_has_its_chinese_text(docs, tmp_path):
    import subprocess

    from docgen.convert import convert

    done = convert([docs["dir"] / "assessment.docx"], tmp_path)
    pdf = done.converted[docs["dir"] / "assessment.docx"]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "满意度测评统计表" in text and "满意度测评各项目满意率" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "Fandol" in fonts
