"""`docgen search` and `docgen index` end to end: real archive, real files, real Whoosh."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS
from docgen.errors import ExitCode
from docgen.search import start_filing, sync
from test_archive_support import FONDS, Clock, file_other, file_plan

REPORTS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def make_docx(path: Path, title: str, paragraphs: list[str], table: list[str] = ()) -> Path:
    import docx

    d = docx.Document()
    d.add_heading(title, 1)
    for p in paragraphs:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=1, cols=len(table))
        for i, cell in enumerate(table):
            t.cell(0, i).text = cell
    d.save(path)
    return path


@pytest.fixture
def filed(tmp_path, sources):  # noqa: F811
    """An archive with a plan (form + docx + PDF), an imported PDF and three imported .docx."""
    from docgen.archive import init_archive

    arc = init_archive(tmp_path / "archive", by="测试员", clock=Clock(), **FONDS)
    filing = start_filing(arc)  # what `docgen file` does around its filings
    plan = file_plan(arc, sources)
    pdf = file_other(arc, sources)  # text only in its PDF
    docs = {}
    for i, (report, year, unit) in enumerate([(REPORTS[20], "2011-03-05", "区建设局规划处"),
                                              (REPORTS[40], "2012-03-05", "区建设局办公室"),
                                              (REPORTS[60], "2011-11-20", "区建设局办公室")]):
        path = make_docx(tmp_path / f"r{i}.docx", report["title"], [report["content"][:2000]],
                         table=["表格里的听证会安排", f"编号GDP{i}"])
        docs[i] = arc.file_import(path, type="other", title=report["title"], date=year, unit=unit)
    assert sync(arc, filing=filing) is None  # its own filings, into a new index: silent
    return arc, plan, pdf, docs


def search_json(docgen, arc, *args):
    code, out, err = docgen("search", "--archive", arc.root, "--json", *args)
    assert code == 0, err
    return json.loads(out), err


def test_filing_indexes_each_record_and_search_finds_words_inside_words(filed, docgen):
    arc, plan, pdf, docs = filed
    hits, err = search_json(docgen, arc, "审批")  # inside 行政审批 in the plan's form and docx
    assert plan.filing_number in {h["filing_number"] for h in hits}
    hit = next(h for h in hits if h["filing_number"] == plan.filing_number)
    assert set(hit) >= {"filing_number", "title", "date", "type", "unit", "score", "snippet"}
    assert hit["title"] == plan.title and hit["date"] == "2011-04-15" and hit["type"] == "plan"
    assert hit["unit"] == "区建设局规划处" and hit["score"] > 0 and "【审批】" in hit["snippet"]
    assert err == ""  # the index existed: no notice


def test_text_comes_from_docx_tables_and_imported_pdf(filed, docgen):
    arc, plan, pdf, docs = filed
    hits, _ = search_json(docgen, arc, "听证会安排")  # only in the three .docx tables
    assert {h["filing_number"] for h in hits} == {d.filing_number for d in docs.values()}
    hits, _ = search_json(docgen, arc, "更有成效")  # the imported PDF's text (and the plan's)
    assert pdf.filing_number in {h["filing_number"] for h in hits}
    hits, _ = search_json(docgen, arc, "GDP1")  # Latin word + number, in one table only
    assert [h["filing_number"] for h in hits] == [docs[1].filing_number]


def test_text_output_marks_matches(filed, docgen):
    arc, plan, *_ = filed
    code, out, err = docgen("search", "--archive", arc.root, "行政审批")
    assert code == 0
    assert plan.filing_number in out and "【行政审批】" in out and plan.title in out


def test_filters_and_field_queries(filed, docgen):
    arc, plan, pdf, docs = filed
    every = "建设局 OR 政府 OR 报告 OR 规划"

    def numbers(*args):
        return {h["filing_number"] for h in search_json(docgen, arc, *args)[0]}

    assert numbers(every, "--type", "plan") == {plan.filing_number}
    assert numbers(every, "--year", "2012") == {docs[1].filing_number}
    assert numbers(every, "--unit", "办公室") == {docs[1].filing_number, docs[2].filing_number}
    assert numbers(every, "--unit", "BGS") == {docs[1].filing_number, docs[2].filing_number}
    assert numbers(every, "--from", "2011-04-01", "--to", "2011年6月30日") == {
        plan.filing_number, pdf.filing_number}
    assert numbers("type:plan 审批") == {plan.filing_number}
    assert numbers("kind:工作方案") == {plan.filing_number}
    assert numbers("title:听证会纪要") == {pdf.filing_number}
    assert numbers("听证会安排 -unit:办公室") == {docs[0].filing_number}
    assert numbers('"民主评议 工作" OR year:2012') >= {docs[1].filing_number}
    assert numbers("听证会安排 NOT GDP1") == {docs[0].filing_number, docs[2].filing_number}
    assert numbers(f"number:{plan.filing_number}") == {plan.filing_number}


def test_limit_says_how_many_more(filed, docgen):
    arc, *_ = filed
    code, out, err = docgen("search", "--archive", arc.root, "--limit", "1", "建设局")
    head, hit, snippet = out.splitlines()  # the header, one hit, its snippet indented
    assert code == 0 and head.split()[:2] == ["档号", "date"]
    assert hit.startswith("Z109-WS·") and snippet.startswith("    ")
    assert "1 of 5 hits shown" in err


def test_withdrawn_and_superseded_records_show_their_status(filed, docgen):
    arc, plan, pdf, docs = filed
    rec = arc.withdraw(pdf.filing_number, reason="误报")
    assert rec.notices == [] and rec.status == "withdrawn"
    hits, _ = search_json(docgen, arc, "title:听证会纪要")
    assert [(h["filing_number"], h["status"]) for h in hits] == [(pdf.filing_number, "withdrawn")]


BAD_QUERIES = [
    ('"改革', "quote is not closed"),
    ("(改革 OR 开放", "'(' is not closed"),
    ("改革)", "')' has no matching '('"),
    ("AND 改革", "AND has nothing before it"),
    ("改革 OR", "OR has nothing after it"),
    ("NOT", "NOT has nothing after it"),
    ("foo:改革", "unknown field 'foo'"),
    ("title:", "title: has no value"),
    ("type:memo", "type 'memo' is unknown"),
    ("year:今年", "year '今年' is not a year"),
    ("。，！", "has no Chinese character, letter or digit"),
    ("title:(改革 OR 开放)", "groups are not supported"),
    ("()", "empty parentheses"),
]


@pytest.mark.parametrize("query,message", BAD_QUERIES)
def test_malformed_query_is_one_line_exit_9_and_changes_nothing(filed, docgen, query, message):
    from test_archive_support import tree

    arc, *_ = filed
    before = tree(arc.root)
    code, out, err = docgen("search", "--archive", arc.root, query)
    assert code == ExitCode.bad_query == 9
    assert out == "" and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("docgen: bad query")
    assert tree(arc.root) == before


@pytest.mark.parametrize("args,message", [
    (["--limit", "0"], "--limit 0 must be 1 or more"),
    (["--from", "2011-13-01"], "--from: '2011-13-01' is not a real date"),
    (["--from", "2011-06-01", "--to", "2011-05-01"], "is after --to"),
])
def test_bad_options_exit_10(filed, docgen, args, message):
    arc, *_ = filed
    code, out, err = docgen("search", "--archive", arc.root, "审批", *args)
    assert code == ExitCode.bad_input and message in err and "Traceback" not in err


def test_search_outside_an_archive_is_exit_7(tmp_path, docgen):
    code, out, err = docgen("search", "--archive", tmp_path / "nowhere", "审批")
    assert code == ExitCode.archive_error and "Traceback" not in err


def _index_files(arc) -> list[Path]:
    return sorted(p for p in (arc.root / "index").iterdir()
                  if p.is_file() and not p.name.startswith("."))


@pytest.mark.parametrize("damage", ["delete", "garbage_segment", "garbage_toc", "truncate",
                                    "scribble"])
def test_missing_or_corrupt_index_is_rebuilt_with_a_notice(filed, docgen, damage):
    import shutil

    arc, plan, *_ = filed
    index = arc.root / "index"
    if damage == "delete":
        shutil.rmtree(index)
    else:
        for p in _index_files(arc):
            if damage == "garbage_segment" and p.suffix == ".seg":
                p.write_bytes(b"\x00garbage" * 100)
            elif damage == "garbage_toc" and p.suffix == ".toc":
                p.write_bytes(b"not a toc")
            elif damage == "truncate" and p.suffix == ".seg":
                p.write_bytes(p.read_bytes()[: p.stat().st_size // 3])
            elif damage == "scribble" and p.suffix == ".seg":  # same size, garbage inside
                data = bytearray(p.read_bytes())
                data[len(data) // 10 : len(data) * 9 // 10] = b"\xff" * (len(data) * 8 // 10)
                p.write_bytes(bytes(data))
    hits, err = search_json(docgen, arc, "审批")
    assert plan.filing_number in {h["filing_number"] for h in hits}
    assert err.count("\n") == 1 and "rebuilt it from the archive (5 records)" in err
    assert "Traceback" not in err
    _, err = search_json(docgen, arc, "审批")
    assert err == ""  # healthy again


def _file_new(arc, tmp_path, i=0):
    path = make_docx(tmp_path / f"new{i}.docx", "新件", [f"一份新的听证会通知{i}号"])
    return arc.file_import(path, type="other", title=f"听证会通知{i}", date="2011-05-01",
                           unit="区建设局规划处")


def test_filing_into_a_deleted_index_rebuilds_it(filed, tmp_path):
    import shutil

    from docgen.search import search

    arc, *_ = filed
    shutil.rmtree(arc.root / "index")
    filing = start_filing(arc)
    rec = _file_new(arc, tmp_path)
    assert "was missing; rebuilt it from the archive (6 records)" in sync(arc, filing=filing)
    hits = search(arc, "听证会通知")
    assert hits.notice is None and hits[0].filing_number == rec.filing_number
    assert len(search(arc, "建设局", limit=100)) == 6


def test_filing_into_an_unreadable_index_rebuilds_it_with_a_notice(filed, tmp_path):
    from docgen.search import search

    arc, *_ = filed
    for p in _index_files(arc):
        if p.suffix == ".toc":
            p.write_bytes(b"not a toc")
    filing = start_filing(arc)
    rec = _file_new(arc, tmp_path)
    notice = sync(arc, filing=filing)
    assert "unreadable" in notice and "rebuilt it from the archive (6 records)" in notice
    assert search(arc, "听证会通知")[0].filing_number == rec.filing_number


def test_a_commands_filings_are_indexed_in_one_commit_without_a_notice(filed, tmp_path):
    from docgen.search import search

    arc, *_ = filed
    before = len(_index_files(arc))
    filing = start_filing(arc)
    recs = [_file_new(arc, tmp_path, i) for i in range(3)]
    assert sync(arc, filing=filing) is None  # its own filings: nothing was left behind
    assert len(_index_files(arc)) <= before + 1  # one new segment, not three
    hits = search(arc, "听证会通知")
    assert {h.filing_number for h in hits} == {r.filing_number for r in recs}
    assert hits.notice is None


def test_filings_left_behind_are_caught_up_by_the_next_search_with_a_notice(filed, tmp_path):
    from docgen.search import search

    arc, plan, pdf, docs = filed
    recs = [_file_new(arc, tmp_path, i) for i in range(3)]  # a filer killed before indexing
    arc.withdraw(docs[0].filing_number, reason="误报")
    hits = search(arc, "听证会通知 OR 听证会安排", limit=100)
    assert hits.notice == "search index was 4 filings behind the archive; caught up"
    status = {h.filing_number: h.status for h in hits}
    assert {r.filing_number for r in recs} <= set(status)
    assert status[docs[0].filing_number] == "withdrawn"
    assert search(arc, "听证会通知").notice is None  # caught up once


def test_a_restored_audit_log_rebuilds_the_index(filed, tmp_path):
    from docgen.search import search

    arc, *_ = filed
    log = arc.root / "audit.jsonl"
    old = log.read_bytes()
    _file_new(arc, tmp_path)
    assert sync(arc) is not None
    log.write_bytes(old)  # a backup of the log put back (the new 件's folder still there)
    hits = search(arc, "建设局", limit=100)
    assert "rewritten or restored audit log; rebuilt it from the archive (6 records)" in (
        hits.notice)


def test_a_busy_index_answers_from_what_it_has(filed, tmp_path):
    from docgen.search import follow, index_path, search

    arc, *_ = filed
    rec = _file_new(arc, tmp_path)
    with follow.locked(index_path(arc), 0):  # another process catching up or rebuilding
        hits = search(arc, "听证会通知", wait=0)
    assert hits == [] and "busy in another docgen" in hits.notice
    assert search(arc, "听证会通知")[0].filing_number == rec.filing_number


def test_index_rebuild_command(filed, docgen):
    arc, plan, *_ = filed
    code, out, err = docgen("index", "rebuild", "--archive", arc.root)
    assert code == 0 and "search index rebuilt (5 records)" in out
    assert len(_index_files(arc)) <= 4  # one segment, its TOC, Whoosh's lock, the cursor
    code, out, err = docgen("index", "--archive", arc.root)  # `docgen index` alone rebuilds
    assert code == 0 and "(5 records)" in out
    hits, err = search_json(docgen, arc, "审批")
    assert plan.filing_number in {h["filing_number"] for h in hits} and err == ""


def test_rebuild_reads_records_in_a_pool_in_order(filed, monkeypatch):
    import docgen.search as facade

    arc, *_ = filed
    before = {h.filing_number: h.snippet for h in facade.search(arc, "建设局", limit=100)}
    monkeypatch.setattr(facade, "READ_IN_POOL_FROM", 2)  # 5 records: the pool is used
    assert facade.rebuild_index(arc, workers=2) == 5
    hits = facade.search(arc, "建设局", limit=100)
    assert {h.filing_number: h.snippet for h in hits} == before and hits.notice is None


def test_help_has_examples_and_stays_light():
    from click.testing import CliRunner

    from docgen.cli import cli

    for args in (["search", "--help"], ["index", "--help"], ["index", "rebuild", "--help"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0 and "Example:" in result.output
    code = ("import sys, docgen.cli, docgen.search, docgen.cli.search; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('whoosh', 'jieba')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_bad_queries_and_index_notices_in_chinese(filed, tmp_path, docgen):
    """The library's query errors and catch-up notices follow --lang; exit codes and the
    located form (query, column) stay."""
    import shutil

    from test_archive_support import tree

    arc, plan, *_ = filed
    before = tree(arc.root)
    code, out, err = docgen("--lang", "zh", "search", "--archive", arc.root, "审批 AND")
    assert code == ExitCode.bad_query and out == ""
    assert err == ("docgen: 检索式 '审批 AND' 第 4 列有误：AND 后面没有内容 — 在 AND 后面写上"
                   "检索词，或删去它\n")
    code, out, err = docgen("--lang", "zh", "search", "--archive", arc.root, "titel:审批")
    assert code == 9 and "第 1 列有误：未知字段 'titel' — 请使用其中之一：body, kind" in err
    code, out, err = docgen("--lang", "en", "search", "--archive", arc.root, "审批 AND")
    assert code == 9 and err == ("docgen: bad query '审批 AND' at column 4: AND has nothing "
                                 "after it — put a word after AND, or remove it\n")
    assert tree(arc.root) == before
    code, out, err = docgen("--lang", "zh", "search", "--archive", arc.root, "审批",
                            "--limit", "0")
    assert code == ExitCode.bad_input and "--limit 0 须为 1 或更大" in err

    for i in range(2):  # filed by a command killed before it reached the index
        _file_new(arc, tmp_path, i)
    code, out, err = docgen("--lang", "zh", "search", "--archive", arc.root, "听证会通知")
    assert code == 0 and err == "检索索引比档案库落后 2 次归档；已补齐\n"
    head, first = out.splitlines()[:2]  # the type by its Chinese name; --tsv keeps the code
    assert head.split()[:3] == ["档号", "日期", "类型"] and first.split()[2] == "其他"
    tsv_line = docgen("--lang", "zh", "search", "--tsv", "--archive", arc.root, "听证会通知")[1]
    assert tsv_line.split("\t")[2] == "other"
    shutil.rmtree(arc.root / "index")
    code, out, err = docgen("--lang", "zh", "search", "--archive", arc.root, "听证会通知")
    assert code == 0 and err == (f"检索索引 {arc.root / 'index'} 缺失；已根据档案库重建"
                                 "（7 件）\n")
    _file_new(arc, tmp_path, 9)
    code, out, err = docgen("--lang", "en", "search", "--archive", arc.root, "听证会通知")
    assert code == 0 and err == "search index was 1 filing behind the archive; caught up\n"
