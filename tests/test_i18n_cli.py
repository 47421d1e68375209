"""The command line in Chinese and English: a complete zh_CN catalog, the language chosen by
--lang or the locale, tables aligned by display width, located errors kept in Chinese."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from docgen.cli._common import table, width
from docgen.i18n import cli_language

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "src" / "docgen" / "locale" / "zh_CN" / "LC_MESSAGES" / "docgen.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|\{\w*(?:![rsa])?(?::[^}]*)?\}")


def _catalog():
    with open(PO, "rb") as f:
        return read_po(f, locale="zh_CN")


def test_every_message_has_chinese_with_its_placeholders():
    for m in _catalog():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(strings), f"no Chinese for {m.id!r}"
        assert not m.fuzzy, f"fuzzy (not compiled) translation of {m.id!r}"
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        if len(ids) > 1:  # Chinese has one form, the plural's: click fills in the names of
            # both forms (its "Did you mean {possibility}?" / "… {possibilities}?")
            for s in strings:
                assert set(PLACEHOLDER.findall(s)) <= {p for i in ids
                                                       for p in PLACEHOLDER.findall(i)}, m.id
            continue
        for s in strings:  # dropped, renamed or retyped (%(n)d → %(n)s) placeholders
            assert sorted(PLACEHOLDER.findall(s)) == wanted, (m.id, s)


def test_a_dropped_placeholder_is_caught():
    msgid, msgstr = "%(count)d of %(total)d hits", "共 %(total)d 条"
    assert sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr))


def _catalog_script():
    import runpy

    return runpy.run_path(str(ROOT / "scripts" / "catalog.py"))


def test_the_catalog_holds_every_message_of_the_sources_and_is_compiled(tmp_path):
    pot = tmp_path / "docgen.pot"  # docgen's texts, help texts and click's own words
    _catalog_script()["extract"](pot)
    with open(pot, "rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    catalog = _catalog()
    known = {m.id for m in catalog if m.id}
    assert extracted == known, ("run scripts/catalog.py and translate the new messages: "
                                f"new {sorted(map(str, extracted - known))}, "
                                f"gone {sorted(map(str, known - extracted))}")
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert PO.with_suffix(".mo").read_bytes() == compiled.getvalue(), \
        "docgen.mo is older than docgen.po: run scripts/catalog.py"


@pytest.mark.parametrize("lang,env,expected", [
    ("zh", {"LANG": "C"}, "zh"),
    ("en", {"LANG": "zh_CN.UTF-8"}, "en"),
    (None, {"LANG": "zh_CN.UTF-8"}, "zh"),
    (None, {"LANG": "zh_TW.UTF-8"}, "zh"),
    (None, {"LANG": "C"}, "en"),
    (None, {"LANG": "en_US.UTF-8"}, "en"),
    (None, {}, "en"),
    (None, {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
    (None, {"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "C"}, "zh"),
    (None, {"LC_ALL": "", "LC_MESSAGES": "zh_CN.UTF-8", "LANG": "C"}, "zh"),
])
def test_the_language_follows_lang_then_the_locale(lang, env, expected):
    assert cli_language(lang, env) == expected


@pytest.fixture
def arc(tmp_path, docgen):
    root = tmp_path / "archive"
    code, _out, err = docgen("init", root, "--fonds-code", "Z109", "--fonds-name", "区建设局",
                             "--unit", "区建设局规划处=GHC")
    assert code == 0, err
    return root


def _status(docgen, root, *extra):
    return docgen(*extra, "status", "--archive", root, "--year", "2011", "--today",
                  "2011-06-01")


def test_status_in_chinese_by_lang_or_the_locale(arc, docgen, monkeypatch):
    for args, env in (((), "zh_CN.UTF-8"), (("--lang", "zh"), "C")):
        monkeypatch.setenv("LANG", env)
        code, out, err = _status(docgen, arc, *args)
        head, *rows = out.splitlines()
        assert code == 0, err
        assert head.split() == ["机构", "阶段", "文种", "截止日期", "状态", "档号", "生成命令"]
        assert "缺失（已逾期 42 天）" in rows[0] and "还有 29 天截止" in out
        assert "missing" not in out and "due in" not in out


def test_status_in_english_with_lang_c(arc, docgen, monkeypatch):
    monkeypatch.setenv("LANG", "C")
    code, out, _err = _status(docgen, arc)
    head, *rows = out.splitlines()
    assert code == 0 and head.split()[:4] == ["unit", "stage", "document", "due"]
    assert "missing (42 days overdue)" in rows[0] and "due in 29 days" in out
    code, out, _err = _status(docgen, arc, "--lang", "en")
    assert "missing (1 day overdue)" in out  # 承诺书 due 05-31, one day before


def test_help_and_errors_in_chinese(arc, docgen, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    code, out, _err = docgen("--help")
    assert code == 0 and "显示评议工作日程要求归档的文件及其状态" in out
    code, out, _err = docgen("status", "--help")
    assert "有应归档文件缺失时以退出码 11 结束" in out
    code, _out, err = docgen("status", "--archive", arc, "--year", "2011", "--strict")
    assert code == 11 and err.startswith("docgen: 2011 年度有 8 件应归档文件缺失")
    code, _out, err = docgen("verify", "--archive", arc, "--head", "1:ab", "--against", "x.zip")
    assert code == 10 and err == "docgen: 请给出 --head 或 --against，不要同时给出\n"
    monkeypatch.setenv("LANG", "C")
    code, out, _err = docgen("status", "--help")
    assert "Exit 11 when a required filing is missing." in out


def test_a_form_error_keeps_its_located_form_in_chinese(tmp_path, docgen):
    text = (ROOT / "examples" / "plan.yaml").read_text(encoding="utf-8")
    lines = text.replace("issuer: 区建设局规划处\n", "").replace(
        "addressee: 局监察科\n", "addressee: 局监察科\ncolour: red\n").splitlines()
    bad = tmp_path / "plan.yaml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = next(n for n, t in enumerate(lines, 1) if t.startswith("colour"))
    code, _out, err = docgen("--lang", "zh", "form", "check", bad)
    assert code == 3
    assert f"  {bad}: issuer: 必填但缺失 — " in err
    assert f"  {bad}:{line}: colour: 不是此表单的字段 — " in err
    assert err.startswith("docgen: 1 个表单文件中有 1 个有问题，共 2 个问题\n")
    code, _out, err = docgen("--lang", "en", "form", "check", bad)
    assert f"  {bad}:{line}: colour: is not a field of this form — " in err


def test_tables_align_chinese_by_display_width():
    lines = table(("档号", "unit", "题名"),
                  [("Z109-WS·2011-D30-GHC-0001", "GHC", "工作方案"),
                   ("Z1", "区建设局规划处", "x\ty")])
    assert width("区建设局") == 8 and width("GHC") == 3 and width("·") == 1
    starts = []
    for line in lines:
        cells = [m.start() for m in re.finditer(r"(?:^|(?<=  ))\S", line)]
        assert len(cells) == 3, line
        starts.append([width(line[:i]) for i in cells])
    assert all(s == starts[0] for s in starts), lines
    assert lines[2].endswith("x\\ty")  # cells keep the tsv/safe escaping


def test_json_stays_english_and_stable(arc, docgen):
    code, out, _err = docgen("--lang", "zh", "status", "--archive", arc, "--year", "2011",
                             "--today", "2011-06-01", "--json")
    assert code == 0 and '"label": "missing (42 days overdue)"' in out and "缺失" not in out
