"""The archive commands as a user runs them: init, file, status, verify — and bad input."""

import json

import pytest

from docgen.archive import Archive
from test_archive_support import tree

INIT = ["init", "--fonds-code", "Z109", "--fonds-name", "区建设局",
        "--unit", "区建设局规划处=GHC", "--unit", "区建设局办公室=BGS"]


@pytest.fixture(autouse=True)
def _no_env_archive(monkeypatch):
    monkeypatch.delenv("DOCGEN_ARCHIVE", raising=False)


@pytest.fixture
def root(tmp_path, docgen):
    code, out, err = docgen(*INIT, tmp_path / "archive", "--by", "档案员")
    assert code == 0, err
    assert "archive created" in out
    return tmp_path / "archive"


def imp(root, sources, *extra):
    return ["import", "--archive", root, sources / "plan.pdf", "--type", "other",
            "--kind", "听证会纪要", "--title", "规划处听证会纪要", "--date", "2011-06-10",
            "--unit", "区建设局规划处", *extra]


def assert_clean_failure(result, code, *phrases):
    got, out, err = result
    assert got == code, (got, out, err)
    assert "Traceback" not in err and err.startswith("docgen: ")
    for phrase in phrases:
        assert phrase in err, (phrase, err)


def test_help_of_every_archive_command_has_an_example(docgen):
    for cmd in ("init", "file", "status", "verify"):
        code, out, _ = docgen(cmd, "--help")
        assert code == 0 and "Example:" in out


def test_init_file_import_status_verify(root, sources, docgen):
    code, out, err = docgen(*imp(root, sources, "--by", "张三"))
    assert code == 0, err
    assert out.startswith("Z109-WS·2011-D30-GHC-0001\tfiled\t规划处听证会纪要")
    rec = Archive(root).record("Z109-WS·2011-D30-GHC-0001")
    assert rec.kind == "听证会纪要" and rec.pages >= 1
    assert list(Archive(root).audit_entries())[-1]["by"] == "张三"
    code, out, _ = docgen("status", "--archive", root, "--year", "2011", "--unit", "GHC",
                          "--today", "2011-07-01", "--json")
    data = json.loads(out)
    hearing = next(r for r in data["rows"] if r["step"] == "hearing")
    assert code == 0 and hearing["filing_numbers"] == ["Z109-WS·2011-D30-GHC-0001"]
    code, out, _ = docgen("status", "--archive", root, "--year", "2011", "--today",
                          "2011-07-01", "--strict", "--tsv")
    assert code == 11 and "GHC\t部署动员\t工作方案\t2011-04-20\tmissing" in out
    code, out, _ = docgen("verify", "--archive", root, "--json")
    assert code == 0 and json.loads(out)["ok"] is True


def test_withdraw_and_supersede_from_the_command_line(root, sources, docgen):
    docgen(*imp(root, sources))
    code, out, err = docgen(*imp(root, sources, "--supersedes", "Z109-WS·2011-D30-GHC-0001"))
    assert code == 0, err
    code, out, err = docgen("withdraw", "--archive", root,
                            "Z109-WS·2011-D30-GHC-0002", "--reason", "误报")
    assert code == 0 and "withdrawn" in out
    statuses = [r.status for r in Archive(root).records()]
    assert statuses == ["superseded", "withdrawn"]


def test_verify_reports_every_problem_with_exit_8(root, sources, docgen):
    docgen(*imp(root, sources))
    rec = next(Archive(root).records())
    rec.files["pdf"].chmod(0o644)
    rec.files["pdf"].write_bytes(rec.files["pdf"].read_bytes()[:-100])
    (root / "stray.txt").write_text("x")
    code, out, err = docgen("verify", "--archive", root, "--tsv")
    assert code == 8 and "真实性\tFAIL" in out and "安全性\tFAIL" in out
    assert "stray.txt" in err and "size is" in err and "Traceback" not in err


@pytest.mark.parametrize("args,code,phrases", [
    (["withdraw", "Z109-WS·2011-D30-GHC-0009", "--reason", "x"], 7,
     ["no 件 Z109-WS·2011-D30-GHC-0009"]),
    (["withdraw", "9", "--reason", "x"], 10, ["not a 档号"]),
    (["withdraw", "Z109-WS·2011-D30-GHC-0001"], 10, ["--reason"]),
    (["status", "--unit", "财务科"], 10, ["not in the archive's settings"]),
    (["status", "--today", "明天"], 10, ["--today", "not a date"]),
    (["init", "--update", "--deadline", "2011:hearing"], 10, ["YEAR:STEP=DATE"]),
    (["init", "--update", "--deadline", "2011:hearing=6月"], 10, ["not a date"]),
    (["init", "--update", "--unit", "区建设局规划处=XYZ"], 10, ["already has code GHC"]),
    (["init", "--update", "--fonds-code", "Z1"], 10, ["cannot change the 全宗号"]),
    (["file"], 10, ["name the form files"]),
])
def test_bad_input_changes_nothing(root, docgen, args, code, phrases):
    before = tree(root)
    cmd, *rest = args
    assert_clean_failure(docgen(cmd, "--archive", root, *rest), code, *phrases)
    assert tree(root) == before


@pytest.mark.parametrize("extra,code,phrases", [
    (["--date", "2011-13-01"], 10, ["not a real date"]),
    (["--unit", "区建设局财务科"], 7, ["not in the archive's settings", "--unit"]),
    (["--unit", "区建设局财务科", "--unit-code", "cw"], 10, ["capital letters"]),
    (["--unit", "区建设局财务科", "--unit-code", "GHC"], 7,
     ["unit code GHC belongs to '区建设局规划处'", "write the unit as '区建设局规划处'"]),
    (["--supersedes", "Z109-WS·2011-D30-GHC-0005"], 7, ["no 件"]),
    (["--campaign-year", "11"], 10, ["four-digit"]),
])
def test_bad_import_changes_nothing(root, sources, docgen, extra, code, phrases):
    before = tree(root)
    assert_clean_failure(docgen(*imp(root, sources, *extra)), code, *phrases)
    assert tree(root) == before


def test_bad_import_type_and_missing_file(root, sources, docgen):
    before = tree(root)
    code, _, err = docgen("import", "--archive", root, sources / "plan.pdf",
                          "--type", "letter", "--title", "x", "--date", "2011-01-01")
    assert code == 2 and "letter" in err and "Traceback" not in err
    assert_clean_failure(docgen("import", "--archive", root, sources / "gone.pdf",
                                "--type", "other", "--title", "x", "--date", "2011-01-01"),
                         10, "gone.pdf", "no such file")
    assert_clean_failure(docgen("import", "--archive", root, sources / "plan.pdf"),
                         10, "--title", "--date")
    assert tree(root) == before


def test_invalid_form_files_nothing(root, sources, docgen):
    bad = sources / "bad.yaml"
    bad.write_text((sources / "plan.yaml").read_text(encoding="utf-8").replace(
        "date: 2011-04-15", "date: 2011-04-31"), encoding="utf-8")
    before = tree(root)
    assert_clean_failure(docgen("file", "--archive", root, sources / "plan.yaml", bad), 3,
                         "bad.yaml:10", "not a real date")
    assert tree(root) == before


def test_form_of_a_unit_without_code_files_nothing(root, sources, docgen):
    form = sources / "other-unit.yaml"
    form.write_text((sources / "plan.yaml").read_text(encoding="utf-8").replace(
        "unit: 区建设局规划处\nunit_code: GHC\n", "unit: 区建设局财务科\n"), encoding="utf-8")
    before = tree(root)
    assert_clean_failure(docgen("file", "--archive", root, form), 7, "区建设局财务科",
                         "not in the archive's settings")
    assert tree(root) == before


def test_missing_archive_everywhere(tmp_path, sources, docgen):
    for args in (["file", sources / "plan.yaml"], ["status"], ["verify"],
                 ["withdraw", "Z109-WS·2011-D30-GHC-0001", "--reason", "x"]):
        cmd, *rest = args
        assert_clean_failure(docgen(cmd, "--archive", tmp_path / "none", *rest), 7,
                             "no archive there", "docgen init")
    (tmp_path / "empty").mkdir()
    assert_clean_failure(docgen("verify", "--archive", tmp_path / "empty"), 7,
                         "not an archive")
    assert not (tmp_path / "none").exists() and not any((tmp_path / "empty").iterdir())


def test_init_bad_input(tmp_path, root, docgen):
    before = tree(root)
    assert_clean_failure(docgen(*INIT, root), 7, "already an archive")
    assert tree(root) == before
    assert_clean_failure(docgen("init", tmp_path / "b", "--fonds-name", "区建设局"), 10,
                         "--fonds-code")
    assert_clean_failure(docgen("init", tmp_path / "b", "--fonds-code", "Z109",
                                "--fonds-name", "区建设局", "--unit", "规划处"), 10, "名称=CODE")
    assert_clean_failure(docgen("init", tmp_path / "b", "--fonds-code", "z-1",
                                "--fonds-name", "区建设局"), 10, "全宗号")
    assert not (tmp_path / "b").exists()


def test_archive_from_the_environment(tmp_path, root, monkeypatch, docgen):
    monkeypatch.setenv("DOCGEN_ARCHIVE", str(root))
    code, out, _ = docgen("verify")
    assert code == 0 and "0 件" in out


def test_update_deadline_and_unit(root, docgen):
    code, _, err = docgen("init", root, "--update", "--unit", "区建设局财务科=CWK",
                          "--deadline", "2011:commitment=2011-05-20",
                          "--deadline", "2011:fulfilment=2011-09-15..2011-10-20")
    assert code == 0, err
    s = Archive(root).settings
    cal = {d.step.key: d for d in s.calendar(2011)}
    assert cal["commitment"].due.isoformat() == "2011-05-20"
    assert (cal["fulfilment"].start.isoformat(), cal["fulfilment"].due.isoformat()) == (
        "2011-09-15", "2011-10-20")
    assert s.unit_code("区建设局财务科") == "CWK"


@pytest.mark.slow
def test_file_forms_renders_converts_stamps_and_files(root, sources, docgen):
    code, out, err = docgen("file", "--archive", root, sources / "plan.yaml",
                            sources / "commitment.yaml")
    assert code == 0, err
    assert out.splitlines()[0].startswith("Z109-WS·2011-D30-GHC-0001\tfiled\t")
    recs = list(Archive(root).records())
    assert [r.type for r in recs] == ["plan", "commitment"]
    assert all(set(r.files) == {"original", "pdf", "form", "metadata"} for r in recs)
    assert recs[1].files["form"].read_bytes() == (sources / "commitment.yaml").read_bytes()
    code, out, err = docgen("verify", "--archive", root, "--deep")
    assert code == 0, err


@pytest.mark.slow
def test_import_of_a_word_file_converts_it_to_pdfa(root, sources, docgen):
    code, out, err = docgen("import", "--archive", root, sources / "plan.docx",
                            "--type", "other", "--kind", "征求意见汇总", "--title",
                            "规划处征求意见汇总表", "--date", "2011-04-18", "--unit-code", "GHC",
                            "--unit", "区建设局规划处")
    assert code == 0, err
    rec = next(Archive(root).records())
    assert rec.files["original"].suffix == ".docx" and rec.files["pdf"].suffix == ".pdf"
    assert rec.metadata["files"]["pdf"]["格式信息"] == "PDF/A-2B" and rec.pages >= 1


def test_archive_path_that_is_a_file(tmp_path, docgen):
    (tmp_path / "f").write_text("x")
    assert_clean_failure(docgen("verify", "--archive", tmp_path / "f"), 7, "is a file")


def test_bad_submitted_date_changes_nothing(root, sources, docgen):
    before = tree(root)
    assert_clean_failure(docgen(*imp(root, sources, "--submitted", "2011-06-01")), 10,
                         "before the document's date")
    assert_clean_failure(docgen("file", "--archive", root, sources / "plan.yaml",
                                "--submitted", "2011-04-01"), 10, "报送日期")
    assert tree(root) == before


def test_deprecated_file_import_and_withdraw_still_work_with_a_notice(root, sources, docgen):
    code, out, err = docgen("file", "--archive", root, "--import", sources / "plan.pdf",
                            "--title", "规划处听证会纪要", "--date", "2011-06-10",
                            "--unit", "区建设局规划处")
    assert code == 0, err
    assert "`file --import` is deprecated; use `docgen import" in err
    number = out.split("\t")[0]
    code, out, err = docgen("file", "--archive", root, "--withdraw", number, "--reason", "误报")
    assert code == 0, err
    assert "`file --withdraw` is deprecated" in err and "withdrawn" in out


def test_import_refuses_macro_files_and_unknown_suffixes(root, sources, docgen, tmp_path):
    docm = tmp_path / "方案.docm"
    docm.write_bytes((sources / "plan.docx").read_bytes())
    txt = tmp_path / "方案.txt"
    txt.write_text("方案", encoding="utf-8")
    before = tree(root)
    assert_clean_failure(docgen("import", "--archive", root, docm, "--title", "x",
                                "--date", "2011-01-01"), 10, "macro-enabled", "save it as .docx")
    assert_clean_failure(docgen("import", "--archive", root, txt, "--title", "x",
                                "--date", "2011-01-01"), 10, ".txt", "PDF, Word or an image")
    assert_clean_failure(docgen("--lang", "zh", "import", "--archive", root, docm, "--title",
                                "x", "--date", "2011-01-01"), 10, "启用宏的 Word 文件",
                         "另存为 .docx")
    assert tree(root) == before


def test_archive_errors_and_verify_problems_in_chinese(root, sources, tmp_path, docgen):
    """The library's own messages follow --lang: located, same exit code, English unchanged."""
    none = tmp_path / "none"
    code, _out, err = docgen("--lang", "zh", "status", "--archive", none)
    assert code == 7 and err == (f"docgen: {none}: 此处没有档案库（文件夹不存在）— 请用 `docgen "
                                 f"init {none}` 创建，或用 --archive 或 DOCGEN_ARCHIVE 指向已有的"
                                 "档案库\n")
    code, _out, err = docgen("--lang", "en", "status", "--archive", none)
    assert code == 7 and err.startswith(f"docgen: {none}: no archive there (the folder does "
                                        "not exist) — create one with `docgen init")
    code, _out, err = docgen("--lang", "zh", "withdraw", "--archive", root,
                             "Z109-WS·2011-D30-GHC-0009", "--reason", "误报")
    assert code == 7 and f"docgen: {root} 中没有档号为 Z109-WS·2011-D30-GHC-0009 的件 — " in err

    docgen(*imp(root, sources))
    rec = next(Archive(root).records())
    rec.files["pdf"].chmod(0o644)
    rec.files["pdf"].write_bytes(rec.files["pdf"].read_bytes()[:-100])
    (root / "stray.txt").write_text("x")
    before = tree(root)
    code, _out, err = docgen("--lang", "zh", "verify", "--archive", root)
    assert code == 8 and err.startswith("docgen: 四性检测未通过：1 件中有 ")
    pdf = f"{rec.filing_number}/{rec.files['pdf'].name}"
    assert f"  [真实性] {pdf}: 大小为 " in err and "（被截断或替换）" in err
    assert "  [安全性] stray.txt: 多余文件：不属于档案库\n" in err
    assert "size is" not in err and "stray file" not in err
    code, out, _err = docgen("--lang", "zh", "verify", "--archive", root, "--json")
    report = json.loads(out)
    assert code == 8 and set(report) >= {"ok", "checks", "problems", "audit_head"}
    assert {(p["code"], p["where"]) for p in report["problems"]} >= {
        ("fixity", pdf), ("stray", "stray.txt")}
    assert any(p["what"] == "多余文件：不属于档案库" for p in report["problems"])
    from docgen.archive.verify import CODES

    assert {p["code"] for p in report["problems"]} <= set(CODES)
    code, out, err = docgen("--lang", "en", "verify", "--archive", root, "--json")
    assert {p["code"] for p in json.loads(out)["problems"]} == {
        p["code"] for p in report["problems"]}
    assert "  [安全性] stray.txt: stray file: not part of the archive\n" in err
    assert err.startswith("docgen: 四性检测 failed: ")
    assert tree(root) == before
