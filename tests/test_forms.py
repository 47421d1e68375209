"""Form files in, validated models out; every bad input named by file, line and field."""

from __future__ import annotations

import json
import datetime as dt
from pathlib import Path

import pytest

from docgen.errors import ExitCode, FormError
from docgen.forms import load_form
from tests.conftest import EXAMPLES, tree


def test_examples_are_valid_and_typed():
    plan = load_form(EXAMPLES / "plan.yaml")
    assert plan.type == "plan" and plan.kind == "工作方案"
    assert plan.date == dt.date(2011, 4, 15) and plan.year == 2011
    assert plan.key_problems and plan.measures
    commitment = load_form(EXAMPLES / "commitment.yaml")
    assert commitment.date == dt.date(2011, 5, 10)  # written 2011年5月10日
    assert all(i.deadline.year == 2011 for i in commitment.items)
    summary = load_form(EXAMPLES / "summary.yaml")
    assert len(summary.fulfilments) == len(commitment.items)


def test_json_and_toml_forms(tmp_path):
    import tomllib  # noqa: F401  (3.11+)

    plan = load_form(EXAMPLES / "plan.yaml")
    data = plan.model_dump(mode="json", exclude_none=True)
    (tmp_path / "plan.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_form(tmp_path / "plan.json") == plan
    toml = ['type = "plan"', f'unit = "{plan.unit}"', f'issuer = "{plan.issuer}"',
            f'addressee = "{plan.addressee}"', f'doc_number = "{plan.doc_number}"',
            'date = "2011年4月15日"', f'basis = "{plan.basis}"',
            f'guiding_ideology = "{plan.guiding_ideology}"',
            'key_problems = ["审批时限长"]', 'measures = ["推行限时办结制度"]']
    (tmp_path / "plan.toml").write_text("\n".join(toml), encoding="utf-8")
    assert load_form(tmp_path / "plan.toml").date == dt.date(2011, 4, 15)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(FormError) as e:
        load_form(path)
    return [str(p) for p in e.value.details] or [e.value.message]


def write(tmp_path, text, name="form.yaml", encoding="utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return p


def example_text(kind="commitment") -> str:
    return (EXAMPLES / f"{kind}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("text, expected", [
    ("type: plan\nunit: [a\n", "not valid YAML"),
    ("type: plan\n  bad: indent\n", "not valid YAML"),
    ("- a\n- b\n", "not a set of fields"),
    ("type: report\nunit: 区建设局\n", "type: 'report' is not a form type"),
    ("unit: 区建设局\n", "type: is missing"),
])
def test_malformed_and_unknown_type(tmp_path, text, expected):
    found = problems_of(write(tmp_path, text))
    assert any(expected in p for p in found), found


def test_malformed_json_and_toml_report_line(tmp_path):
    found = problems_of(write(tmp_path, '{\n  "type": "plan",\n  "unit": \n}', "f.json"))
    assert found[0].startswith(f"{tmp_path / 'f.json'}:4: not valid JSON"), found
    found = problems_of(write(tmp_path, 'type = "plan"\nunit = \n', "f.toml"))
    assert "not valid TOML" in found[0] and ":2:" in found[0], found


def test_every_problem_collected_with_line_and_field(tmp_path):
    text = example_text().replace("doc_number: 建规〔2011〕5号", "doc_number: 建规2011第5号")
    text = text.replace("date: 2011年5月10日", "date: 2011年2月30日\ncolour: red")
    text = text.replace("    target: 公开审批事项36项，公开率100%\n", "")
    text = text.replace("    deadline: 2011-12-31\n", "")
    text = text.replace("target: 清理收费项目12项，取消不合规收费项目全部到位", "target: 尽快清理")
    path = write(tmp_path, text)
    found = problems_of(path)
    joined = "\n".join(found)
    lines = text.splitlines()
    line_of = lambda s: next(n for n, text in enumerate(lines, 1) if s in text)  # noqa: E731
    assert f"{path}:{line_of('doc_number')}: doc_number: '建规2011第5号' is not a 发文字号" in joined
    assert f"{path}:{line_of('date: 2011年2月30日')}: date: '2011年2月30日' is not a real date" in joined
    assert f"{path}:{line_of('colour')}: colour: is not a field of this form" in joined
    assert "items.1.target: is required but missing" in joined
    assert "items.2.deadline: is required but missing" in joined
    assert f"{path}:{line_of('尽快清理')}: items.3.target: '尽快清理' states no number" in joined
    assert all(" — " in p for p in found), "every problem says how to fix it"
    assert len(found) == 6


@pytest.mark.parametrize("value", ["2011-13-01", "2011年2月29日", "next tuesday", "20110231"])
def test_impossible_dates(tmp_path, value):
    text = example_text("plan").replace("date: 2011-04-15", f"date: '{value}'")
    found = problems_of(write(tmp_path, text))
    assert any("date:" in p and value in p for p in found), found


def test_commitment_rules_deadline_in_campaign_year(tmp_path):
    text = example_text().replace("deadline: 2011-06-30", "deadline: 2012-01-15")
    text = text.replace("deadline: 2011-07-31", "deadline: 2011-03-01")
    found = problems_of(write(tmp_path, text))
    assert any("items.0.deadline: 2012-01-15 is outside the campaign year 2011" in p
               for p in found), found
    assert any("items.1.deadline: 2011-03-01 is before" in p for p in found), found


def test_commitment_without_items_and_plan_without_problems(tmp_path):
    text = example_text("plan")
    start = text.index("key_problems:")
    end = text.index("# 主要做法")
    found = problems_of(write(tmp_path, text[:start] + "key_problems: []\n" + text[end:]))
    assert any("key_problems: is empty — the plan must state at least one 拟解决的重点问题" in p
               for p in found), found


def test_wrong_types(tmp_path):
    text = example_text("plan").replace("measures:\n", "measures: 推行限时办结\nx_measures:\n", 1)
    text = text.replace("retention: 定期30年", "retention: 长期")
    found = problems_of(write(tmp_path, text))
    assert any("measures: input should be a valid list" in p for p in found), found
    assert any("retention: input should be '永久', '定期30年' or '定期10年'" in p for p in found)


def test_doc_number_year_must_match_date(tmp_path):
    text = example_text("plan").replace("建规〔2011〕3号", "建规〔2010〕3号")
    found = problems_of(write(tmp_path, text))
    assert any("doc_number: the year in '建规〔2010〕3号' is not the year of date (2011)" in p
               for p in found), found


def test_non_utf8_empty_huge_missing(tmp_path):
    gbk = write(tmp_path, example_text("plan"), "gbk.yaml", encoding="gbk")
    found = problems_of(gbk)
    assert "is not UTF-8 text" in found[0] and "UTF-8" in found[0].split(" — ")[1]
    assert found[0].startswith(f"{gbk}:1:")  # the header comment is Chinese
    assert "the file is empty" in problems_of(write(tmp_path, "\n  \n", "empty.yaml"))[0]
    big = tmp_path / "big.yaml"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024)
    assert "is 52.4 MB; a form is at most 5 MB" in problems_of(big)[0]
    assert "no such file" in problems_of(tmp_path / "nope.yaml")[0]


def test_cli_form_check_bad_input_exit_code_no_traceback(tmp_path, docgen):
    bad = write(tmp_path, "type: plan\nunit: 区建设局\n")
    before = tree(tmp_path)
    code, out, err = docgen("form", "check", bad)
    assert code == ExitCode.bad_form == 3
    assert "Traceback" not in err and "problem(s)" in err
    assert f"{bad}: addressee: is required but missing" in err
    assert tree(tmp_path) == before


def test_cli_form_new_is_valid_and_commented(tmp_path, docgen):
    for kind in ("plan", "commitment", "summary"):
        code, out, err = docgen("form", "new", kind)
        assert code == 0, err
        assert out.count("# ") > 10  # every field explained
        assert f"type: {kind}" in out  # the rest are placeholders: test_starters.py


def test_cli_form_schema(docgen):
    code, out, err = docgen("form", "schema", "commitment")
    schema = json.loads(out)
    assert "items" in schema["required"] and "target" in json.dumps(schema)


def test_folded_yaml_lines_join_without_spaces_in_chinese(tmp_path):
    text = example_text("plan").replace(
        "guiding_ideology: >-\n", "guiding_ideology: >-\n  以 GDP 增长为\n  目标，\n", 1)
    form = load_form(write(tmp_path, text))
    assert form.guiding_ideology.startswith("以 GDP 增长为目标，以“为人民服务")
    assert " " not in form.basis
