"""§3 Nothing typed can break a later step: the door check on form values and options."""

from __future__ import annotations

import json

import pytest

from docgen.cli._common import tsv
from docgen.errors import ExitCode
from tests.hostile.support import EXAMPLES, fake_pdfa, files_under

PLAN = (EXAMPLES / "plan.yaml").read_text(encoding="utf-8")
TITLE = "title: 区建设局规划处2011年民主评议工作实施方案"


def plan_json(tmp_path, **changes):
    from docgen.forms import parse

    data, _ = parse(PLAN, EXAMPLES / "plan.yaml")
    data.update(changes)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("value, what", [
    ("区建设局\x07规划处", "BEL (U+0007)"),                    # the issue's \x07 in a title
    ("区建设局\x1b[31m规划处", "ESC (U+001B)"),
    ("区建设局\x00规划处", "NUL (U+0000)"),
    ("区建设局\x85规划处", "C1 control character (U+0085)"),
    ("区建设局\ud800规划处", "lone UTF-16 surrogate"),
    ("区建设局\ufdd0规划处", "non-character (U+FDD0)"),
    ("区建设局\uffff规划处", "non-character (U+FFFF)"),
    ("区建设局\t规划处", "TAB (U+0009)"),                      # a one-line field
    ("区建设局\n规划处", "LINE FEED (U+000A)"),
])
def test_form_field_with_a_control_character_is_exit_3_at_its_line(tmp_path, docgen, value,
                                                                   what):
    form = plan_json(tmp_path, title=value)
    code, out, err = docgen("form", "check", form)
    assert code == ExitCode.bad_form == 3, err
    assert f"{form}:" in err and "title: " in err and what in err
    before = files_under(tmp_path)
    code, out, err = docgen("generate", form, "-o", tmp_path / "out")
    assert code == 3 and out == "" and files_under(tmp_path) == before


def test_yaml_escape_in_a_title_names_file_line_and_field(tmp_path, docgen):
    form = tmp_path / "plan.yaml"
    form.write_text(PLAN.replace(TITLE, 'title: "区建设局\\a规划处"'), encoding="utf-8")
    line = PLAN.splitlines().index(TITLE) + 1
    code, out, err = docgen("form", "check", form)
    assert code == 3
    assert f"{form}:{line}: title: contains the control character BEL" in err
    assert "\x07" not in err  # the message quotes nothing raw


def test_multi_line_fields_keep_tab_and_newline_but_not_escapes(tmp_path, docgen):
    ok = plan_json(tmp_path, basis="第一段。\n\t第二段。")
    assert docgen("form", "check", ok)[0] == 0
    bad = plan_json(tmp_path, basis="第一段。\n\x1b[2J第二段。")
    code, out, err = docgen("form", "check", bad)
    assert code == 3 and "basis: contains the control character ESC" in err


@pytest.fixture
def archive(tmp_path):
    from docgen.archive import init_archive
    from tests.test_archive_support import FONDS

    return init_archive(tmp_path / "archive", by="测试员", **FONDS)


IMPORT = ["import", "--type", "other", "--date", "2011-06-10"]


@pytest.mark.parametrize("args, option", [
    (IMPORT + ["--title", "规划处\x1b[31m纪要"], "--title"),   # the bundle breaker
    (IMPORT + ["--title", "T", "--kind", "纪要\x07"], "--kind"),
    (IMPORT + ["--title", "T", "--unit", "区建设局\x00规划处"], "--unit"),
    (IMPORT + ["--title", "T", "--doc-number", "建规\x9b3号"], "--doc-number"),
    (IMPORT + ["--title", "T", "--by", "张三\ud800"], "--by"),
    (IMPORT + ["--title", "T\tU"], "--title"),
    (["withdraw", "Z109-WS·2011-D30-GHC-0001", "--reason", "误报\x1b"], "--reason"),
    (["file", "--withdraw", "Z109-WS·2011-D30-GHC-0001", "--reason", "误报\x1b"], "--reason"),
    (["init", "--update", "--unit", "区建设局\x1b规划处=GHC"], "--unit"),
    (["status", "--unit", "GHC\x1b"], "--unit"),
    (["search", "审批\x1b[2J"], "QUERY"),
    (["bundle", "--unit", "GHC\x07", "-o", "x.zip"], "--unit"),
])
def test_text_option_with_a_control_character_is_exit_10_naming_it(tmp_path, docgen, archive,
                                                                    args, option):
    pdf = fake_pdfa(tmp_path / "x.pdf")
    if args[0] == "import":
        args = args + [pdf]
    before = files_under(archive.root)
    code, out, err = docgen(*args, "--archive", archive.root)
    assert code == ExitCode.bad_input == 10, err
    assert err.count("\n") == 1 and option.lower() in err.lower()
    assert "\x1b" not in err and "\x07" not in err
    assert files_under(archive.root) == before


def test_init_refuses_a_unit_name_with_a_control_character(tmp_path, docgen):
    code, out, err = docgen("init", tmp_path / "a", "--fonds-code", "Z109", "--fonds-name",
                            "区建设局\x1b", "--unit", "规划处=GHC")
    assert code == 10 and "--fonds-name" in err
    assert not (tmp_path / "a").exists()


def test_settings_api_refuses_control_characters(tmp_path):
    from docgen.archive import init_archive
    from docgen.errors import BadInput

    with pytest.raises(BadInput, match="unit name"):
        init_archive(tmp_path / "a", fonds_code="Z109", fonds_name="区建设局",
                     units=[("规划处\x1b", "GHC")])


def test_tab_separated_output_escapes_each_cell():
    assert tsv("a\tb", "c\nd", "\x1b[31m", "e\\f", None) == "a\\tb\tc\\nd\t\\x1b[31m\te\\\\f\t"
    assert tsv("区建设局", "a\u2028b") == "区建设局\ta\\u2028b"  # splitlines() breaks at U+2028


def test_an_escape_filed_before_the_door_check_does_not_stop_the_bundle(tmp_path, docgen,
                                                                       monkeypatch):
    """The issue's case: ESC in an imported title made `docgen bundle` fail for the whole
    year (openpyxl IllegalCharacterError), even after --withdraw. An archive filed before
    the door check may still hold one: the catalogue writes it as an escape."""
    import datetime as dt

    from docgen.archive import ImportOptions
    from tests.hostile.support import small_archive

    arc = small_archive(tmp_path, imports=0)
    # as docgen once was: options built without the door check (pydantic's model_construct)
    unchecked = ImportOptions.model_construct(
        type="other", kind="听证会纪要", title="听证\x1b[31m会纪要", date=dt.date(2011, 6, 10),
        unit="区建设局规划处", unit_code=None, doc_number=None, responsible=None,
        retention="定期30年", classification="公开", campaign_year=None, by=None,
        supersedes=None, submitted=None, duplicate_ok=False)
    rec = arc.file_import(fake_pdfa(tmp_path / "esc.pdf"), unchecked)
    code, out, err = docgen("status", "--archive", arc.root, "--year", "2011")
    assert code == 0 and "\x1b" not in out
    code, out, err = docgen("bundle", "--archive", arc.root, "--year", "2011",
                            "-o", tmp_path / "b.zip")
    assert code == 0, err
    code, out, err = docgen("bundle", "verify", tmp_path / "b.zip")
    assert code == 0, err
    from docgen.bundle import catalogue

    assert catalogue.row(1, rec.metadata).title == "听证\\x1b[31m会纪要"
