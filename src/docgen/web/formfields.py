"""A form type's JSON Schema as HTML form fields, and posted fields back into form data.

Field names are the form file's paths (`items.0.target`), so a problem `form check` reports for
`items.0.target` lands at that input. A list of texts is one textarea, a line per entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docgen.models import FORM_MODELS

_CJK_LABEL = re.compile(r"^[^A-Za-z;:,(]+")
_EXAMPLE = re.compile(r"e\.g\. ([^;]+)")


@dataclass
class Field:
    """One input (kind: line, text, date, choice, lines) or group (object, rows)."""

    name: str  # the path, e.g. items.0.target; for rows, the list's path
    key: str
    label: str
    kind: str
    required: bool = False
    placeholder: str = ""
    choices: tuple[str, ...] = ()
    children: list[Field] = field(default_factory=list)  # object: its fields; rows: one row
    rows: list[list[Field]] = field(default_factory=list)  # rows: each row's fields
    value: str = ""
    min_rows: int = 0

    @property
    def slot(self) -> str:
        """The id of the element that shows this field's problems."""
        return slot_id(self.name)

    @property
    def input_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


def slot_id(name: str) -> str:
    return "err-" + (name.replace(".", "-") or "form")


def _label(key: str, spec: dict) -> tuple[str, str]:
    desc = spec.get("description", "")
    m = _CJK_LABEL.match(desc)
    label = m.group(0).strip(" ,，") if m and not desc[:1].isascii() else key
    example = _EXAMPLE.search(desc)
    return label, example.group(1) if example else ""


def _resolve(spec: dict, defs: dict) -> tuple[dict, bool]:
    """The schema of a property, $ref and Optional (anyOf [x, null]) unwrapped."""
    nullable = False
    if "anyOf" in spec:
        options = [s for s in spec["anyOf"] if s.get("type") != "null"]
        nullable = len(options) < len(spec["anyOf"])
        spec = {**spec, **options[0]} if options else spec
        spec.pop("anyOf", None)
    if "$ref" in spec:
        spec = {**defs[spec["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in spec.items()
                                                           if k != "$ref"}}
    return spec, nullable


def fields_for(form_type: str, data: dict | None = None) -> list[Field]:
    """The fields of a form type, filled from `data` (form data) where given."""
    schema = FORM_MODELS[form_type].model_json_schema(mode="validation")
    defs = schema.get("$defs", {})
    return _object(schema, defs, "", data or {}, set(schema.get("required", ())))


def _object(schema: dict, defs: dict, prefix: str, data: dict, required: set) -> list[Field]:
    out = []
    for key, raw in schema.get("properties", {}).items():
        if key == "type":
            continue  # fixed by the page
        name = f"{prefix}{key}"
        spec, nullable = _resolve(raw, defs)
        label, example = _label(key, raw if "description" in raw else spec)
        value = data.get(key) if isinstance(data, dict) else None
        f = Field(name, key, label, "line", required=key in required and not nullable,
                  placeholder=example)
        kind = spec.get("type")
        if "enum" in spec or "const" in spec:
            f.kind, f.choices = "choice", tuple(spec.get("enum") or [spec["const"]])
            f.value = str(value if value is not None else spec.get("default", f.choices[0]))
        elif kind == "object":
            f.kind = "object"
            f.children = _object(spec, defs, f"{name}.", value or {}, set(spec.get("required", ())))
        elif kind == "array":
            item, _ = _resolve(spec.get("items", {}), defs)
            if item.get("type") == "object":
                f.kind, f.min_rows = "rows", max(1, spec.get("minItems", 0))
                values = value if isinstance(value, list) and value else [{}] * f.min_rows
                f.rows = [_object(item, defs, f"{name}.{i}.", v if isinstance(v, dict) else {},
                                  set(item.get("required", ())))
                          for i, v in enumerate(values)]
            else:
                f.kind = "lines"
                f.value = "\n".join(str(v) for v in value) if isinstance(value, list) else ""
        else:
            if spec.get("format") == "date":
                f.kind, f.placeholder = "date", f.placeholder or "2011-04-20"
            elif spec.get("maxLength", 0) > 200:
                f.kind = "text"
            f.value = "" if value is None else str(value)
        out.append(f)
    return out


def row_fields(form_type: str, list_name: str, index: int) -> list[Field] | None:
    """The fields of one more row of the list `list_name` (None when it is not a row list)."""
    for f in fields_for(form_type):
        if f.name == list_name and f.kind == "rows":
            schema = FORM_MODELS[form_type].model_json_schema(mode="validation")
            defs = schema.get("$defs", {})
            spec, _ = _resolve(schema["properties"][f.key], defs)
            item, _ = _resolve(spec["items"], defs)
            return _object(item, defs, f"{list_name}.{index}.", {}, set(item.get("required", ())))
    return None


def collect(form_type: str, posted) -> tuple[dict, dict[str, list[int]]]:
    """Form data from posted fields, and for each list of rows the posted index of each entry.

    Empty inputs are left out (a missing required field is then reported as `form check` does);
    a row with every input empty is dropped.
    """
    lines = set()
    row_lists = set()

    def walk(fs):
        for f in fs:
            if f.kind == "lines":
                lines.add(re.sub(r"\.\d+\.", ".#.", f.name))
            elif f.kind == "rows":
                row_lists.add(f.name)
                walk(f.rows[0])
            elif f.kind == "object":
                walk(f.children)

    top = fields_for(form_type)
    walk(top)
    known = {f.key for f in top}
    data: dict = {"type": form_type}
    rows: dict[str, dict[int, dict]] = {}
    for name, value in posted.items():
        value = value.strip() if isinstance(value, str) else ""
        if not value or not re.fullmatch(r"[a-z_]+(\.(\d+|[a-z_]+))*", name) or \
                name.split(".")[0] not in known:
            continue  # the page's own inputs (csrf, supersedes) are not form fields
        parts = name.split(".")
        if re.sub(r"\.\d+\.", ".#.", name) in lines:
            value = [v.strip() for v in value.splitlines() if v.strip()]
        if len(parts) >= 3 and parts[0] in row_lists and parts[1].isdigit():
            row = rows.setdefault(parts[0], {}).setdefault(int(parts[1]), {})
            _put(row, parts[2:], value)
        else:
            _put(data, parts, value)
    order: dict[str, list[int]] = {}
    for list_name, by_index in rows.items():
        order[list_name] = sorted(by_index)
        data[list_name] = [by_index[i] for i in order[list_name]]
    return data, order


def _put(target: dict, parts: list[str], value) -> None:
    for p in parts[:-1]:
        target = target.setdefault(p, {})
        if not isinstance(target, dict):
            return
    target[parts[-1]] = value


def posted_name(problem_field: str, order: dict[str, list[int]]) -> str:
    """The input name a problem's field path refers to (rows renumbered back as posted)."""
    parts = problem_field.split(".")
    if len(parts) >= 2 and parts[0] in order and parts[1].isdigit():
        i = int(parts[1])
        if i < len(order[parts[0]]):
            parts[1] = str(order[parts[0]][i])
    return ".".join(parts)


def slots(posted_names, problems_at) -> list[str]:
    """Every slot the page has for the posted inputs: each name and each parent path."""
    out = {""}
    for name in [*posted_names, *problems_at]:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            out.add(".".join(parts[:i]))
    return sorted(out)
