"""Starter forms for `docgen form new TYPE`: every field, commented, each value a placeholder.

The shape (which fields, how many list items, nesting) comes from the bundled example of the
type; its values never do: a starter carries no other unit's words, and `form check` refuses
any placeholder left (placeholders.py). A 践诺情况报告 or 年度工作总结 can start from the
filed 承诺书 instead: its unit and commitments word for word, each waiting for what came of it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import typing

from docgen import resources
from docgen.models import FORM_MODELS
from docgen.placeholders import placeholder
from docgen.vocab import FORM_TYPES

KEEP = {"type", "retention", "classification"}  # valid defaults, not another unit's words


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.allow_unicode = True
    return yaml


def starter_data(form_type: str, prefill=None):
    """The starter of `form_type` as a ruamel tree, every value a placeholder; with `prefill`
    = (Record, Commitment) the unit, year and commitments come from that filed 承诺书."""
    example = _yaml().load(resources.example(form_type).read_text(encoding="utf-8"))
    example.ca.comment = None  # the example's own header; ours replaces it
    _fill(example, FORM_MODELS[form_type])
    if prefill is None:
        return example
    rec, c = prefill
    year = c.year
    for key in ("unit", "unit_code", "issuer", "addressee"):
        if getattr(c, key) is not None:
            example[key] = getattr(c, key)
        elif key in example:
            del example[key]
    example.pop("title", None)  # the default title: 单位 + 年度 + 文种
    prefix = re.match(r"^(\S+?)〔", c.doc_number).group(1)
    example["doc_number"] = f"{prefix}〔{year}〕×号"
    example["date"] = f"{year}年×月×日"
    status = "××（已完成、部分完成或未完成）"
    if form_type == "fulfillment":
        example["commitment_ref"] = rec.filing_number
        example["items"] = [{"commitment": i.content, "target": i.target, "status": status,
                             "achieved": "××××（实际完成的数字）", "evidence": ["××××（佐证材料）"]}
                            for i in c.items]
    elif form_type == "summary":
        example["fulfilments"] = [{"commitment": i.content, "status": status,
                                   "result": "××××（具体成效和数字）"} for i in c.items]
    return example


def starter_yaml(form_type: str, data) -> str:
    """A YAML form: every top-level field commented with what to write."""
    model = FORM_MODELS[form_type]
    for key, field in model.model_fields.items():
        if key not in data:
            continue
        need = "required" if field.is_required() else "optional"
        desc = field.description or ""
        if key == "type":
            desc = f"文种: {FORM_TYPES[form_type]} — keep it"
        data.yaml_set_comment_before_after_key(key, before=f"{key}: {desc} ({need})")
    out = io.StringIO()
    _yaml().dump(data, out)
    head = (f"# docgen form: {FORM_TYPES[form_type]} ({form_type}). Replace every ×× and 某某 "
            "with your unit's own words;\n# delete the optional fields you do not need. Dates: "
            "2011-04-20 or 2011年4月20日. Check with: docgen form check FILE\n")
    return head + out.getvalue()


def starter(form_type: str) -> str:
    """A YAML form of `form_type`: every field commented, every value a placeholder."""
    return starter_yaml(form_type, starter_data(form_type))


def _fill(node, model) -> None:
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
