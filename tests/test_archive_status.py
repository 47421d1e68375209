"""The campaign calendar as a check: on time, late, missing, due in N days."""

import datetime as dt

import pytest

from docgen.errors import BadInput
from test_archive_support import file_other, file_plan


def rows_by_step(arc, today, unit="GHC", year=2011):
    got_year, rows = arc.status(year, unit=unit, today=today)
    assert got_year == year
    return {r.step: r for r in rows}


def test_states_follow_the_calendar_and_filing_time(arc, sources, clock):
    plan = file_plan(arc, sources)  # filed 2011-04-18, due 04-20
    clock.set(2011, 7, 3)
    hearing = file_other(arc, sources)  # 听证会纪要 filed 07-03, due 06-30
    rows = rows_by_step(arc, dt.date(2011, 7, 10))
    assert rows["plan"].state == "filed on time"
    assert rows["plan"].filing_numbers == (plan.filing_number,)
    assert rows["hearing"].label == "filed late (3 days)"
    assert rows["hearing"].filing_numbers == (hearing.filing_number,)
    assert rows["opinions"].label == "missing (81 days overdue)"
    assert rows["commitment"].state == "missing"
    assert rows["fulfilment"].label == "due in 113 days"
    assert rows["results"].due == dt.date(2012, 3, 31)
    assert [r.step for r in arc.status(2011, unit="GHC", today=dt.date(2011, 7, 10))[1]] == [
        "plan", "opinions", "commitment", "hearing", "fulfilment", "assessment", "summary",
        "results"]


def test_changed_deadline_changes_the_verdict(arc, sources, clock):
    clock.set(2011, 4, 25)
    file_plan(arc, sources)
    assert rows_by_step(arc, dt.date(2011, 5, 1))["plan"].label == "filed late (5 days)"
    arc.update_settings(deadlines={(2011, "plan"): {"due": "2011-04-30"}})
    assert rows_by_step(arc, dt.date(2011, 5, 1))["plan"].state == "filed on time"
    assert rows_by_step(arc, dt.date(2011, 5, 1), year=2012)["plan"].due == dt.date(2012, 4, 20)


def test_withdrawn_does_not_count_and_superseded_keeps_its_time(arc, sources, clock):
    rec = file_plan(arc, sources)
    clock.set(2011, 5, 10)
    new = file_plan(arc, sources, supersedes=rec.filing_number)
    row = rows_by_step(arc, dt.date(2011, 5, 11))["plan"]
    assert row.state == "filed on time" and row.filing_numbers == (new.filing_number,)
    arc.withdraw(new.filing_number, reason="误报")
    row = rows_by_step(arc, dt.date(2011, 5, 11))["plan"]
    assert row.state == "filed on time" and row.filing_numbers == ()  # the old one was on time
    other = file_other(arc, sources, kind="征求意见汇总")
    arc.withdraw(other.filing_number, reason="误报")
    assert rows_by_step(arc, dt.date(2011, 5, 11))["opinions"].state == "missing"


def test_results_of_next_year_count_for_the_campaign(arc, sources, clock):
    clock.set(2012, 3, 20)
    file_other(arc, sources, kind="评议结果", date="2012-03-15", campaign_year=2011)
    row = rows_by_step(arc, dt.date(2012, 4, 1))["results"]
    assert row.state == "filed on time"


def test_units_are_listed_separately_and_filtered(arc, sources):
    file_plan(arc, sources)
    _, rows = arc.status(2011, today=dt.date(2011, 4, 19))
    assert {r.unit_code for r in rows} == {"GHC", "BGS"}
    by = {(r.unit_code, r.step): r.state for r in rows}
    assert by[("GHC", "plan")] == "filed on time" and by[("BGS", "plan")] == "due"
    assert {r.unit_code for r in arc.status(2011, unit="区建设局办公室",
                                            today=dt.date(2011, 4, 19))[1]} == {"BGS"}
    with pytest.raises(BadInput, match="not in the archive's settings"):
        arc.status(2011, unit="XYZ")


def test_submitted_date_counts_for_paper_handed_in_before_filing(arc, sources, clock):
    clock.set(2011, 9, 1)  # entered into the archive long after it was handed in
    rec = file_plan(arc, sources, submitted="2011-04-19")
    assert rec.metadata["报送日期"] == "20110419"
    assert rows_by_step(arc, dt.date(2011, 9, 2))["plan"].state == "filed on time"
    late = file_other(arc, sources, kind="征求意见汇总", date="2011-04-10")
    assert rows_by_step(arc, dt.date(2011, 9, 2))["opinions"].label.startswith("filed late")
    assert late.metadata["报送日期"] is None
    assert arc.verify().ok


@pytest.mark.parametrize("value,match", [("2011-04-01", "before the document's date"),
                                         ("2030-01-01", "in the future"),
                                         ("四月", "not a date")])
def test_bad_submitted_date(arc, sources, value, match):
    with pytest.raises(BadInput, match=match):
        file_plan(arc, sources, submitted=value)
    assert list(arc.records()) == []
