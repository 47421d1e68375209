"""档号: format, parse, validate, next 件号."""

import pytest

from docgen.archive import numbering


def test_format_and_parse_round_trip():
    n = numbering.make("Z109", 2011, "定期30年", "GHC", 1)
    assert str(n) == "Z109-WS·2011-D30-GHC-0001"
    assert numbering.parse(str(n)) == n
    assert n.retention == "定期30年" and n.group == (2011, "D30", "GHC")


@pytest.mark.parametrize("bad", [
    "Z109-WS·2011-D30-GHC-1", "Z109-WS-2011-D30-GHC-0001", "Z109-WS·11-D30-GHC-0001",
    "Z109-WS·2011-D20-GHC-0001", "z109-WS·2011-D30-GHC-0001", "Z109-WS·2011-D30-GHC-0000",
    "Z109-WS·2011-D30-规划处-0001", "", "Z109-WS·2011-D30-GHC-0001-0002"])
def test_bad_numbers_are_refused_with_an_example(bad):
    with pytest.raises(ValueError, match="Z109-WS·2011-D30-GHC-0001"):
        numbering.parse(bad)
    assert not numbering.is_valid(bad)


@pytest.mark.parametrize("args,what", [
    (("Z109", 2011, "定期5年", "GHC", 1), "保管期限"),
    (("z1", 2011, "永久", "GHC", 1), "全宗号"),
    (("Z109", 2011, "永久", "", 1), "机构代码"),
    (("Z109", 2011, "永久", "GHC", 10000), "件号"),
])
def test_make_checks_every_part(args, what):
    with pytest.raises(ValueError, match=what):
        numbering.make(*args)


def test_sorting_is_archive_order():
    ns = [numbering.parse(s) for s in (
        "Z109-WS·2011-D30-GHC-0002", "Z109-WS·2011-D30-GHC-0001", "Z109-WS·2011-Y-GHC-0001",
        "Z109-WS·2011-D30-BGS-0001")]
    assert [str(n) for n in sorted(ns)][:2] == ["Z109-WS·2011-D30-BGS-0001",
                                                "Z109-WS·2011-D30-GHC-0001"]


def test_the_next_number_counts_per_group_from_the_audit_log(tmp_path):
    """The ledger (what the log issued), not the folders, gives the next 件号 of a group."""
    import json

    from docgen.archive.ledger import Ledger

    log = tmp_path / "audit.jsonl"
    entries = [{"seq": i, "hash": f"h{i}", "prev": f"h{i - 1}", "action": "file",
                "filing_number": fn} for i, fn in enumerate((
                    "Z109-WS·2011-D30-GHC-0001", "Z109-WS·2011-D30-GHC-0002",
                    "Z109-WS·2011-Y-GHC-0001"), 1)]
    log.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    ledger = Ledger(log).catch_up()
    assert ledger.next_item("Z109-WS·2011-D30-GHC-") == 3
    assert ledger.next_item("Z109-WS·2011-D10-GHC-") == 1
    with open(log, "a", encoding="utf-8") as f:  # appended later: read incrementally
        f.write(json.dumps({"seq": 4, "hash": "h4", "prev": "h3", "action": "file",
                            "filing_number": "Z109-WS·2011-D30-GHC-0003"}) + "\n")
    assert ledger.catch_up().next_item("Z109-WS·2011-D30-GHC-") == 4
    log.write_text(json.dumps(entries[0]) + "\n", encoding="utf-8")  # rewritten: read again
    assert ledger.catch_up().next_item("Z109-WS·2011-D30-GHC-") == 2
