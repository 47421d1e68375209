"""§3 Form files that would hang or blow up the parser: each refused with exit 3, bounded."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from docgen.errors import ExitCode
from tests.hostile.support import EXAMPLES, ROOT, files_under

PLAN = (EXAMPLES / "plan.yaml").read_text(encoding="utf-8")
DEEP = "[" * 50_000 + "]" * 50_000
LAUGHS = """type: plan
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def check(docgen, path):
    code, out, err = docgen("form", "check", path)
    assert "Traceback" not in err
    return code, err


def test_billion_laughs_is_refused_before_the_tree_is_built(tmp_path, docgen, monkeypatch):
    from ruamel.yaml.composer import Composer

    form = tmp_path / "laughs.yaml"
    form.write_text(LAUGHS)
    assert len(form.read_bytes()) < 400  # the 342-byte form, give or take
    # bounded work: the refusal comes from the event scan, before any node is composed
    monkeypatch.setattr(Composer, "compose_document",
                        lambda self: pytest.fail("the YAML tree was composed"))
    code, err = check(docgen, form)
    assert code == ExitCode.bad_form == 3
    assert f"{form}:2: uses a YAML anchor or alias" in err


@pytest.mark.parametrize("name, text, expected", [
    ("alias.yaml", PLAN + "copy_to: &c [区纪委]\nattachments: *c\n", "anchor or alias"),
    ("merge.yaml", "type: plan\nbase: &b {unit: 区建设局}\ncontact:\n  <<: *b\n",
     "anchor or alias"),
    ("deep.yaml", f"type: plan\nx: {DEEP}\n", "nested more than 16"),
    ("deep.json", f'{{"type": "plan", "x": {DEEP}}}', "nested more than 16"),
    ("deep.toml", f"type = 'plan'\nx = {DEEP}\n", "nested more than 16"),
    ("int.yaml", "type: plan\nx: " + "9" * 100_000 + "\n", "is too large"),
    ("int.json", '{"type": "plan", "x": ' + "9" * 100_000 + "}", "is too large"),
    ("int.toml", "type = 'plan'\nx = " + "9" * 100_000 + "\n", "is too large"),
    ("nan.json", '{"type": "plan", "x": NaN}', "NaN is not a JSON value"),
    ("tag.yaml", "type: !!python/object/apply:os.system [ls]\n", "uses the YAML tag"),
    ("year.yaml", PLAN.replace("date: 2011-04-15", "date: 0999-04-15"),
     "date: the year 999 is outside 2000–2099"),
    ("year2.yaml", PLAN.replace("date: 2011-04-15", "date: 2100-04-15"),
     "the year 2100 is outside"),
    # joint documents (联合行文): the issuer list is bounded and every name is a name
    ("none.yaml", PLAN.replace("issuer: 区建设局规划处", "issuer: []"),
     ":7: issuer: the list is empty"),
    ("twice.yaml", PLAN.replace("issuer: 区建设局规划处", "issuer: [区建设局, 区建设局]"),
     ":7: issuer: '区建设局' is given twice"),
    ("nine.yaml", PLAN.replace("issuer: 区建设局规划处",
                               "issuer: [" + ", ".join(f"第{i}局" for i in range(9)) + "]"),
     ":7: issuer: 9 names — a joint document's head holds at most 8"),
    ("nested.yaml", PLAN.replace("issuer: 区建设局规划处", "issuer: [区建设局, [区财政局]]"),
     ":7: issuer: name 2: input should be a valid string"),
    ("escape.yaml", PLAN.replace("issuer: 区建设局规划处", 'issuer: [区建设局, "区财政局\\e[31m"]'),
     ":7: issuer: name 2: contains the control character ESC"),
])
def test_hostile_form_file_is_exit_3(tmp_path, docgen, name, text, expected):
    form = tmp_path / name
    form.write_text(text, encoding="utf-8")
    code, err = check(docgen, form)
    assert code == 3 and expected in err, err
    before = files_under(tmp_path)
    code, out, err = docgen("generate", form, "-o", tmp_path / "out")
    assert code == 3 and files_under(tmp_path) == before


def test_a_form_past_5_mb_is_refused_unread(tmp_path, docgen):
    form = tmp_path / "big.yaml"
    with open(form, "wb") as f:
        f.truncate(5_000_001)
    code, err = check(docgen, form)
    assert code == 3 and "is 5.0 MB; a form is at most 5 MB" in err


@pytest.mark.parametrize("kind", ["/dev/zero", "fifo"])
def test_devices_and_fifos_fail_fast(tmp_path, kind):
    """`docgen form check /dev/zero` or a FIFO nobody writes to: exit 3, nothing read.

    Run as a process: were the FIFO opened for a blocking read it would wait forever; the
    timeout is only a hang guard, not a speed check.
    """
    path = kind
    if kind == "fifo":
        path = tmp_path / "form.yaml"
        os.mkfifo(path)
    run = subprocess.run([sys.executable, str(ROOT / "cli.py"), "form", "check", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 3, run.stderr
    assert "is not a regular file (a device, pipe or socket)" in run.stderr
