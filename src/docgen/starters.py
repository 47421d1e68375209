"""Starter forms for `docgen form new TYPE`: every field, commented, each value a placeholder.

The shape (which fields, how many list items, nesting) comes from the bundled example of the
type; its values never do: a starter carries no other unit's words, and `form check` refuses
any placeholder left (placeholders.py).
"""

from __future__ import annotations

import datetime as dt
import io
import typing

from docgen import resources
from docgen.models import FORM_MODELS
from docgen.placeholders import placeholder
from docgen.vocab import FORM_TYPES

KEEP = {"type", "retention", "classification"}  # valid defaults, not another unit's words


def starter(form_type: str) -> str:
    """A YAML form of `form_type`: every field commented, every value a placeholder."""
    from ruamel.yaml import YAML

    model = FORM_MODELS[form_type]
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.allow_unicode = True
    example = yaml.load(resources.example(form_type).read_text(encoding="utf-8"))
    example.ca.comment = None  # the example's own header; ours replaces it
    _fill(example, model, top=True)
    out = io.StringIO()
    yaml.dump(example, out)
    head = (f"# docgen form: {FORM_TYPES[form_type]} ({form_type}). Replace every ×× and 某某 "
            "with your unit's own words;\n# delete the optional fields you do not need. Dates: "
            "2011-04-20 or 2011年4月20日. Check with: docgen form check FILE\n")
    return head + out.getvalue()


def _fill(node, model, top: bool = False) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    fields = getattr(model, "model_fields", {})
    for key in list(node):
        field = fields.get(key)
        sub = _submodel(field.annotation) if field is not None else None
        desc = (field.description or "") if field is not None else ""
        value = node[key]
        if isinstance(value, CommentedMap):
            _fill(value, sub)
        elif isinstance(value, CommentedSeq):
            del value[1:]  # one item shows the shape
            if value and isinstance(value[0], CommentedMap):
                _fill(value[0], sub)
            elif value:
                value[0] = _value(key, desc, value[0])
        elif key not in KEEP:
            node[key] = _value(key, desc, value, _is_date(field))
        if top and field is not None:
            need = "required" if field.is_required() else "optional"
            if key == "type":
                desc = f"文种: {FORM_TYPES[value]} — keep it"
            node.yaml_set_comment_before_after_key(key, before=f"{key}: {desc} ({need})")


def _value(key: str, desc: str, value, is_date: bool = False):
    if isinstance(value, bool):
        return value
    if is_date or isinstance(value, dt.date):
        return placeholder(key, desc, "date")
    return placeholder(key, desc)


def _is_date(field) -> bool:
    if field is None:
        return False
    ann = field.annotation
    return ann is dt.date or dt.date in typing.get_args(ann)


def _submodel(annotation):
    """The model inside a field's type: Contact, list[CommitmentItem], X | None …"""
    if hasattr(annotation, "model_fields"):
        return annotation
    for arg in typing.get_args(annotation):
        found = _submodel(arg)
        if found is not None:
            return found
    return None
