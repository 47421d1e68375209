"""The contract every search engine passes (docgen.search.engine.Engine), run per engine.

A second engine (SQLite FTS5, tantivy, OpenSearch) joins ENGINES with a way to damage its
files, and must pass all of this before the façade may use it: hits are exactly the records
containing the query, filters, snippets, add/replace/remove, rebuild, repair.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from docgen.errors import QueryError
from docgen.search.analysis import normalize
from docgen.search.engine import ENGINES, Filters, IndexDoc, IndexUnusable, open_engine
from test_search_quality import chunks, substrings


def _scribble_whoosh(path: Path) -> None:
    """Garbage inside every segment file, sizes kept (a disk error, a bad copy)."""
    for p in path.iterdir():
        if p.suffix == ".seg":
            data = bytearray(p.read_bytes())
            data[len(data) // 10: len(data) * 9 // 10] = b"\xff" * (len(data) * 8 // 10)
            p.write_bytes(bytes(data))


DAMAGE = {"whoosh": _scribble_whoosh}
assert set(DAMAGE) == set(ENGINES), "every engine needs a way to damage its files here"

SMALL = [
    IndexDoc("A-1", "规划处工作方案", "推进行政审批制度改革。", type="plan", year=2011,
             unit="区建设局规划处", unit_code="GHC", date=dt.date(2011, 4, 15)),
    IndexDoc("A-2", "办公室承诺书", "承诺审批时限压缩至10个工作日。", type="commitment",
             year=2011, unit="区建设局办公室", unit_code="BGS", date=dt.date(2011, 5, 20)),
    IndexDoc("B-1", "年度工作总结", "全年办结审批事项120件，GDP增长。", type="summary",
             year=2012, unit="区建设局规划处", unit_code="GHC", date=dt.date(2012, 12, 1)),
]


@pytest.fixture(params=ENGINES)
def kind(request):
    return request.param


@pytest.fixture
def engine(kind, tmp_path):
    eng = open_engine(tmp_path / "index", kind)
    assert eng.rebuild(SMALL) == 3
    yield eng
    eng.close()


@pytest.fixture(scope="module", params=ENGINES)
def corpus(request, tmp_path_factory):
    """The 72 reports cut into ~780 records, indexed once per engine (on every core)."""
    docs = chunks()
    eng = open_engine(tmp_path_factory.mktemp("contract") / "index", request.param)
    assert eng.rebuild(docs) == len(docs)
    yield eng, docs
    eng.close()


def numbers(hits):
    return sorted(h.filing_number for h in hits)


def test_hits_are_exactly_the_records_containing_the_query(corpus):
    eng, docs = corpus
    texts = {d.filing_number: normalize(d.body).lower() for d in docs}
    tp = fp = fn = 0
    for sub in substrings(docs, 200, seed=2012):
        expected = {k for k, v in texts.items() if sub.lower() in v}
        hits = eng.search(sub, limit=100_000)
        got = {h.filing_number for h in hits}
        assert hits.total == len(got)
        tp, fp, fn = tp + len(expected & got), fp + len(got - expected), fn + len(expected - got)
    recall, precision = tp / (tp + fn), tp / (tp + fp)
    assert recall >= 0.99 and precision >= 0.95, (recall, precision)


def test_words_inside_words_latin_and_numbers(corpus):
    eng, docs = corpus
    texts = {d.filing_number: normalize(d.body).lower() for d in docs}

    def found(query):
        return {h.filing_number for h in eng.search(query, limit=100_000)}

    for query in ("审批", "行政审批制度改革", "GDP", "2010年", "改革开放"):
        assert found(query) == {k for k, v in texts.items() if query.lower() in v}, query
    assert found("放开革改") == set()  # characters present, never in this order


def test_filters(engine):
    assert numbers(engine.search("审批", Filters(type="plan"))) == ["A-1"]
    assert numbers(engine.search("审批", Filters(year=2012))) == ["B-1"]
    assert numbers(engine.search("审批", Filters(unit="规划处"))) == ["A-1", "B-1"]
    assert numbers(engine.search("审批", Filters(unit="bgs"))) == ["A-2"]
    assert numbers(engine.search("审批", Filters(date_from=dt.date(2011, 5, 1),
                                                 date_to=dt.date(2011, 12, 31)))) == ["A-2"]
    assert numbers(engine.search("NOT 审批")) == []
    assert numbers(engine.search("NOT GDP")) == ["A-1", "A-2"]
    assert numbers(engine.search("(审批 OR 承诺) -unit:办公室")) == ["A-1", "B-1"]


def test_snippets_limit_total_and_hit_fields(engine):
    hits = engine.search("审批", limit=2)
    assert len(hits) == 2 and hits.total == 3
    h = engine.search("GDP")[0]
    assert (h.filing_number, h.title, h.date, h.type, h.unit) == (
        "B-1", "年度工作总结", "2012-12-01", "summary", "区建设局规划处")
    assert "【GDP】" in h.snippet and h.score > 0
    assert "【审批时限】" in engine.search("审批时限")[0].snippet


def test_add_replaces_by_filing_number_and_remove_drops(engine):
    engine.add([IndexDoc("A-1", "规划处工作方案（修订）", "听证会安排。", type="plan", year=2011)])
    assert numbers(engine.search("审批")) == ["A-2", "B-1"]
    assert numbers(engine.search("听证会")) == ["A-1"]
    assert engine.remove(["A-2", "nope"]) == 1
    assert numbers(engine.search("审批")) == ["B-1"]


def test_rebuild_replaces_everything(engine, kind, tmp_path):
    engine.rebuild([IndexDoc("C-1", "新件", "只有这一件")])
    assert numbers(engine.search("这一件")) == ["C-1"] and engine.search("审批") == []
    # on every core and on one, the same index
    docs = chunks()[:220]  # above PARALLEL_FROM: the workers are used
    one = open_engine(tmp_path / "one", kind, workers=1)
    two = open_engine(tmp_path / "two", kind, workers=2)
    assert one.rebuild(docs) == two.rebuild(docs) == 220
    for query in ("改革", "经济 OR 就业", '"深化 改革"', "GDP"):
        a, b = one.search(query, limit=1000), two.search(query, limit=1000)
        assert numbers(a) == numbers(b) and a.total == b.total, query


def test_missing_index_is_unusable_and_malformed_query_is_query_error(kind, tmp_path, engine):
    with pytest.raises(IndexUnusable, match="missing"):
        open_engine(tmp_path / "none", kind).open()
    with pytest.raises(QueryError):
        engine.search('"审批')


def test_repair_after_a_damaged_segment(engine, kind, tmp_path):
    engine.close()
    DAMAGE[kind](tmp_path / "index")
    eng = open_engine(tmp_path / "index", kind)
    with pytest.raises(IndexUnusable):
        eng.open()
        eng.search("审批")
    assert eng.repair(SMALL, force=True) == 3
    assert numbers(eng.search("审批")) == ["A-1", "A-2", "B-1"]
    assert eng.repair(SMALL) is None  # it opens: nothing to repair
    eng.close()


def test_engine_factory_refuses_an_unknown_kind(tmp_path):
    with pytest.raises(ValueError, match="unknown search engine"):
        open_engine(tmp_path, "lucene")
