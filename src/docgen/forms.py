"""Form files (YAML, JSON, TOML) into validated models, with every problem located by line.

    form = load_form("examples/plan.yaml")        # raises FormError listing every problem

A problem reads `FILE:LINE: field.path: what is wrong — how to fix it`.
"""

from __future__ import annotations

import io
import json
import re
import tomllib
from pathlib import Path

from pydantic import ValidationError

from docgen import rules
from docgen.errors import BadInput, FormError, Problem
from docgen.models import FORM_MODELS, Form
from docgen.models_campaign import COMPUTED
from docgen.vocab import FORM_TYPES, REFUSED_FORM_SUFFIXES, form_type_code

MAX_FORM_BYTES = 1_000_000  # a form is a page of text; anything bigger is the wrong file
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
        what, _, fix = refused.partition(" — ")
        raise _one(str(path), None, "", f"is {what}", fix, BadInput)
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
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _one(name, None, "", "no such file", "check the path") from None
    except OSError as e:
        raise _one(name, None, "", f"cannot read it ({e.strerror})", "check the path") from None
    if path.is_dir():
        raise _one(name, None, "", "is a folder, not a form file", "name a .yaml/.json/.toml file")
    if size > MAX_FORM_BYTES:
        raise _one(name, None, "", f"is {size / 1e6:.1f} MB; a form is at most "
                   f"{MAX_FORM_BYTES // 1_000_000} MB", "is this the right file?")
    raw = path.read_bytes()
    if not raw.strip():
        raise _one(name, None, "", "the file is empty",
                   "start from `docgen form new plan` (or commitment, summary)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise _one(name, line, "", f"byte {raw[e.start]:#04x} is not UTF-8 text",
                   "save the file as UTF-8 (in WPS/Notepad: 另存为, 编码 UTF-8)") from None


def parse(text: str, path: Path) -> tuple[object, Positions]:
    """Parse by suffix (YAML when unknown) into plain data and the line of every field."""
    kind = SUFFIXES.get(path.suffix.lower(), "yaml")
    name = str(path)
    if kind == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise _one(name, e.lineno, "", f"not valid JSON: {e.msg} (column {e.colno})",
                       "fix the syntax; YAML is easier to write by hand") from None
        return data, _yaml_positions(text)
    if kind == "toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            m = re.search(r"line (\d+)", str(e))
            raise _one(name, int(m.group(1)) if m else None, "", f"not valid TOML: {e}",
                       "fix the syntax") from None
        return data, _toml_positions(text, data)
    return _load_yaml(text, name)


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
        tree = yaml.load(io.StringIO(text))
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        what = (e.problem or e.context or "syntax error").strip()
        raise _one(name, line, "", f"not valid YAML: {what}",
                   "check indentation and quote text that contains ': ' or starts with a "
                   "special character") from None
    except YAMLError as e:
        raise _one(name, None, "", f"not valid YAML: {e}", "fix the syntax") from None
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
        raise _one(name, 1, "", f"the top level is a {type(data).__name__}, not a set of fields",
                   "write `type: plan` and the other fields as `key: value` lines")
    kind = form_type_code(data["type"]) if isinstance(data.get("type"), str) else None
    if kind not in FORM_MODELS:
        raw = data.get("type")
        what = "is missing" if raw is None else f"{raw!r} is not a form type"
        raise _one(name, _line(positions, ("type",)), "type", what,
                   "use one of: " + ", ".join(f"{c} ({FORM_TYPES[c]})" for c in FORM_MODELS))
    data = {**data, "type": kind}  # 承诺书 → commitment
    notices = context.notices if context is not None else []
    number = data.get("doc_number")
    m = _DOC_NUMBER_BRACKETS.match(number) if isinstance(number, str) else None
    if m:
        data["doc_number"] = f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
        notices.append(Problem(name, _line(positions, ("doc_number",)), "doc_number",
                               f"{number!r} read as {data['doc_number']!r}",
                               "GB/T 9704 writes the year in 六角括号 〔〕"))
    model = FORM_MODELS[kind]
    try:
        form = model.model_validate(data)
    except ValidationError as e:
        problems = [_problem(err, positions, name, kind) for err in e.errors()]
        problems.sort(key=lambda p: p.line if isinstance(p.line, int) else 0)
        raise FormError(f"{name}: {len(problems)} problem(s) in the {kind} form",
                        problems) from None
    broken = rules.check(form, context)
    for v in broken:
        if v.warning:
            notices.append(Problem(name, _line(positions, _path(v.field)), v.field, v.what,
                                   v.fix))
    problems = [Problem(name, _line(positions, _path(v.field)), v.field, v.what, v.fix)
                for v in broken if not v.warning]
    if problems:
        raise FormError(f"{name}: {len(problems)} problem(s) in the {kind} form", problems)
    return form


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
    "missing": "add it (see `docgen form new TYPE` for an example)",
    "extra_forbidden": "remove it or correct its spelling (`docgen form schema TYPE` lists fields)",
    "string_type": "write it as text",
    "list_type": "write it as a list, one `- item` per line",
    "too_short": "give at least one entry",
    "literal_error": "",
    "string_too_short": "fill it in",
    "string_too_long": "shorten it",
    "string_pattern_mismatch": "use capital letters and digits only, e.g. GHC",
    "model_type": "write it as `key: value` fields",
    "dict_type": "write it as `key: value` fields",
}


def _problem(err: dict, positions: Positions, name: str, kind_name: str) -> Problem:
    loc = tuple(err["loc"])
    field = ".".join(str(p) for p in loc)
    kind = err["type"]
    msg = err["msg"]
    if kind == "value_error":  # our own validators: "what — fix"
        what, _, fix = str(err.get("ctx", {}).get("error", msg)).partition(" — ")
        return Problem(name, _line(positions, loc), field, what, fix)
    if kind == "missing":
        what = "is required but missing"
    elif kind == "extra_forbidden" and loc and loc[-1] in COMPUTED:
        return Problem(name, _line(positions, loc), field, "is computed by docgen, never typed",
                       f"remove it: {COMPUTED[loc[-1]]}")
    elif kind == "extra_forbidden":
        what = "is not a field of this form"
    elif kind == "too_short" and "list" in msg.lower():
        what = "is empty"
    else:
        what = msg[0].lower() + msg[1:] if msg else kind
    fix = _FIXES.get(kind, "").replace("TYPE", kind_name)
    if kind == "too_short" and loc and loc[-1] in ("key_problems", "measures"):
        fix = "the plan must state at least one 拟解决的重点问题 and one 主要做法"
    return Problem(name, _line(positions, loc), field, what, fix)


def _one(name: str, line: int | None, field: str, what: str, fix: str,
         cls=FormError) -> FormError:
    problem = Problem(name, line, field, what, fix)
    return cls(str(problem), [problem])
