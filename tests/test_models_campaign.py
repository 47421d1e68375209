"""The five campaign types (征求意见汇总, 听证会纪要, 践诺情况报告, 测评结果, 评议结果): examples,
computed values, their rules, starters and schemas; the vocabulary and date spellings."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from docgen.dates import parse_date
from docgen.errors import ExitCode, FormError
from docgen.forms import load_form
from docgen.rules_campaign import CheckContext
from docgen.vocab import FORM_TYPES, STEPS, canonical_kind
from tests.conftest import EXAMPLES

NEW_TYPES = ("opinions", "hearing", "fulfillment", "assessment", "results")


def text_of(kind: str) -> str:
    return (EXAMPLES / f"{kind}.yaml").read_text(encoding="utf-8")


def write(tmp_path, text: str, name: str = "form.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path, context=None) -> list[str]:
    with pytest.raises(FormError) as e:
        load_form(path, context)
    return [str(p) for p in e.value.details]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_every_calendar_step_has_a_form_type_with_example_and_template():
    from docgen import resources

    assert [s.type for s in STEPS] == ["plan", "opinions", "commitment", "hearing",
                                       "fulfillment", "assessment", "summary", "results"]
    for step in STEPS:
        assert FORM_TYPES[step.type] == step.kind
        assert load_form(resources.example(step.type)).type == step.type
        assert resources.template(step.type).is_file()
        assert step.command == f"docgen form new {step.type}"


def test_examples_are_consistent_with_the_commitments():
    commitment = load_form(EXAMPLES / "commitment.yaml")
    promised = [(i.content, i.target) for i in commitment.items]
    fulfillment = load_form(EXAMPLES / "fulfillment.yaml")
    assert [(i.commitment, i.target) for i in fulfillment.items] == promised
    summary = load_form(EXAMPLES / "summary.yaml")
    assert [f.commitment for f in summary.fulfilments] == [c for c, _ in promised]
    results = load_form(EXAMPLES / "results.yaml")
    assert results.year == 2011 and results.date == dt.date(2012, 3, 15)
    assert results.display_title == "区建设局关于2011年度民主评议结果的通报"


def test_opinions_totals_are_computed():
    form = load_form(EXAMPLES / "opinions.yaml")
    assert form.totals_by_source == {"问卷": 4, "座谈": 3, "走访": 3, "阳光服务": 2}
    assert sum(form.totals_by_category.values()) == len(form.opinions) == 12
    assert list(form.totals_by_category)[0] in ("行政审批", "政务公开")  # most first


def test_assessment_rates_are_computed():
    form = load_form(EXAMPLES / "assessment.yaml")
    first = form.tallies[0]
    assert (first.total, first.computed_rate) == (186, 95.7)  # (142 + 36) / 186
    assert form.overall_rate == round(sum(t.satisfied + t.basic for t in form.tallies) * 100
                                      / (186 * len(form.tallies)), 1)
    assert form.visit_rate == 100.0


@pytest.mark.parametrize("typed, ok", [("95.7%", True), (0.957, True), ("95.7", True),
                                       ("90%", False), (0.9, False)])
def test_typed_rate_must_agree_with_the_counts(tmp_path, typed, ok):
    text = text_of("assessment").replace("    dissatisfied: 8\n",
                                         f"    dissatisfied: 8\n    rate: {typed}\n", 1)
    path = write(tmp_path, text)
    if ok:
        assert load_form(path).tallies[0].rate == pytest.approx(95.7)
    else:
        found = problems_of(path)
        assert len(found) == 1
        assert f"{path}:{line_of(text, 'rate:')}: tallies.0.rate: " in found[0]
        assert "disagrees with the counts (142+36)/186 = 95.7%" in found[0]


def test_counts_that_do_not_add_up_and_computed_fields_typed(tmp_path):
    text = text_of("assessment").replace("    basic: 30\n", "    basic: 31\n")
    found = problems_of(write(tmp_path, text))
    assert any("tallies.1: 政务公开: 150+31+6 = 187, not the 186 questionnaires returned" in p
               for p in found)
    text = text.replace("  returned: 186\n", "  returned: 186\ntotal: 1116\n")
    found = problems_of(write(tmp_path, text))  # a field that is not one stops at the model
    assert any("total: is computed by docgen, never typed — remove it" in p for p in found)
    text = text_of("opinions").replace("priorities:", "totals:\n  问卷: 5\npriorities:")
    assert any("totals: is computed by docgen" in p for p in problems_of(write(tmp_path, text)))


def test_opinions_rules_every_problem_at_once(tmp_path):
    text = text_of("opinions").replace("  - source: 阳光服务\n    content: 审批进度",
                                       "  - source: 电话\n    content: 审批进度")
    text = text.replace("    category: 来信来访\n  - problem", "    category: 环境卫生\n  - problem")
    text = text.replace("    deadline: 2011-05-31", "    deadline: 2012-05-31")
    path = write(tmp_path, text)
    found = problems_of(path)
    assert len(found) == 3
    assert any(f":{line_of(text, 'source: 电话')}: opinions.4.source: '电话' is not one of" in p
               for p in found)
    assert any("key_problems.2.category: no opinion is filed under '环境卫生'" in p for p in found)
    assert any("opinions.1.deadline: 2012-05-31 is outside the campaign year 2011" in p
               for p in found)
    assert all(" — " in p for p in found)


def test_hearing_inside_the_calendar_window(tmp_path):
    text = text_of("hearing").replace("held_on: 2011-06-16", "held_on: 2011-07-05")
    text = text.replace("date: 2011-06-20", "date: 2011-07-08")
    path = write(tmp_path, text)
    found = problems_of(path)
    assert found == [f"{path}:{line_of(text, 'held_on: 2011')}: held_on: 2011-07-05 is outside the "
                     "hearing window 2011-05-01..2011-06-30 — hold the hearing in the window, "
                     "or change the calendar: docgen init --update --deadline "
                     "2011:hearing=START..DUE"]
    later = CheckContext(calendar=lambda year: {"hearing": (dt.date(year, 6, 1),
                                                            dt.date(year, 7, 31))})
    assert load_form(path, later).held_on == dt.date(2011, 7, 5)


def test_hearing_needs_the_public_and_supervisors(tmp_path):
    text = text_of("hearing").replace("role: 监督员", "role: 特邀代表")
    found = problems_of(write(tmp_path, text))
    assert any("participants: no 监督员 among the participants" in p for p in found)


def test_results_in_the_first_quarter_and_grades_follow_scores(tmp_path):
    text = text_of("results").replace("date: 2012-03-15", "date: 2012-04-02")
    text = text.replace("    score: 86.0\n    grade: 良好", "    score: 91.0\n    grade: 良好")
    text = text.replace("  - unit: 区建设局市政处\n    requirement", "  - unit: 区建设局城管处\n"
                        "    requirement")
    found = problems_of(write(tmp_path, text))
    assert any("date: 2012-04-02 is not in the first quarter" in p for p in found)
    assert any("units.2.grade: 区建设局建管处 scored 91 but is rated 良好, below 区建设局办公室"
               in p for p in found)
    assert any("units.3: 区建设局市政处 is rated 一般 but has no 整改要求" in p for p in found)
    assert any("rectifications.0.unit: '区建设局城管处' is not among the units" in p
               for p in found)


def test_fulfillment_needs_figures_and_remedies(tmp_path):
    text = text_of("fulfillment").replace("achieved: 清理收费项目12项，已取消9项",
                                          "achieved: 已基本取消")
    found = problems_of(write(tmp_path, text))
    assert any("items.3.achieved: '已基本取消' states no number" in p for p in found)
    text = text_of("fulfillment").replace("    remedy: 其余3项已报区物价部门审核，审核后即行取消。\n", "")
    found = problems_of(write(tmp_path, text))
    assert any("items.3.remedy: is missing for a commitment 部分完成" in p for p in found)


def test_summary_without_archive_is_a_warning(tmp_path):
    context = CheckContext()
    assert load_form(EXAMPLES / "summary.yaml", context).type == "summary"
    assert [p.field for p in context.notices] == ["fulfilments"]
    assert "not checked against the filed 承诺书" in str(context.notices[0])


@pytest.mark.parametrize("kind", NEW_TYPES)
def test_starters_schemas_and_chinese_names(tmp_path, docgen, kind):
    for name in (kind, FORM_TYPES[kind]):
        code, out, err = docgen("form", "new", name)
        assert code == 0, err
        assert out.count("# ") > 6 and f"type: {kind}" in out
        with pytest.raises(FormError, match="placeholder"):  # every value still to write
            load_form(write(tmp_path, out, f"{kind}.yaml"))
    code, out, err = docgen("form", "schema", FORM_TYPES[kind])
    schema = json.loads(out)
    assert schema["properties"]["type"]["const"] == kind
    assert "additionalProperties" in json.dumps(schema)


def test_doc_number_brackets_corrected_with_a_notice(tmp_path, docgen):
    text = text_of("hearing").replace("doc_number: 建规〔2011〕9号", "doc_number: 建规[2011]9号")
    path = write(tmp_path, text)
    assert load_form(path).doc_number == "建规〔2011〕9号"
    code, out, err = docgen("form", "check", path)
    assert code == 0, err
    assert (f"{path}:{line_of(text, 'doc_number')}: doc_number: '建规[2011]9号' read as "
            "'建规〔2011〕9号'") in err


@pytest.mark.parametrize("text, day", [
    ("2026/5/12", dt.date(2026, 5, 12)), ("2026.5.12", dt.date(2026, 5, 12)),
    ("二〇二六年五月十二日", dt.date(2026, 5, 12)), ("二〇一一年十二月三十一日", dt.date(2011, 12, 31)),
    ("二〇一一年十月十日", dt.date(2011, 10, 10)), ("2026年6月30日", dt.date(2026, 6, 30))])
def test_date_spellings(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["2026/5.12", "二〇一一年二月三十日", "2026/13/1"])
def test_bad_date_spellings(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_dates_in_yaml_forms(tmp_path):
    text = text_of("hearing").replace("date: 2011-06-20", "date: 二〇一一年六月二十日")
    text = text.replace("held_on: 2011-06-16", "held_on: 2011/6/16")
    text = text.replace("deadline: 2011-08-31", "deadline: 2011.8.31")
    form = load_form(write(tmp_path, text))
    assert (form.date, form.held_on, form.follow_ups[0].deadline) == (
        dt.date(2011, 6, 20), dt.date(2011, 6, 16), dt.date(2011, 8, 31))


@pytest.mark.parametrize("written, kind", [
    ("意见征求汇总", "征求意见汇总"), ("听证纪要", "听证会纪要"), ("《听证会纪要》", "听证会纪要"),
    ("践诺报告", "践诺情况报告"), ("测评结果", "测评结果"), ("results", "评议结果"),
    ("评议结果通报", "评议结果"), ("听证会通知", "听证会通知"), ("工作总结", "年度工作总结"),
    ("会议纪要", None), ("", None)])
def test_canonical_kind(written, kind):
    assert canonical_kind(written) == kind


def test_canonical_kind_extra():
    assert canonical_kind("情况通报", extra=("情况通报",)) == "情况通报"
    assert canonical_kind("情况通报") is None


def test_bad_type_lists_all_eight(tmp_path, docgen):
    code, out, err = docgen("form", "check", write(tmp_path, "type: 会议纪要\n"))
    assert code == ExitCode.bad_form
    assert all(name in err for name in FORM_TYPES.values())
