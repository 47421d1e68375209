"""Commented starter forms for `docgen form new TYPE`, built from the models and the examples."""

from __future__ import annotations

import io

from docgen import resources
from docgen.models import FORM_MODELS
from docgen.vocab import FORM_TYPES



def starter(form_type: str) -> str:
    """A YAML form of `form_type`: every field, commented, filled with the example's values."""
    from ruamel.yaml import YAML

    model = FORM_MODELS[form_type]
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.allow_unicode = True
    example = yaml.load(resources.example(form_type).read_text(encoding="utf-8"))
    example.ca.comment = None  # the example's own header; ours replaces it
    for key, field in model.model_fields.items():
        if key not in example:
            continue
        need = "required" if field.is_required() else "optional"
        desc = field.description or ""
        example.yaml_set_comment_before_after_key(key, before=f"{key}: {desc} ({need})")
    out = io.StringIO()
    yaml.dump(example, out)
    head = (f"# docgen form: {FORM_TYPES[form_type]} ({form_type}). Replace the example "
            "values with your unit's own.\n# Dates: 2011-04-20 or 2011年4月20日. Check with: "
            "docgen form check FILE\n")
    return head + out.getvalue()
