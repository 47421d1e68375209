"""Form files (YAML, JSON, TOML) into validated models, with every problem located by line.

    form = load_form("examples/plan.yaml")        # raises FormError listing every problem

A problem reads `FILE:LINE: field.path: what is wrong — how to fix it`.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import tomllib
from pathlib import Path

from pydantic import ValidationError

from docgen import rules
from docgen import placeholders
from docgen.errors import BadInput, FormError, Problem
from docgen.i18n import N_
from docgen.i18n import cli_gettext as _
from docgen.i18n import cli_ngettext as ngettext
from docgen.models import FORM_MODELS, Form
from docgen.models_campaign import COMPUTED
from docgen.vocab import FORM_TYPES, REFUSED_FORM_SUFFIXES, form_type_code

MAX_FORM_BYTES = 5_000_000  # a form is a few pages of text; anything bigger is the wrong file
MAX_DEPTH = 16  # the deepest form (plan.steps[i].tasks[j]) nests 4 levels
MAX_INT = 2**53  # no form field is a number; past this it is a typo or an attack
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}
XLSX_SUFFIXES = (".xlsx",)
# 住保[2026]7号, 住保（2026）7号 → 住保〔2026〕7号: the 六角括号 a clerk's keyboard lacks
_DOC_NUMBER_BRACKETS = re.compile(r"^(\S+?)\s*[\[［【(（]\s*(\d{4})\s*[\]］】)）]\s*(\d+)\s*号$")

Positions = dict[tuple, int | str]  # field path -> 1-based line, or SHEET!C7 in a workbook


def load_form(path: str | Path, context=None) -> Form:
    """Read, parse and validate one form file; raise FormError with all problems found.

    `context` (rules_campaign.CheckContext) adds the archive's calendar and filed 承诺书 to
    the checks and collects warnings in its `notices`.
    """
    path = Path(path)
    data, positions = read_data(path)
    return validate(data, positions, str(path), context)


def read_data(path: Path) -> tuple[object, Positions]:
    """A form file's plain data and field locations, before validation (.xlsx too)."""
    refused = REFUSED_FORM_SUFFIXES.get(path.suffix.lower())
    if refused:  # .xls, .et, .xlsm …: BadInput (exit 10), with what to save it as
        what, __, fix = _(refused).partition(" — ")
        raise _one(str(path), None, "", _("is {what}").format(what=what), fix, BadInput)
    if path.suffix.lower() in XLSX_SUFFIXES:
        from docgen import xlsx_forms

        return xlsx_forms.read(path)
    return parse(read_text(path), path)


def check_forms(paths, context=None) -> tuple[list[Form], list[Problem]]:
    """Validate many forms; return the good ones and every problem of the bad ones."""
    forms, problems = [], []
    for p in paths:
        try:
            forms.append(load_form(p, context))
        except FormError as e:
            problems.extend(e.details)
    return forms, problems


def read_text(path: Path) -> str:
    """The form's text, read with a bound: a device, FIFO or huge file fails before reading."""
    name = str(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _one(name, None, "", N_("no such file"), N_("check the path")) from None
    except IsADirectoryError:
        raise _one(name, None, "", N_("is a folder, not a form file"),
                   N_("name a .yaml/.json/.toml file")) from None
    except OSError as e:
        raise _one(name, None, "", _("cannot read it ({reason})").format(reason=e.strerror),
                   N_("check the path")) from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise _one(name, None, "", N_("is a folder, not a form file"),
                       N_("name a .yaml/.json/.toml file"))
        if not stat.S_ISREG(st.st_mode):
            raise _one(name, None, "", N_("is not a regular file (a device, pipe or socket)"),
                       N_("save the form as a file and name that"))
        limit = _("a form is at most {mb} MB").format(mb=MAX_FORM_BYTES // 1_000_000)
        if st.st_size > MAX_FORM_BYTES:
            raise _one(name, None, "", _("is {size:.1f} MB; {limit}").format(
                size=st.st_size / 1e6, limit=limit), N_("is this the right file?"))
        try:
            raw = f.read(MAX_FORM_BYTES + 1)  # the file may grow after fstat
        except OSError as e:
            raise _one(name, None, "", _("cannot read it ({reason})").format(
                reason=e.strerror), N_("check the path")) from None
        if len(raw) > MAX_FORM_BYTES:
            raise _one(name, None, "", _("grew past the limit while being read; {limit}")
                       .format(limit=limit), N_("is this the right file?"))
    if not raw.strip():
        raise _one(name, None, "", N_("the file is empty"),
                   N_("start from `docgen form new plan` (or commitment, summary)"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise _one(name, line, "", _("byte {byte:#04x} is not UTF-8 text").format(
            byte=raw[e.start]), N_("save the file as UTF-8 (in WPS/Notepad: 另存为, 编码 UTF-8)")) \
            from None


def parse(text: str, path: Path) -> tuple[object, Positions]:
    """Parse by suffix (YAML when unknown) into plain data and the line of every field."""
    kind = SUFFIXES.get(path.suffix.lower(), "yaml")
    name = str(path)
    if kind == "json":
        try:
            data = json.loads(text, parse_int=_json_int, parse_constant=_json_constant)
        except json.JSONDecodeError as e:
            raise _one(name, e.lineno, "", _("not valid JSON: {problem} (column {column})")
                       .format(problem=e.msg, column=e.colno),
                       N_("fix the syntax; YAML is easier to write by hand")) from None
        except RecursionError:
            raise _too_deep(name, None) from None
        except ValueError as e:  # a number refused by _json_int or _json_constant
            raise _one(name, None, "", _("not valid JSON: {problem}").format(problem=e),
                       _NUMBER_FIX) from None
        positions = _yaml_positions(text)
        _check_bounds(data, positions, name)
        return data, positions
    if kind == "toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            m = re.search(r"line (\d+)", str(e))
            raise _one(name, int(m.group(1)) if m else None, "",
                       _("not valid TOML: {problem}").format(problem=e),
                       N_("fix the syntax")) from None
        except RecursionError:
            raise _too_deep(name, None) from None
        except ValueError as e:  # an integer past Python's digit limit
            raise _one(name, None, "", _("not valid TOML: a number is too large ({problem})")
                       .format(problem=str(e)[:60]), _NUMBER_FIX) from None
        positions = _toml_positions(text, data)
        _check_bounds(data, positions, name)
        return data, positions
    data, positions = _load_yaml(text, name)
    _check_bounds(data, positions, name)
    return data, positions


# the YAML parser's (ruamel's) words for the mistakes clerks make most (a tab, a "：", a
# missing space after ":"), in the catalog so that they are shown in the user's language
YAML_PROBLEMS = (N_("syntax error"), N_("mapping values are not allowed here"),
                 N_("found character '\\t' that cannot start any token"),
                 N_("could not find expected ':'"),
                 N_("did not find expected key"), N_("did not find expected '-' indicator"),
                 N_("found unexpected end of stream"),
                 N_("while scanning a simple key"), N_("while parsing a block mapping"),
                 N_("while scanning a quoted scalar"))
_NUMBER_FIX = N_("no form field is a number this large: quote text, check the value")
# plain YAML scalars that would become integers: decimal, 0x, 0o, 0b, with _ separators
_YAML_INT = re.compile(r"^[-+]?(0[xob])?[0-9a-fA-F_]+$")
# tags a form may spell out; anything else (!!python/…, !custom) is refused
_YAML_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null",
                                                  "seq", "map", "timestamp")}


def _json_int(digits: str) -> int:
    if len(digits.lstrip("-")) > 16:
        raise ValueError(_("the number {digits} is too large").format(
            digits=digits[:20] + ("…" if len(digits) > 20 else "")))
    return int(digits)


def _json_constant(word: str):
    raise ValueError(_("{word} is not a JSON value").format(word=word))


def _too_deep(name: str, line: int | None) -> FormError:
    return _one(name, line, "", _("nested more than {depth} levels deep").format(depth=MAX_DEPTH),
                N_("a form nests at most a few levels: fields, lists, and items with fields"))


def _screen_yaml(text: str, name: str, yaml) -> None:
    """Refuse, before anything is built, what a form never needs and an attack relies on:
    anchors and aliases (billion laughs), deep nesting, unknown tags, giant integers."""
    from ruamel.yaml.events import (AliasEvent, CollectionEndEvent, CollectionStartEvent,
                                    ScalarEvent)

    depth = 0
    for event in yaml.parse(io.StringIO(text)):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise _one(name, line, "", N_("uses a YAML anchor or alias (& or *)"),
                       N_("write the value out in full; forms do not use anchors"))
        tag = getattr(event, "tag", None)
        if tag and tag != "!" and str(tag) not in _YAML_TAGS:
            raise _one(name, line, "", _("uses the YAML tag {tag!r}").format(tag=str(tag)[:40]),
                       N_("remove the tag; a form holds text, dates and lists"))
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(name, line)
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        elif (isinstance(event, ScalarEvent) and not event.style
              and len(event.value) > 20 and _YAML_INT.match(event.value)):
            raise _one(name, line, "", _("the number {digits} is too large").format(
                digits=event.value[:20] + "…"), _NUMBER_FIX)


def _check_bounds(data, positions: Positions, name: str) -> None:
    """Depth and integer bounds on parsed data, without recursion."""
    stack = [(data, (), 0)]
    while stack:
        node, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _too_deep(name, _line(positions, path))
        if isinstance(node, dict):
            stack.extend((v, path + (str(k),), depth + 1) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, path + (i,), depth + 1) for i, v in enumerate(node))
        elif isinstance(node, int) and not isinstance(node, bool) and abs(node) > MAX_INT:
            raise _one(name, _line(positions, path), ".".join(map(str, path)),
                       N_("the number is too large"), _NUMBER_FIX)


def _load_yaml(text: str, name: str):
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    class _DatesAsText(RoundTripConstructor):
        """Keep 2011-02-30 as text, so the form's validation (not the parser) reports it."""

    _DatesAsText.add_constructor("tag:yaml.org,2002:timestamp",
                                 lambda loader, node: loader.construct_scalar(node))
    yaml = YAML(typ="rt")
    yaml.Constructor = _DatesAsText
    try:
        _screen_yaml(text, name, yaml)
        yaml = YAML(typ="rt")  # a fresh parser: the screen consumed the first one's state
        yaml.Constructor = _DatesAsText
        tree = yaml.load(io.StringIO(text))
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        what = (e.problem or e.context or YAML_PROBLEMS[0]).strip()
        raise _one(name, line, "", _("not valid YAML: {problem}").format(problem=_(what)),
                   N_("check indentation and quote text that contains ': ' or starts with a "
                      "special character")) from None
    except YAMLError as e:
        raise _one(name, None, "", _("not valid YAML: {problem}").format(
            problem=" ".join(str(e).split())), N_("fix the syntax")) from None
    except (ValueError, RecursionError) as e:  # ruamel's own limits, past the screen
        raise _one(name, None, "", _("not valid YAML: {problem}").format(
            problem=f"{type(e).__name__}: {e}"), N_("fix the syntax")) from None
    positions: Positions = {}
    _walk(tree, (), positions)
    return _plain(tree), positions


def _walk(node, path: tuple, positions: Positions) -> None:
    """Record the line of each key and list item of a ruamel round-trip tree."""
    lc = getattr(node, "lc", None)
    if isinstance(node, dict):
        for k, v in node.items():
            if lc is not None:
                try:
                    positions[path + (str(k),)] = lc.key(k)[0] + 1
                except (KeyError, TypeError):
                    pass
            _walk(v, path + (str(k),), positions)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if lc is not None:
                try:
                    positions[path + (i,)] = lc.item(i)[0] + 1
                except (KeyError, TypeError, IndexError):
                    pass
            _walk(v, path + (i,), positions)


def _plain(node):
    """ruamel's commented containers and scalars as plain Python values."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def _yaml_positions(text: str) -> Positions:
    """JSON is YAML 1.2, so the YAML parser can tell us its lines too."""
    try:
        return _load_yaml(text, "")[1]
    except FormError:
        return {}


def _toml_positions(text: str, data) -> Positions:
    """Best effort: the line where each top-level key or table is written."""
    positions: Positions = {}
    lines = text.splitlines()
    for key in data if isinstance(data, dict) else ():
        pat = re.compile(rf'^\s*(\[+\s*)?"?{re.escape(key)}"?\s*(=|[.\]])')
        for no, line in enumerate(lines, 1):
            if pat.match(line):
                positions[(key,)] = no
                break
    return positions


def validate(data, positions: Positions, name: str, context=None) -> Form:
    """Validate plain data as its `type`; raise FormError with every problem found."""
    if not isinstance(data, dict):
        raise _one(name, 1, "", _("the top level is a {type}, not a set of fields").format(
            type=type(data).__name__),
            N_("write `type: plan` and the other fields as `key: value` lines"))
    kind = form_type_code(data["type"]) if isinstance(data.get("type"), str) else None
    if kind not in FORM_MODELS:
        raw = data.get("type")
        what = (N_("is missing") if raw is None
                else _("{value!r} is not a form type").format(value=raw))
        raise _one(name, _line(positions, ("type",)), "type", what,
                   _("use one of: {types}").format(
                       types=", ".join(f"{c} ({FORM_TYPES[c]})" for c in FORM_MODELS)))
    data = {**data, "type": kind}  # 承诺书 → commitment
    left = placeholders.problems(data, positions, name)
    if left:
        raise FormError(ngettext("{name}: {count} placeholder left from `docgen form new`",
                                 "{name}: {count} placeholders left from `docgen form new`",
                                 len(left)).format(name=name, count=len(left)), left)
    notices = context.notices if context is not None else []
    number = data.get("doc_number")
    m = _DOC_NUMBER_BRACKETS.match(number) if isinstance(number, str) else None
    if m:
        data["doc_number"] = f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
        notices.append(Problem(name, _line(positions, ("doc_number",)), "doc_number",
                               _("{typed!r} read as {read!r}").format(
                                   typed=number, read=data["doc_number"]),
                               N_("GB/T 9704 writes the year in 六角括号 〔〕")))
    model = FORM_MODELS[kind]
    try:
        form = model.model_validate(data)
    except ValidationError as e:
        problems = [_problem(err, positions, name, kind) for err in e.errors()]
        problems.sort(key=lambda p: p.line if isinstance(p.line, int) else 0)
        raise FormError(_problems_in(name, problems, kind), problems) from None
    broken = rules.check(form, context)
    for v in broken:
        if v.warning:
            notices.append(Problem(name, _line(positions, _path(v.field)), v.field, v.what,
                                   v.fix))
    problems = [Problem(name, _line(positions, _path(v.field)), v.field, v.what, v.fix)
                for v in broken if not v.warning]
    if problems:
        raise FormError(_problems_in(name, problems, kind), problems)
    return form


def _problems_in(name: str, problems: list, kind: str) -> str:
    return ngettext("{name}: {count} problem in the {type} form",
                    "{name}: {count} problems in the {type} form",
                    len(problems)).format(name=name, count=len(problems), type=kind)


def _path(dotted: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in dotted.split("."))


def _line(positions: Positions, loc: tuple) -> int | None:
    """The line of the field, or of its nearest written parent."""
    while loc:
        if loc in positions:
            return positions[loc]
        loc = loc[:-1]
    return None


_FIXES = {
    "missing": N_("add it (see `docgen form new TYPE` for an example)"),
    "extra_forbidden": N_("remove it or correct its spelling (`docgen form schema TYPE` lists "
                          "fields)"),
    "string_type": N_("write it as text"),
    "list_type": N_("write it as a list, one `- item` per line"),
    "too_short": N_("give at least one entry"),
    "string_too_short": N_("fill it in"),
    "string_too_long": N_("shorten it"),
    "string_pattern_mismatch": N_("use capital letters and digits only, e.g. GHC"),
    "model_type": N_("write it as `key: value` fields"),
    "dict_type": N_("write it as `key: value` fields"),
}

# what each error type of pydantic a form can produce means, in docgen's catalog ({…} filled
# from the error's ctx); pydantic's own English message is never shown
_WHAT = {
    "missing": N_("is required but missing"),
    "extra_forbidden": N_("is not a field of this form"),
    "string_type": N_("is not text"),
    "string_too_short": N_("is shorter than {min_length} character(s)"),
    "string_too_long": N_("is longer than {max_length} characters"),
    "string_pattern_mismatch": N_("does not match the pattern {pattern}"),
    "list_type": N_("is not a list"),
    "too_short": N_("has fewer than {min_length} entries"),
    "too_long": N_("has more than {max_length} entries"),
    "literal_error": N_("is not one of {expected}"),
    "enum": N_("is not one of {expected}"),
    "model_type": N_("is not a set of `key: value` fields"),
    "model_attributes_type": N_("is not a set of `key: value` fields"),
    "dict_type": N_("is not a set of `key: value` fields"),
    "int_type": N_("is not a whole number"),
    "int_parsing": N_("is not a whole number"),
    "int_from_float": N_("is not a whole number"),
    "float_type": N_("is not a number"),
    "float_parsing": N_("is not a number"),
    "finite_number": N_("is not a finite number"),
    "bool_type": N_("is not true or false"),
    "bool_parsing": N_("is not true or false"),
    "greater_than": N_("is not greater than {gt}"),
    "greater_than_equal": N_("is less than {ge}"),
    "less_than": N_("is not less than {lt}"),
    "less_than_equal": N_("is greater than {le}"),
    "date_type": N_("is not a date"),
    "date_parsing": N_("is not a date"),
    "none_required": N_("must be left empty"),
}


def _problem(err: dict, positions: Positions, name: str, kind_name: str) -> Problem:
    loc = tuple(err["loc"])
    field = ".".join(str(p) for p in loc)
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "value_error":  # our own validators: "what — fix", already translated
        what, __, fix = str(ctx.get("error", err["msg"])).partition(" — ")
        return Problem(name, _line(positions, loc), field, what, fix)
    if kind == "extra_forbidden" and loc and loc[-1] in COMPUTED:
        return Problem(name, _line(positions, loc), field, N_("is computed by docgen, never typed"),
                       _("remove it: {why}").format(why=_(COMPUTED[loc[-1]])))
    if kind in ("missing", "extra_forbidden"):
        what = _WHAT[kind]
    elif kind == "too_short" and "list" in err["msg"].lower():
        what = N_("is empty")
    else:
        what = _pydantic_what(kind, ctx, err["msg"])
    fix = _(_FIXES[kind]).replace("TYPE", kind_name) if kind in _FIXES else ""
    if kind == "too_short" and loc and loc[-1] in ("key_problems", "measures"):
        fix = N_("the plan must state at least one 拟解决的重点问题 and one 主要做法")
    return Problem(name, _line(positions, loc), field, what, fix)


def _pydantic_what(kind: str, ctx: dict, msg: str) -> str:
    """What a pydantic error means: in English pydantic's own message, in another language
    the catalog's text for its type (its code when the type is not one a form produces)."""
    template = _WHAT.get(kind, N_("is not valid ({code})"))
    text = _(template)
    if text == template:  # English
        return msg[0].lower() + msg[1:] if msg else kind
    # pydantic's list of allowed values reads "'a', 'b' or 'c'": its English "or" stays out
    values = {k: str(v).replace(" or ", ", ") for k, v in ctx.items()}
    return text.format_map(_Missing({**values, "code": kind}))


class _Missing(dict):
    """A ctx without the name a message expects leaves the {name} as written."""

    def __missing__(self, key):
        return "{" + key + "}"


def _one(name: str, line: int | None, field: str, what: str, fix: str,
         cls=FormError) -> FormError:
    problem = Problem(name, line, field, what, fix)
    return cls(str(problem), [problem])
