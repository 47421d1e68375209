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


# --- every help text, click's own words, the library's messages ----------------------------

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# what a help line may hold without Chinese: option names, metavars, choices, literal values
_NOT_PROSE = re.compile(r"(?:^|\s)(?:-{1,2}[\w-]+(?:/-{1,2}[\w-]+)?,?|\[[^\]\s]*\](?:\.\.\.)?"
                        r"|[A-Z][A-Z0-9_]*(?:\.[a-z]+)?(?:…|\.\.\.)?|INTEGER RANGE|FLOAT RANGE)"
                        r"(?=\s|$)")


def _commands():
    """("docgen form new", command) for every command and group a user can see."""
    import click

    from docgen.cli import cli

    found = [("docgen", cli)]

    def walk(group, prefix, ctx):
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            found.append((f"{prefix} {name}", cmd))
            if isinstance(cmd, click.Group):
                walk(cmd, f"{prefix} {name}", click.Context(cmd, info_name=name, parent=ctx))

    walk(cli, "docgen", click.Context(cli, info_name="docgen"))
    return found


def _english_lines(help_text: str) -> list[str]:
    """The help lines that are prose without a Chinese character (literal commands of the
    examples, option names, metavars and choices are not prose)."""
    left = []
    for line in help_text.splitlines():
        text = line.strip()
        if not text or CJK.search(text) or text.startswith(("docgen ", "printf ", "--date ")):
            continue
        if re.fullmatch(r"[^\s\[]*\]", text):  # the end of a wrapped [默认：…] of literals
            continue
        if _NOT_PROSE.sub(" ", text).strip(" ,"):
            left.append(line)
    return left


def test_every_command_and_option_helps_in_chinese(docgen):
    commands = _commands()
    assert {"docgen form new", "docgen user add", "docgen bundle verify", "docgen layout check",
            "docgen serve", "docgen import", "docgen index rebuild"} <= {n for n, _c in commands}
    untranslated = {}
    for name, _cmd in commands:
        code, out, err = docgen("--lang", "zh", *name.split()[1:], "--help")
        assert code == 0, (name, err)
        assert out.startswith("用法： ") and "显示本帮助并退出。" in out, name
        assert "Usage:" not in out and "Options:" not in out and "Commands:" not in out
        for line in out.splitlines():  # wrapped by display width (click's width is at most
            # 80); examples and an option's own names and choices are kept as written
            if not line.strip().startswith(("docgen ", "printf ", "-")):
                assert width(line) <= 80, (name, line)
        if _english_lines(out):
            untranslated[name] = _english_lines(out)
    assert not untranslated, untranslated


def test_the_help_walk_catches_an_english_line():
    assert _english_lines("  --archive PATH  The archive folder.") == [
        "  --archive PATH  The archive folder."]
    assert _english_lines("  --type [plan|commitment]\n  --json  以 JSON 输出。\n"
                          "      docgen form new plan > plan.yaml\n  -o, --output FILE.zip") == []


def test_chinese_help_joins_lines_without_spaces_and_english_help_is_unchanged(docgen):
    code, out, _err = docgen("--lang", "zh", "form", "new", "--help")
    assert "列出该年度、该机构已归档承诺书中的各项承诺" in out.replace("\n  ", "")
    code, out, _err = docgen("--lang", "en", "form", "new", "--help")
    assert out.startswith("Usage: docgen form new [OPTIONS] TYPE")
    assert "Print a commented starter form of TYPE" in out and "输出" not in out


@pytest.mark.parametrize("args,words", [
    (("status", "--bogus"), ["错误：没有选项 '--bogus'。", "用法： docgen status [OPTIONS]",
                             "运行 'docgen status --help' 查看帮助。"]),
    (("statu",), ["错误：没有命令 'statu'。"]),
    (("status", "--archiv", "x"), ["错误：没有选项 '--archiv'。 是否要用 '--archive'？"]),
    (("form", "new"), ["错误：缺少参数 'TYPE'"]),
    (("form", "new", "nosuch"), ["'TYPE' 的值无效：'nosuch' 不在可选值"]),
    (("status", "--year", "twenty"), ["'--year' 的值无效：'twenty' 不是有效的数值"]),
    (("form", "check"), ["错误：缺少参数 'FILES...'"]),
    (("status", "--json", "x"), ["错误：多出了参数（x）"]),
    (("index", "rebuild", "--archive"), ["错误：选项 '--archive' 需要 1 个值。"]),
])
def test_usage_errors_in_chinese_exit_2(docgen, args, words):
    code, out, err = docgen("--lang", "zh", *args)
    assert code == 2 and out == ""
    for w in words:
        assert w in err, err
    assert "Error" not in err and "Usage" not in err and "Try" not in err


def test_the_version_in_the_language_chosen(docgen):
    from docgen import __version__

    assert docgen("--lang", "zh", "--version")[:2] == (0, f"docgen，版本 {__version__}\n")
    assert docgen("--lang", "en", "--version")[:2] == (0, f"docgen, version {__version__}\n")


def test_usage_errors_stay_english_in_english(docgen):
    code, _out, err = docgen("--lang", "en", "status", "--bogus")
    assert code == 2 and "Error: No such option '--bogus'." in err
    assert "Try 'docgen status --help' for help." in err


def test_the_click_modules_patched_are_all_that_look_texts_up():
    """A new click release that looks texts up in another module would show them in
    English: the list docgen.cli._click_text patches must be whole (click is pinned)."""
    import click

    from docgen.cli._click_text import CLICK_MODULES

    looking = {f"click.{p.stem}" for p in Path(click.__file__).parent.glob("*.py")
               if re.search(r"^from gettext import", p.read_text(encoding="utf-8"), re.M)}
    assert looking - {"click._winconsole"} <= set(CLICK_MODULES)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _example(name):
    return (ROOT / "examples" / f"{name}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name,edit,located", [
    # dates.py: a date that does not exist
    ("plan", lambda t: t.replace("date: 2011-04-15", "date: 2011-02-30"),
     "date: '2011-02-30' 不是实际存在的日期（该月没有这一天） — 请检查月和日"),
    # forms.py: the parser's words for a tab
    ("plan", lambda t: t.replace("unit: ", "unit:\t", 1),
     "YAML 格式有误：含有不能出现在此处的制表符 '\\t' — 请检查缩进"),
    # rules.py: a deadline outside the campaign year
    ("commitment", lambda t: t.replace("deadline: 2011-06-30", "deadline: 2012-06-30"),
     "items.0.deadline: 2012-06-30 不在评议年度 2011 年内 — 时限化：请将完成日期定在 2011 年内"),
    # models.py: a commitment without a number
    ("commitment", lambda t: t.replace("公开审批事项36项，公开率100%", "全部公开"),
     "items.1.target: '全部公开' 没有数字 — 力求量化"),
    # rules_campaign.py: a hearing without 监督员
    ("hearing", lambda t: t.replace("监督员", "旁听人员"),
     "participants: 参加人员中没有监督员 — 听证会须听取群众意见：请列出出席的监督员"),
    # textcheck.py: a control character pasted into a field (written as an escape: YAML's
    # own parser refuses the raw character first)
    ("plan", lambda t: t.replace("title: 区建设局规划处", 'title: "区建设局\\a规划处', 1)
     .replace("工作实施方案\n", '工作实施方案"\n', 1),
     "title: 第 5 个字符处含有控制字符 BEL（U+0007） — 请删除"),
    # placeholders.py: a value left from `form new`
    ("plan", lambda t: t.replace("issuer: 区建设局规划处", "issuer: ××单位"),
     "issuer: 仍是占位内容 '××单位' — 请换成本单位的实际内容"),
])
def test_library_messages_in_chinese(tmp_path, docgen, name, edit, located):
    text = _example(name)
    changed = edit(text)
    assert changed != text
    path = _write(tmp_path, f"{name}.yaml", changed)
    code, _out, err = docgen("--lang", "zh", "form", "check", path)
    assert code == 3 and located in err, err
    code, _out, err = docgen("--lang", "en", "form", "check", path)
    assert code == 3 and not CJK.search(err.split(" — ")[0].replace(str(path), "")
                                         .split(": ", 2)[-1][:4]), err


def test_refusals_of_other_modules_in_chinese(tmp_path, docgen):
    xls = _write(tmp_path, "承诺书.xls", "x")
    code, _out, err = docgen("--lang", "zh", "form", "check", xls)
    assert code == 10 and f"{xls}: 是旧版 Excel 工作簿 — 请另存为 .xlsx" in err, err
    form = _write(tmp_path, "plan.yaml", _example("plan"))
    code, _out, err = docgen("--lang", "zh", "generate", form, "--template",
                             tmp_path / "无此模板.docx", "-o", tmp_path / "out")
    assert code == 4 and "模板不存在 — 请给出用 Word 或 WPS 制作的 .docx" in err, err
    assert not (tmp_path / "out").exists()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "plan.docx").write_bytes(b"edited in Word")
    code, _out, err = docgen("--lang", "zh", "generate", form, "-o", tmp_path / "out")
    assert code == 10 and "已存在（经办人可能已修改过） — 未写出任何文件" in err, err
    assert (tmp_path / "out" / "plan.docx").read_bytes() == b"edited in Word"


def test_every_error_type_a_form_can_produce_says_what_in_chinese():
    """Each field of each example form given values of the wrong kind: every pydantic error
    type that comes back has its Chinese "what" (never pydantic's English message)."""
    from pydantic import ValidationError

    from docgen import forms
    from docgen.i18n import use_cli_language
    from docgen.models import FORM_MODELS

    bad_values = [None, "", 1.5, -1, 10**12, True, [], {}, ["x"], {"a": 1}, "x" * 5000, "abc",
                  "2011-13-45", float("inf")]
    seen = {}
    for kind in FORM_MODELS:
        data, _positions = forms.parse(_example(kind), Path(f"{kind}.yaml"))
        absent = [(name,) for name in FORM_MODELS[kind].model_fields if name not in data]
        for path in [*_leaf_paths(data), *absent]:
            for value in bad_values:
                trial = _replaced(data, path, value)
                try:
                    FORM_MODELS[kind].model_validate(trial)
                except ValidationError as e:
                    for err in e.errors():
                        seen.setdefault(err["type"], (err, kind))
        extra = {**data, "colour": "red", "totals": {}}
        with pytest.raises(ValidationError) as caught:
            FORM_MODELS[kind].model_validate(extra)
        for err in caught.value.errors():
            seen.setdefault(err["type"], (err, kind))
    assert {"missing", "extra_forbidden", "string_type", "list_type", "literal_error",
            "int_type", "too_short", "bool_parsing", "value_error"} <= set(seen), set(seen)
    use_cli_language("zh")
    for kind, (err, form_type) in seen.items():
        problem = forms._problem(err, {}, "f.yaml", form_type)
        assert CJK.search(str(problem).split(": ", 2)[-1]), (kind, str(problem))
        if kind != "value_error":
            assert kind in forms._WHAT, (kind, err["msg"])


def _leaf_paths(data, path=()):
    if isinstance(data, dict):
        for k, v in data.items():
            yield path + (k,)
            yield from _leaf_paths(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data[:2]):
            yield path + (i,)
            yield from _leaf_paths(v, path + (i,))


def _replaced(data, path, value):
    import copy

    trial = copy.deepcopy(data)
    node = trial
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return trial


def test_user_commands_answer_in_chinese(arc, docgen, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    code, out, err = docgen("--lang", "zh", "user", "add", "zhang", "--role", "clerk",
                            "--password-stdin", "--archive", arc)
    assert (code, out) == (10, "")
    assert err.startswith("docgen: 无法添加 'zhang'：经办人至少属于一个机构：请给出 --unit CODE; "
                          "密码至少需要 "), err
    code, _out, err = docgen("--lang", "zh", "user", "disable", "li", "--archive", arc)
    assert code == 10 and "没有账户 'li' — `docgen user list` 可列出所有账户" in err
