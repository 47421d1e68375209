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


def test_sorting_is_archive_order_and_next_item_counts_per_group():
    ns = [numbering.parse(s) for s in (
        "Z109-WS·2011-D30-GHC-0002", "Z109-WS·2011-D30-GHC-0001", "Z109-WS·2011-Y-GHC-0001",
        "Z109-WS·2011-D30-BGS-0001")]
    assert [str(n) for n in sorted(ns)][:2] == ["Z109-WS·2011-D30-BGS-0001",
                                                "Z109-WS·2011-D30-GHC-0001"]
    assert numbering.next_item(ns, (2011, "D30", "GHC")) == 3
    assert numbering.next_item(ns, (2011, "D10", "GHC")) == 1
