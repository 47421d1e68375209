"""docgen.textcheck: which characters may enter, and how output escapes them."""

from __future__ import annotations

import pytest

from docgen.textcheck import check_text, printable, text_problem, visible


@pytest.mark.parametrize("text", ["区建设局规划处", "建规〔2011〕3号", "A&B <规划>", "𠀀 rare",
                                  "full\u3000width space", "emoji 👍"])
def test_ordinary_text_enters(text):
    assert text_problem(text) is None and check_text(text) == text


@pytest.mark.parametrize("ch", ["\x00", "\x07", "\x1b", "\x7f", "\x80", "\x9f", "\ud800",
                                "\udfff", "\ufdd0", "\ufdef", "\ufffe", "\U0001ffff",
                                "\U0010fffe"])
def test_refused_everywhere(ch):
    assert text_problem(f"a{ch}b") and text_problem(f"a{ch}b", multiline=True)
    with pytest.raises(ValueError, match=" — delete it"):
        check_text(f"a{ch}b", multiline=True)


def test_tab_and_newline_only_in_multi_line_fields():
    assert text_problem("a\tb\nc", multiline=True) is None
    assert "one-line field" in text_problem("a\tb")
    assert "CARRIAGE RETURN" in text_problem("a\rb", multiline=True)


def test_non_text_passes_to_the_type_check():
    assert check_text(42) == 42 and check_text(None) is None


def test_output_escapes():
    assert visible("a\tb\\c\x1b") == "a\\tb\\\\c\\x1b"
    assert printable("line 1\nC:\\path\t\x1b[2J") == "line 1\nC:\\path\t\\x1b[2J"
    assert visible("\ud800\U0010ffff") == "\\ud800\\U0010ffff"
