"""Placeholders: the ×× and 某某 a starter form is filled with, and the check that none is left.

A starter carries no other unit's words (a half-edited copy of an example once passed `form
check` while still naming another unit's 印发机关, contact and attachments). Every value of a
starter is a placeholder; `form check` refuses any placeholder left, at its line.
"""

from __future__ import annotations

import re

from docgen.errors import Problem
from docgen.i18n import N_
from docgen.i18n import cli_gettext as _

MARK = re.compile(r"××|某某")
FIX = N_("replace it with your unit's own value (or delete an optional field)")

# placeholders shaped like the value they stand for, by field name
BY_FIELD = {
    "unit": "某某局某某处", "issuer": "某某局某某处", "signature": "某某局某某处",
    "printed_by": "某某局某某处办公室", "addressee": "某某局监察科",
    "doc_number": "××〔20××〕×号", "title": "某某局某某处20××年民主评议××××",
    "phone": "××××-××××××××", "name": "某某", "mailbox": "××××××", "unit_code": "××",
}


def placeholder(field: str, description: str = "", kind: str = "text") -> str:
    """A placeholder for a field: shaped like its value where docgen knows the shape."""
    if kind == "date":
        return "20××年×月×日"
    if field in BY_FIELD and (field != "name" or "姓名" in description):
        return BY_FIELD[field]
    hint = re.split(r"[:：,，;；(（]", description or "", maxsplit=1)[0].strip()
    return f"××××（{hint}）" if hint and not hint.isascii() else "××××"


def problems(data, positions, file: str, path: tuple = ()) -> list[Problem]:
    """Every placeholder left in a form's data, as a located Problem."""
    found = []
    if isinstance(data, dict):
        for k, v in data.items():
            found += problems(v, positions, file, path + (str(k),))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += problems(v, positions, file, path + (i,))
    elif isinstance(data, str) and MARK.search(data):
        line = None
        for n in range(len(path), 0, -1):
            line = positions.get(path[:n])
            if line:
                break
        field = ".".join(str(p) for p in path)
        found.append(Problem(file, line, field,
                             _("still the placeholder {value!r}").format(value=data), FIX))
    return found
