"""§4 Templates cannot exhaust the machine: every bound is exit 4 with the reason, and
`template check` refuses everything `generate` refuses."""

from __future__ import annotations

import struct
import zipfile

import pytest

from docgen.errors import ExitCode, TemplateError
from docgen.forms import load_form
from docgen.render import render_documents
from docgen.sandbox import Limits
from tests.hostile.support import EXAMPLES, files_under, word_template

PLAN = EXAMPLES / "plan.yaml"


@pytest.mark.parametrize("tag, reason", [
    ("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
     "range() of 100000 items, past the template limit of 10000"),
    ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
     "loops ask for more than 100000 range() items"),
    ("{{ range(10**9)|length }}", "range() of 1000000000 items"),
    ("{{ '9' * 10**8 }}", "repeating a value would make 100000000 characters"),
    ("{{ [1] * 10**9 }}", "repeating a value would make 1000000000"),
    ("{{ 'x'|center(10**9) }}", "center() would make 1000000000 characters"),
    ("{{ title.center(10**9) }}", "str.center() would make 1000000000"),
    ("{{ title.ljust(10**9) }}", "str.ljust() would make"),
    ("{{ title|indent(10**8) }}", "indent() would make"),
    ("{{ ('x' * 100000)|replace('x', 'y' * 100000) }}", "replace() would make"),
    ("{{ ('x' * 1000000).replace('x', 'yy') }}", "str.replace() would make"),
    ("{{ '%0*d' % (10**9, 1) }}", "a '%*' width would make 1000000000"),
    ("{{ '%01000000000d' % 1 }}", "a '%' width would make 1000000000"),
    ("{{ 10 ** 10000000 }}", "a power of"),
    ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
     "macros or recursive loops call each other more than 30 deep"),
    ("{% for x in [[1]] recursive %}{{ loop([[x]]) }}{% endfor %}", "more than 30 deep"),
    ("{% include 'other.docx' %}", "{% include %} is not allowed"),
    ("{% import 'macros' as m %}", "{% import %} is not allowed"),
    ("{% from 'macros' import f %}", "{% from … import %} is not allowed"),
    ("{% extends 'base.docx' %}", "{% extends %} is not allowed"),
    ("{{ ''.__class__.__mro__ }}", "'__mro__' reaches into Python internals"),
    ("{{ title['__class__'] }}", "'__class__' reaches into Python internals"),
    ("{{ '{:>999999999}'.format(1) }}", "access to attribute 'format' of 'str' object is unsafe"),
    ("{{ lipsum(10**7) }}", "lipsum"),  # not defined: text out of nothing
    ("{{ 1 / 0 }}", "ZeroDivisionError"),
])
def test_template_past_a_bound_is_exit_4_and_writes_nothing(tmp_path, docgen, tag, reason):
    tpl = word_template(tmp_path / "plan.docx", "{{ title }}", tag)
    out = tmp_path / "out"
    code, stdout, err = docgen("generate", PLAN, "-o", out, "--template", tpl)
    assert code == ExitCode.bad_template == 4, err
    assert reason in err and "Traceback" not in err and "internal error" not in err
    assert not out.exists()
    code, stdout, err = docgen("template", "check", tpl)  # refuses it too
    assert code == 4 and reason in err, err
    assert files_under(tmp_path) == {"plan.docx": tpl.read_bytes()}


def test_rendering_past_the_time_limit_is_stopped(tmp_path):
    """Loops over a string evade every count; the child is killed at the wall-clock limit."""
    tpl = word_template(tmp_path / "slow.docx", "{% set s = 'x' * 3000 %}{% for a in s %}"
                        "{% for b in s %}{% for c in s %}{% endfor %}{% endfor %}{% endfor %}")
    with pytest.raises(TemplateError, match=r"slow.docx: rendering took longer than 2 s and "
                                            "was stopped"):
        render_documents([(load_form(PLAN), tmp_path / "out" / "p.docx")], tpl,
                         limits=Limits(seconds=2))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slow.docx"]


def test_rendering_past_the_memory_limit_is_stopped(tmp_path):
    tpl = word_template(tmp_path / "big.docx", "{% set ns = namespace(s='x' * 1000000) %}"
                        "{% for i in range(14) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
                        "{{ ns.s|length }}")
    with pytest.raises(TemplateError, match="memory"):
        render_documents([(load_form(PLAN), tmp_path / "out" / "p.docx")], tpl,
                         limits=Limits(memory=256 << 20))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.docx"]


def test_output_past_the_limit_is_refused(tmp_path):
    with pytest.raises(TemplateError, match="output passes 1000 characters"):
        render_documents([(load_form(PLAN), tmp_path / "p.docx")], limits=Limits(
            max_output=1_000))
    assert list(tmp_path.iterdir()) == []


def test_a_file_past_the_size_limit_is_stopped(tmp_path):
    with pytest.raises(TemplateError, match="wrote a file past 4096 bytes"):
        render_documents([(load_form(PLAN), tmp_path / "p.docx")], limits=Limits(
            max_file_bytes=4096))
    assert list(tmp_path.iterdir()) == []


def _declare_size(docx, part: str, size: int) -> None:
    """Make the zip's central directory claim `part` unpacks to `size` bytes."""
    data = bytearray(docx.read_bytes())
    with zipfile.ZipFile(docx) as z:
        info = z.getinfo(part)
    name = part.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        if data[at + 46: at + 46 + len(name)] == name:
            struct.pack_into("<I", data, at + 24, size)  # uncompressed size
            break
        at = data.find(b"PK\x01\x02", at + 4)
    docx.write_bytes(bytes(data))
    assert zipfile.ZipFile(docx).getinfo(part).file_size == size != info.file_size


def test_zip_bomb_part_is_refused_before_unpacking(tmp_path, docgen, monkeypatch):
    tpl = word_template(tmp_path / "bomb.docx", "{{ title }}")
    _declare_size(tpl, "word/document.xml", 2 << 30)
    import docxtpl

    # bounded work: python-docx never opens the package
    monkeypatch.setattr(docxtpl.DocxTemplate, "init_docx",
                        lambda *a, **k: pytest.fail("the package was unpacked"))
    for args in (("generate", PLAN, "-o", tmp_path / "out", "--template", tpl),
                 ("template", "check", tpl, "--type", "plan")):
        code, out, err = docgen(*args)
        assert code == 4, err
        assert "refused before unpacking: part word/document.xml unpacks to 2048 MB" in err
    assert not (tmp_path / "out").exists()


def test_highly_compressed_part_is_refused(tmp_path, docgen):
    tpl = word_template(tmp_path / "ratio.docx", "{{ title }}")
    with zipfile.ZipFile(tpl, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/media/blank.bin", bytes(8 << 20))
    code, out, err = docgen("template", "check", tpl, "--type", "plan")
    assert code == 4 and "unpacks to" in err and "times its packed size" in err


def test_template_check_names_the_paragraph_where_the_broken_block_opens(tmp_path, docgen):
    tpl = word_template(tmp_path / "plan.docx", "{{ title }}", "{% for a in attachments %}{{ a }}",
                        *[f"正文{i}" for i in range(20)], "{% if copy_to %}抄送{% endif %}")
    code, out, err = docgen("template", "check", tpl)
    assert code == 4
    assert "body paragraph 2 '{% for a in attachments %}{{ a }}': Unexpected end of template" in err


def test_the_render_child_dies_with_its_parent(tmp_path):
    """SIGKILL the process that started a slow render: its child must not run on."""
    import os
    import signal
    import subprocess
    import sys
    import time

    tpl = word_template(tmp_path / "slow.docx", "{% set s = 'x' * 3000 %}{% for a in s %}"
                        "{% for b in s %}{% for c in s %}{% endfor %}{% endfor %}{% endfor %}")
    script = (f"from docgen.forms import load_form; from docgen.render import render_documents;"
              f"render_documents([(load_form({str(PLAN)!r}), {str(tmp_path / 'p.docx')!r})], "
              f"{str(tpl)!r})")
    parent = subprocess.Popen([sys.executable, "-c", script])
    child = None
    for _ in range(600):  # until the render child exists (bounded: 60 s of polling)
        kids = subprocess.run(["pgrep", "-P", str(parent.pid)], capture_output=True,
                              text=True).stdout.split()
        if kids:
            child = int(kids[0])
            break
        time.sleep(0.1)
    assert child is not None, "the render child never started"
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(timeout=60)
    for _ in range(600):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        try:
            with open(f"/proc/{child}/stat") as f:
                if f.read().split()[2] == "Z":  # dead, waiting for init to reap it
                    break
        except FileNotFoundError:
            break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the render child outlived its parent by a minute")
