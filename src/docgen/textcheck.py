"""The door check for typed text: what a clerk types may not carry characters that break a
later step (Word's XML, openpyxl's cells, the PDF's metadata, a terminal, a TSV reader).

    problem = text_problem(value, multiline=False)   # None when the text may enter
    value = check_text(value, multiline=True)        # or ValueError("what — how to fix")
    visible(text)                                    # one TSV cell, safe to print
    printable(message)                               # a message, safe to print

Refused everywhere: C0 controls and DEL (tab and newline only in multi-line fields), C1
controls, lone surrogates, and the Unicode non-characters (U+FDD0–U+FDEF and the last two
code points of every plane). XML 1.0 cannot hold most of them, so Word, openpyxl and the
PDF's XMP would fail on them later, far from the form that brought them in.
"""

from __future__ import annotations

import re
import unicodedata

from docgen.i18n import cli_gettext as _

_NONCHARS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
_BAD_SINGLE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARS}]")
_BAD_MULTI = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARS}]")
# what `visible` escapes: the refused set plus tab, newline, backslash (TSV's own syntax)
# and the Unicode line and paragraph separators (str.splitlines breaks on them)
_UNSAFE_OUT = re.compile(f"[\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{_NONCHARS}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\\": "\\\\"}
_NAMES = {"\x00": "NUL", "\t": "TAB", "\n": "LINE FEED", "\r": "CARRIAGE RETURN",
          "\x1b": "ESC", "\x07": "BEL", "\x08": "BACKSPACE", "\x7f": "DEL"}


def text_problem(text: str, *, multiline: bool = False) -> str | None:
    """What is wrong with `text` ("what — how to fix"), or None when it may enter."""
    m = (_BAD_MULTI if multiline else _BAD_SINGLE).search(text)
    if m is None:
        return None
    ch = m.group()
    code = ord(ch)
    at = m.start() + 1
    if ch in "\t\n\r":
        return _("has a {name} ({code}) at character {at}, but it is a one-line field — write "
                 "it on one line").format(name=_NAMES[ch], code=_code(code), at=at)
    if 0xD800 <= code <= 0xDFFF:
        what = _("a broken character (a lone UTF-16 surrogate)")
    elif code <= 0x1F or code == 0x7F:
        what = (_("the control character {name}").format(name=_NAMES[ch]) if ch in _NAMES
                else _("a control character"))
    elif code <= 0x9F:
        what = _("a C1 control character")
    else:
        what = _("a Unicode non-character")
    return _("contains {what} ({code}) at character {at} — delete it; it is invisible and "
             "usually pasted in by accident").format(what=what, code=_code(code), at=at)


def check_text(text, *, multiline: bool = False):
    """Return `text` unchanged if it may enter; raise ValueError("what — fix") if not.

    Anything that is not a str passes through (the field's type check reports it).
    """
    if isinstance(text, str):
        problem = text_problem(text, multiline=multiline)
        if problem:
            raise ValueError(problem)
    return text


def visible(text) -> str:
    """`text` with tab, newline, backslash and every refused character written as escapes,
    so one value stays one cell of a TSV line and cannot drive the terminal."""
    return _UNSAFE_OUT.sub(_escape, str(text))


def printable(text) -> str:
    """`text` with only the refused characters escaped (line breaks, tabs and backslashes
    kept): for messages, which may quote a bad value back to the user."""
    return _BAD_MULTI.sub(_escape, str(text))


def _escape(m: re.Match) -> str:
    ch = m.group()
    return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
                              if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")


def _code(code: int) -> str:
    name = unicodedata.name(chr(code), "") if not 0xD800 <= code <= 0xDFFF else ""
    return f"U+{code:04X}" + (f" {name}" if name and code > 0x9F else "")
