"""click's texts in docgen's catalog: the help docgen's commands write, and click's own words.

Help texts are read by click when the modules are imported, before the language is chosen:
`extract` (the Babel extraction method babel-cli.cfg names for the CLI modules) puts each
command's docstring and each literal `help=` text into the catalog, and `translated` shows it
in the installed language when the help is formatted (`docgen.cli.translate_help`).

Help in Chinese is wrapped by display width (a Chinese character takes two columns) and the
lines of a paragraph join without a space between Chinese characters: `install` also gives
click's help formatter `wrap_text` and `display_width` for its own, and a group's list of
commands `short_help` (the first sentence, cut by display width).

click's own words ("Usage:", "Error: {message}", "No such option …") are looked up by click
with the stdlib's `gettext.gettext` and `gettext.ngettext`, imported into each of its modules as
`_` and `ngettext`; scripts/catalog.py extracts them from click's source into docgen's catalog,
and `install` points those names at docgen's translations. Those names are private to click:
click is pinned exactly in pyproject.toml, and tests/test_i18n_cli.py checks that every module
looking up a text is one this module patches.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import io
import re
import unicodedata

import click

# the click modules that look up texts with gettext (see the test that keeps this list whole)
CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting",
                 "click.parser", "click.shell_completion", "click.termui", "click.types",
                 "click.utils", "click._termui_impl")

# calls whose literal help= or short_help= is a help text (click.option, the `option` helper
# of filing.py, click.command, group.command …)
_HELP_CALLS = {"option", "argument", "command", "group", "version_option", "help_option",
               "Option", "Argument"}
_COMMAND_DECORATORS = {"command", "group"}


def install() -> None:
    """Make click look its words up in docgen's catalog, in the language the CLI installed."""
    from docgen.i18n import cli_gettext, cli_ngettext

    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = _type_names_as_written if name == "click.types" else cli_gettext
        if hasattr(module, "ngettext"):
            module.ngettext = cli_ngettext
    formatting = importlib.import_module("click.formatting")
    formatting.wrap_text = wrap_text
    formatting.term_len = display_width
    core = importlib.import_module("click.core")
    if not hasattr(core, "_click_short_help"):
        core._click_short_help = core._make_default_short_help
    core._make_default_short_help = short_help


class HelpFormatter(click.HelpFormatter):
    """click's help formatter; a Chinese section heading ends with a full-width colon."""

    def write_heading(self, heading: str) -> None:
        if any(_wide(ch) for ch in heading):
            self.write(f"{'':>{self.current_indent}}{heading}：\n")
        else:
            super().write_heading(heading)


class Context(click.Context):
    """The context of every docgen command (`docgen.cli.translate_help` sets it)."""

    formatter_class = HelpFormatter


def short_help(help: str, max_length: int = 45) -> str:
    """A command's line in its group's list: click's own for English (Chinese words inside
    included); for a Chinese text (its sentences end with 。) the first sentence, cut to
    `max_length` columns of display width."""
    from click.core import _click_short_help

    first = help.partition("\n\n")[0]
    if "。" not in first:
        return _click_short_help(help, max_length)
    lines = [line.strip() for line in first.splitlines() if line.strip() not in ("", "\b")]
    text = _join(lines) if lines else ""
    text = text.split("。")[0] + "。" if "。" in text else text
    if display_width(text) <= max_length:
        return text
    cut, used = "", 0
    for ch in text:
        used += 2 if _wide(ch) else 1
        if used > max_length - 1:
            break
        cut += ch
    return cut + "…"


# click.Path names itself with these when it is made: the name makes the option's metavar
# (PATH, FILE), and metavars stay as written in every language (ARCHIVE, DATE, TYPE …); a type
# made while Chinese was installed would otherwise keep 路径 for the rest of the process
_TYPE_NAMES = {"file", "directory", "path"}


def _type_names_as_written(message: str) -> str:
    from docgen.i18n import cli_gettext

    return message if message in _TYPE_NAMES else cli_gettext(message)


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal, escape sequences left out (click's term_len, with
    East Asian Wide and Fullwidth characters two columns)."""
    from click._compat import strip_ansi

    return sum(2 if _wide(ch) else 1 for ch in strip_ansi(text))


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


# a line may not start with these (they stay with the character before, 禁则)
_NO_LINE_START = set("，。、；：？！）》」』】〕”’…—,.;:?!)]")
# nor end with these: they open what follows (a bracket, a quotation, a colon's value)
_NO_LINE_END = set("（《「『【〔“‘：([")
_TOKENS = re.compile(r"\s+|[^\s]")


def wrap_text(text: str, width: int = 78, initial_indent: str = "",
              subsequent_indent: str = "", preserve_paragraphs: bool = False) -> str:
    """click.formatting.wrap_text by display width: paragraphs (a `\\b` line keeps a block as
    written), Chinese lines joined without a space, lines broken between Chinese characters."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return _fill(text, width, initial_indent, subsequent_indent)
    paragraphs: list[tuple[int, bool, str]] = []
    lines: list[str] = []
    indent = None

    def flush():
        if lines:
            if lines[0].strip() == "\b":
                paragraphs.append((indent or 0, True, "\n".join(lines[1:])))
            else:
                paragraphs.append((indent or 0, False, _join(lines)))
            lines.clear()

    for line in text.splitlines():
        if not line:
            flush()
            indent = None
            continue
        if indent is None:
            indent = len(line) - len(line.lstrip())
            line = line.lstrip()
        lines.append(line)
    flush()
    out = []
    for indent, raw, body in paragraphs:
        first, rest = initial_indent + " " * indent, subsequent_indent + " " * indent
        if raw:
            out.append("\n".join((first if i == 0 else rest) + line
                                  for i, line in enumerate(body.splitlines())))
        else:
            out.append(_fill(body, width, first, rest))
    return "\n\n".join(out)


def _join(lines: list[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        glue = "" if text and line and _wide(text[-1]) and _wide(line[0]) else " "
        text = text.rstrip() + glue + line.strip()
    return text


def _fill(text: str, width: int, first: str, rest: str) -> str:
    """Greedy filling by display width; a word of ASCII letters is never split, a Chinese
    text breaks between any two characters but before closing punctuation. Spaces inside a
    line are kept as written; a line never starts with one."""
    words: list[str] = []  # words, single wide characters and runs of spaces
    for token in _TOKENS.findall(text):
        if token.isspace():
            words.append(token.replace("\n", " "))
        elif _wide(token) or not words or words[-1].isspace() or _wide(words[-1][-1]):
            words.append(token)
        else:
            words[-1] += token
    out, line, used, space = [], first, display_width(first), ""
    filled, last = False, ""  # last: the word put on the line before this one
    for word in words:
        if word.isspace():
            space = word if filled else ""
            continue
        need = display_width(word) + len(space)
        if filled and used + need > width:
            if word[0] not in _NO_LINE_START and (space or line[-1] not in _NO_LINE_END):
                out.append(line)
                line, used, space = rest, display_width(rest), ""
            elif (not space and len(last) == 1 and _wide(last) and last not in _NO_LINE_START
                  and len(line) - 1 > len(rest)):
                # punctuation that may not start a line takes the character before it
                # along to the next one, rather than hanging past the width (禁则)
                out.append(line[:-1])
                line = rest + last
                used = display_width(line)
        line += space + word
        used += len(space) + display_width(word)
        filled, space, last = True, "", word
    out.append(line)
    return "\n".join(out)


def translated(msgid: str) -> str:
    """A help text in the installed language; as written (not re-indented) when untranslated."""
    from docgen.i18n import cli_gettext

    clean = inspect.cleandoc(msgid)
    text = cli_gettext(clean)
    return msgid if text == clean else text


def forget_help_option(cmd) -> None:
    """click caches each command's --help option with its text in the language of its first
    use: drop it, so the next use makes it in the language installed now."""
    if getattr(cmd, "_help_option", None) is not None:
        cmd._help_option = None


def extract(fileobj, keywords, comment_tags, options):
    """Babel extraction method: the texts marked _(), N_(), ngettext() (Babel's Python
    extractor), then every click command's docstring and every literal help= text."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
                _call_name(d) in _COMMAND_DECORATORS for d in node.decorator_list):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.body[0].lineno, None, doc, []
        elif isinstance(node, ast.Call) and _call_name(node) in _HELP_CALLS:
            for kw in node.keywords:
                if (kw.arg in ("help", "short_help") and isinstance(kw.value, ast.Constant)
                        and isinstance(kw.value.value, str) and kw.value.value.strip()):
                    yield kw.value.lineno, None, inspect.cleandoc(kw.value.value), []


def _call_name(node) -> str | None:
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None
