"""Reports checked against the filed 承诺书, the starter that lists its commitments, and the
calendar's kind vocabulary on import; status names the form type and command of each step."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from docgen.archive.commitments import check_context, filed_commitment
from docgen.errors import BadInput, FormError
from docgen.forms import load_form
from test_archive_support import file_other, tree

NOTHING_PROMISED = "清理规范中介服务收费"


def file_commitment(arc, sources, **kw):
    form = load_form(sources / "commitment.yaml")
    return arc.file_form(form, sources / "commitment.yaml", sources / "plan.docx",
                         sources / "plan.pdf", **kw)


def problems(path, context) -> list[str]:
    with pytest.raises(FormError) as e:
        load_form(path, context)
    return [str(p) for p in e.value.details]


def edited(sources, name: str, old: str, new: str):
    path = sources / f"edited-{name}"
    text = (sources / name).read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_reports_match_the_filed_commitments(arc, sources):
    rec = file_commitment(arc, sources)
    context = check_context(arc)
    assert load_form(sources / "fulfillment.yaml", context).type == "fulfillment"
    assert load_form(sources / "summary.yaml", context).type == "summary"
    assert context.notices == []
    found, promised = filed_commitment(arc, 2011, "GHC")
    assert found.filing_number == rec.filing_number and len(promised.items) == 4


def test_missing_and_invented_commitments_are_errors(arc, sources):
    rec = file_commitment(arc, sources)
    context = check_context(arc)
    summary = edited(sources, "summary.yaml", "  - commitment: 群众来信来访和投诉举报限时答复",
                     f"  - commitment: {NOTHING_PROMISED}")
    found = problems(summary, context)
    assert len(found) == 2
    assert any(f"fulfilments.2.commitment: '{NOTHING_PROMISED}' was never promised in the "
               f"filed 承诺书 {rec.filing_number} (建规〔2011〕5号)" in p for p in found)
    assert any("fulfilments: the commitment '群众来信来访和投诉举报限时答复' of the filed 承诺书 "
               f"{rec.filing_number}" in p and "is not reported" in p for p in found)
    report = edited(sources, "fulfillment.yaml", "    target: 公开审批事项36项，公开率100%",
                    "    target: 公开审批事项30项")
    found = problems(report, context)
    assert found and "items.1.target: '公开审批事项30项' is not the target promised" in found[0]
    # without an archive the summary passes with a warning; the fulfilment report passes
    plain = check_context(None)
    load_form(summary, plain)
    assert "not checked against the filed 承诺书" in str(plain.notices[0])


def test_no_filed_commitment(arc, sources):
    context = check_context(arc)
    found = problems(sources / "fulfillment.yaml", context)
    assert found and "no filed 承诺书 of 区建设局规划处 for 2011" in found[0]
    assert load_form(sources / "summary.yaml", context).type == "summary"  # a warning only
    assert "no filed 承诺书" in str(context.notices[0])
    withdrawn = file_commitment(arc, sources)
    arc.withdraw(withdrawn.filing_number, reason="误报")
    assert problems(sources / "fulfillment.yaml", check_context(arc))


def test_named_by_filing_number(arc, sources):
    rec = file_commitment(arc, sources)
    plan = file_other(arc, sources)
    ok = edited(sources, "fulfillment.yaml", "overview:",
                f"commitment_ref: {rec.filing_number}\noverview:")
    assert load_form(ok, check_context(arc)).commitment_ref == rec.filing_number
    wrong = edited(sources, "fulfillment.yaml", "overview:",
                   f"commitment_ref: {plan.filing_number}\noverview:")
    found = problems(wrong, check_context(arc))
    assert f"commitment_ref: {plan.filing_number} is a 听证会纪要 (filed), not a filed 承诺书" in \
        found[0]


def test_form_new_prefills_from_the_archive(arc, sources, docgen, tmp_path):
    rec = file_commitment(arc, sources)
    code, out, err = docgen("form", "new", "fulfillment", "--archive", arc.root, "--year",
                            "2011", "--unit", "GHC")
    assert code == 0, err
    assert f"commitment_ref: {rec.filing_number}" in out
    path = tmp_path / "践诺.yaml"
    path.write_text(out, encoding="utf-8")
    found = problems(path, check_context(arc))
    # the commitments are the filed ones, word for word: only placeholders are left to write
    assert found and all("still the placeholder" in p for p in found)
    assert not any(".commitment:" in p or ".target:" in p for p in found)
    from docgen.forms import load_form as load_commitment

    filed = load_commitment(rec.files["form"])
    for item in filed.items:
        assert f"commitment: {item.content}" in out
    code, out, err = docgen("form", "new", "年度工作总结", "--archive", arc.root, "--year", "2011",
                            "--unit", "区建设局规划处")
    assert code == 0 and out.count("××××（具体成效和数字）") == 4


def test_form_new_with_no_filed_commitment(arc, docgen):
    code, out, err = docgen("form", "new", "fulfillment", "--archive", arc.root, "--year",
                            "2012", "--unit", "GHC")
    assert code == 10 and "no filed 承诺书 of GHC for 2012" in err and out == ""
    code, _, err = docgen("form", "new", "fulfillment", "--year", "2011")
    assert code == 10 and "--archive" in err


@pytest.mark.parametrize("written, kind, step", [
    ("意见征求汇总", "征求意见汇总", "opinions"), ("听证纪要", "听证会纪要", "hearing"),
    ("践诺报告", "践诺情况报告", "fulfilment"), ("评议结果通报", "评议结果", "results")])
def test_import_kinds_are_mapped_to_the_calendar(arc, sources, written, kind, step):
    rec = file_other(arc, sources, kind=written)
    assert rec.kind == kind
    rows = {r.step: r for r in arc.status(2011, unit="GHC", today=dt.date(2011, 4, 1))[1]}
    assert rows[step].filing_numbers == (rec.filing_number,)


def test_unknown_import_kind_is_refused_listing_the_kinds(arc, sources):
    before = tree(arc.root)
    with pytest.raises(BadInput) as e:
        file_other(arc, sources, kind="会议纪要")
    assert "kind '会议纪要' is not a 文种 the calendar knows" in e.value.message
    assert "征求意见汇总、承诺书" in e.value.message and "--allow-kind" in e.value.message
    assert tree(arc.root) == before
    arc.update_settings(extra_kinds=["会议纪要"])
    assert file_other(arc, sources, kind="会议纪要").kind == "会议纪要"


def test_import_kind_from_the_command_line(tmp_path, sources, docgen):
    root = tmp_path / "a"
    code, _, err = docgen("init", root, "--fonds-code", "Z109", "--fonds-name", "区建设局",
                          "--unit", "区建设局规划处=GHC")
    assert code == 0, err
    args = ["file", "--archive", root, "--import", sources / "plan.pdf", "--type", "other",
            "--title", "纪要", "--date", "2011-06-10"]
    code, _, err = docgen(*args, "--kind", "座谈纪要")
    assert code == 10 and "is not a 文种 the calendar knows" in err
    code, _, err = docgen("init", "--archive", root, "--update", "--allow-kind", "座谈纪要")
    assert code == 0, err
    code, out, err = docgen(*args, "--kind", "座谈纪要")
    assert code == 0, err


def test_status_names_form_type_and_command(arc, sources, docgen):
    rec = file_commitment(arc, sources)
    code, out, err = docgen("status", "--archive", arc.root, "--year", "2011", "--unit", "GHC",
                            "--today", "2011-06-01", "--json")
    rows = {r["step"]: r for r in json.loads(out)["rows"]}
    assert rows["commitment"]["form_type"] == "commitment"
    assert rows["commitment"]["filing_numbers"] == [rec.filing_number]
    assert rows["commitment"]["state"] == "filed on time"
    assert (rows["hearing"]["form_type"], rows["hearing"]["deadline"], rows["hearing"]["state"],
            rows["hearing"]["kind"]) == ("hearing", "2011-06-30", "due", "听证会纪要")
    code, out, err = docgen("status", "--archive", arc.root, "--year", "2011", "--unit", "GHC",
                            "--today", "2011-06-01", "--tsv")
    assert "\t听证会纪要\t2011-06-30\tdue in 29 days\t-\tdocgen form new hearing" in out
