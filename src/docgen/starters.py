"""Commented starter forms for `docgen form new TYPE`, built from the models and the examples.

A 践诺情况报告 or 年度工作总结 can start from the filed 承诺书 instead: its commitments listed
word for word, each waiting for what came of it.
"""

from __future__ import annotations

import io
import re

from docgen import resources
from docgen.models import FORM_MODELS
from docgen.vocab import FORM_TYPES

TO_FILL = "待填写"  # placeholder a clerk replaces; the form's rules reject it until then


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.allow_unicode = True
    return yaml


def starter_data(form_type: str, prefill=None):
    """The example form of `form_type` as a ruamel tree; with `prefill` = (Record, Commitment)
    the unit, year and commitments come from that filed 承诺书."""
    example = _yaml().load(resources.example(form_type).read_text(encoding="utf-8"))
    example.ca.comment = None  # the example's own header; ours replaces it
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
    number = re.search(r"〔\d{4}〕(\d+)号$", example["doc_number"]).group(1)
    example["doc_number"] = f"{prefix}〔{year}〕{number}号"
    example["date"] = re.sub(r"^\d{4}", str(year), str(example["date"]))
    if form_type == "fulfillment":
        example["commitment_ref"] = rec.filing_number
        example["items"] = [{"commitment": i.content, "target": i.target, "status": "已完成",
                             "achieved": f"{TO_FILL}：实际完成的数字", "evidence": [TO_FILL]}
                            for i in c.items]
    elif form_type == "summary":
        example["fulfilments"] = [{"commitment": i.content, "status": "已完成",
                                   "result": f"{TO_FILL}：具体成效和数字"} for i in c.items]
    return example


def starter_yaml(form_type: str, data) -> str:
    """A YAML form: every field commented with its description."""
    model = FORM_MODELS[form_type]
    for key, field in model.model_fields.items():
        if key not in data:
            continue
        need = "required" if field.is_required() else "optional"
        desc = field.description or ""
        data.yaml_set_comment_before_after_key(key, before=f"{key}: {desc} ({need})")
    out = io.StringIO()
    _yaml().dump(data, out)
    head = (f"# docgen form: {FORM_TYPES[form_type]} ({form_type}). Replace the example "
            "values with your unit's own.\n# Dates: 2011-04-20 or 2011年4月20日. Check with: "
            "docgen form check FILE\n")
    return head + out.getvalue()


def starter(form_type: str) -> str:
    """A YAML form of `form_type`: every field, commented, filled with the example's values."""
    return starter_yaml(form_type, starter_data(form_type))
