"""The command line as a whole: documented commands, fast help, clean errors, exit codes."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from docgen.cli import COMMANDS, cli
from docgen.errors import ExitCode
from tests.conftest import EXAMPLES, ROOT, tree


def all_commands():
    ctx = click.Context(cli)
    for name in COMMANDS:
        cmd = cli.get_command(ctx, name)
        if cmd is None:
            continue
        yield name, cmd
        if isinstance(cmd, click.Group):
            for sub in cmd.commands.values():
                yield f"{name} {sub.name}", sub


def test_every_command_is_registered_and_documented_with_an_example():
    seen = dict(all_commands())
    assert {"form", "form new", "form check", "form schema", "template check",
            "generate"} <= set(seen)
    for name, cmd in seen.items():
        assert cmd.help and "Example:" in cmd.help, f"`docgen {name}` has no example in its help"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in seen:
        assert f"docgen {name}" in readme, f"README.md does not document `docgen {name}`"


def test_help_is_fast_and_imports_nothing_heavy():
    code = ("import sys; from docgen.cli import main; rc = main(['--help']); "
            "heavy = [m for m in ('docx', 'docxtpl', 'pydantic', 'whoosh', 'jieba', 'pikepdf', "
            "'pypdf', 'reportlab', 'ruamel', 'bagit', 'openpyxl') if m in sys.modules]; "
            "print(heavy); sys.exit(rc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("[]"), out.stdout


def test_cli_shim_does_what_the_console_script_does(tmp_path):
    shim = subprocess.run([sys.executable, str(ROOT / "cli.py"), "form", "check",
                           EXAMPLES / "plan.yaml"], capture_output=True, text=True)
    assert shim.returncode == 0 and "ok (plan" in shim.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("type: nonsense\n")
    shim = subprocess.run([sys.executable, str(ROOT / "cli.py"), "form", "check", bad],
                          capture_output=True, text=True)
    assert shim.returncode == ExitCode.bad_form
    assert shim.stderr.startswith(f"docgen: {bad}:1: type: 'nonsense' is not a form type")
    assert "Traceback" not in shim.stderr


def test_generate_writes_every_example(tmp_path, docgen):
    code, out, err = docgen("generate", *sorted(EXAMPLES.glob("*.yaml")), "-o", tmp_path)
    assert code == 0, err
    assert out.split() == [str(tmp_path / f"{k}.docx") for k in (
        "assessment", "commitment", "fulfillment", "hearing", "opinions", "plan", "results",
        "summary")]


def test_generate_is_all_or_nothing(examples, tmp_path, docgen):
    (examples / "broken.yaml").write_text("type: summary\nunit: 区建设局\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, err = docgen("generate", examples / "plan.yaml", examples / "broken.yaml",
                            "-o", out_dir)
    assert code == ExitCode.bad_form
    assert "nothing was written" in err and "broken.yaml: addressee: is required" in err
    assert out == "" and not out_dir.exists()


def test_generate_refuses_two_forms_to_one_name(examples, tmp_path, docgen):
    (examples / "sub").mkdir()
    (examples / "sub" / "plan.yaml").write_bytes((examples / "plan.yaml").read_bytes())
    before = tree(tmp_path)
    code, out, err = docgen("generate", examples / "plan.yaml", examples / "sub" / "plan.yaml",
                            "-o", tmp_path)
    assert code == ExitCode.bad_input and "would both be written to" in err
    assert tree(tmp_path) == before


def test_verbose_shows_the_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("type: plan\n")
    quiet = subprocess.run([sys.executable, str(ROOT / "cli.py"), "form", "check", bad],
                           capture_output=True, text=True)
    loud = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--verbose", "form", "check",
                           bad], capture_output=True, text=True)
    assert "Traceback" not in quiet.stderr and "Traceback" in loud.stderr
    assert quiet.returncode == ExitCode.bad_form and loud.returncode != 0


def test_usage_errors_exit_2(docgen):
    code, out, err = docgen("form", "new", "memo")
    assert code == ExitCode.usage and "Invalid value" in err


@pytest.mark.slow
def test_generate_pdf_side_by_side(tmp_path, docgen):
    from pypdf import PdfReader

    code, out, err = docgen("generate", EXAMPLES / "commitment.yaml", "-o", tmp_path, "--pdf")
    assert code == 0, err
    assert out.split() == [str(tmp_path / "commitment.docx"), str(tmp_path / "commitment.pdf")]
    reader = PdfReader(tmp_path / "commitment.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "区建设局规划处2011年民主评议服务承诺书" in text.replace(" ", "").replace("\n", "")
    assert reader.metadata.title == "区建设局规划处2011年民主评议服务承诺书"


def test_generate_pdf_without_libreoffice_writes_nothing(tmp_path, monkeypatch, docgen):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    code, out, err = docgen("generate", EXAMPLES / "plan.yaml", "-o", tmp_path / "o", "--pdf")
    assert code == ExitCode.converter_missing, err
    assert "libreoffice-writer-nogui" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


BAD_FORMS = {
    "malformed.yaml": b"type: plan\nunit: [\n",
    "malformed.json": b'{"type": "plan",}',
    "malformed.toml": b'type = "plan\n',
    "unknown-type.yaml": "type: 通知\n".encode(),
    "missing-field.yaml": "type: plan\nunit: 区建设局规划处\n".encode(),
    "gbk.yaml": "type: plan\nunit: 区建设局规划处\n".encode("gbk"),
    "empty.yaml": b"",
    "impossible-date.yaml": (EXAMPLES / "plan.yaml").read_bytes().replace(
        b"date: 2011-04-15", b"date: 2011-04-31"),
    "no-target.yaml": (EXAMPLES / "commitment.yaml").read_bytes().replace(
        "    target: 公开审批事项36项，公开率100%\n".encode(), b""),
    "no-deadline.yaml": (EXAMPLES / "commitment.yaml").read_bytes().replace(
        b"    deadline: 2011-07-31\n", b""),
    "extra-field.yaml": (EXAMPLES / "summary.yaml").read_bytes() + "评分: 95\n".encode(),
    "wrong-type.yaml": (EXAMPLES / "summary.yaml").read_bytes().replace(
        "achievements:\n".encode(), "achievements: 成效显著\nx:\n".encode(), 1),
}


@pytest.mark.parametrize("name", sorted(BAD_FORMS))
def test_generate_bad_form_writes_nothing(tmp_path, docgen, name):
    form = tmp_path / name
    form.write_bytes(BAD_FORMS[name])
    out_dir = tmp_path / "out"
    code, out, err = docgen("generate", form, EXAMPLES / "plan.yaml", "-o", out_dir, "--pdf")
    assert code == ExitCode.bad_form, err
    assert "Traceback" not in err and out == ""
    assert str(form) in err and " — " in err  # where, and how to fix it
    assert not out_dir.exists()


def test_generate_huge_form_writes_nothing(tmp_path, docgen):
    form = tmp_path / "huge.yaml"
    with open(form, "wb") as f:
        f.truncate(50 * 1024 * 1024)
    code, out, err = docgen("generate", form, "-o", tmp_path / "out")
    assert code == ExitCode.bad_form and "a form is at most 5 MB" in err
    assert not (tmp_path / "out").exists()


def test_the_command_reference_is_generated_from_the_commands():
    """docs/commands.md is what the commands' own --help says (regenerate:
    python scripts/command_reference.py)."""
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "command_reference.py"),
                        "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_generate_never_overwrites_a_document_unless_forced(docgen, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    edited = out / "plan.docx"
    edited.write_bytes(b"a clerk's hand-edited document")
    code, stdout, err = docgen("generate", EXAMPLES / "plan.yaml", EXAMPLES / "summary.yaml",
                               "-o", out)
    assert code == 10 and f"{edited} already exists" in err and "--force" in err
    assert edited.read_bytes() == b"a clerk's hand-edited document"
    assert sorted(p.name for p in out.iterdir()) == ["plan.docx"]  # nothing written
    code, stdout, err = docgen("generate", EXAMPLES / "plan.yaml", "-o", out, "--force")
    assert code == 0, err
    assert edited.read_bytes().startswith(b"PK")
