"""The search engine's parts: analysis, query language, snippets, the Whoosh engine's interface."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.errors import QueryError
from docgen.search import query as q
from docgen.search.analysis import index_tokens, query_terms
from docgen.search.engine import Filters, IndexDoc


def test_bigrams_boundaries_latin_and_gaps():
    tokens = index_tokens("推进审批改革，GDP增长5G", words=False)
    assert ("推进", 0) in tokens and ("审批", 2) in tokens and ("革", 5) in tokens
    # the comma takes one position, so 改革 and GDP are not adjacent
    assert ("gdp", 7) in tokens and ("增长", 8) in tokens and ("5", 10) in tokens
    assert ("g", 11) in tokens
    assert not any(t == "革g" or t == "革，" for t, _ in tokens)


def test_full_width_is_normalised():
    assert index_tokens("ＧＤＰ２０１１", words=False) == index_tokens("GDP2011", words=False)


def test_jieba_words_sit_at_their_first_character():
    tokens = index_tokens("坚持改革开放")
    assert ("改革开放", 2) in tokens


def test_query_terms_cover_every_character_with_fewest_bigrams():
    assert query_terms("改革开放").terms == ("改革", "开放")
    assert query_terms("改革开放").offsets == (0, 2)
    assert query_terms("审批制").terms == ("审批", "批制")
    assert query_terms("2011年").terms == ("20", "11", "1年")
    assert query_terms("年").prefix == "年"
    assert query_terms("GDP增长").terms == ("gdp", "增长")
    assert query_terms("经济 发展").offsets == (0, 3)  # the space needs a separator there
    assert query_terms("，。").empty


@pytest.mark.parametrize("text,tree", [
    ("审批", q.Text("审批")),
    ("审批 听证", q.And((q.Text("审批"), q.Text("听证")))),
    ("审批 OR 听证", q.Or((q.Text("审批"), q.Text("听证")))),
    ("审批 -听证", q.And((q.Text("审批"), q.Not(q.Text("听证"))))),
    ('"限时 办结"', q.Text("限时 办结", phrase=True)),
    ("title:承诺", q.Text("承诺", "title")),
    ("type:承诺书", q.Keyword("type", "commitment")),
    ("(审批 OR 听证) AND year:2011",
     q.And((q.Or((q.Text("审批"), q.Text("听证"))), q.Keyword("year", "2011")))),
])
def test_parse(text, tree):
    assert q.parse(text) == tree


@pytest.mark.parametrize("text", ["", "   ", '"审批', "(审批", "审批)", "AND", "审批 AND",
                                  "OR 审批", "NOT", "bogus:1", "title:", "type:x", "year:11",
                                  "？！", "()", "审批 AND (", "unit:(a OR b)"])
def test_malformed_queries_raise_query_error(text):
    with pytest.raises(QueryError) as e:
        q.parse(text)
    assert e.value.exit_code == 9 and "\n" not in e.value.message


def test_snippet_marks_and_windows():
    text = "前言。" * 50 + "推进行政审批制度改革，压缩审批时限。" + "结语。" * 50
    s = q.snippet(text, ["审批"], width=40)
    assert s.startswith("…") and s.endswith("…") and s.count("【审批】") == 2
    assert q.snippet("没有匹配的文字", ["审批"]) == "没有匹配的文字"


@pytest.fixture
def engine(tmp_path):
    from docgen.search.whoosh import WhooshEngine

    eng = WhooshEngine(tmp_path / "index")
    eng.rebuild([
        IndexDoc("A-1", "规划处工作方案", "推进行政审批制度改革。", type="plan", year=2011,
                 unit="区建设局规划处", unit_code="GHC", date=dt.date(2011, 4, 15)),
        IndexDoc("A-2", "办公室承诺书", "承诺审批时限压缩至10个工作日。", type="commitment",
                 year=2011, unit="区建设局办公室", unit_code="BGS", date=dt.date(2011, 5, 20)),
        IndexDoc("B-1", "年度工作总结", "全年办结审批事项120件，GDP增长。", type="summary",
                 year=2012, unit="区建设局规划处", unit_code="GHC", date=dt.date(2012, 12, 1)),
    ])
    return eng


def numbers(hits):
    return sorted(h.filing_number for h in hits)


def test_engine_add_replaces_by_filing_number_and_remove_drops(engine):
    assert numbers(engine.search("审批")) == ["A-1", "A-2", "B-1"]
    engine.add([IndexDoc("A-1", "规划处工作方案（修订）", "听证会安排。", type="plan", year=2011)])
    assert numbers(engine.search("审批")) == ["A-2", "B-1"]
    assert numbers(engine.search("听证会")) == ["A-1"]
    assert engine.remove(["A-2", "nope"]) == 1
    assert numbers(engine.search("审批")) == ["B-1"]
    assert engine.doc_count() == 2


def test_engine_filters(engine):
    assert numbers(engine.search("审批", Filters(type="plan"))) == ["A-1"]
    assert numbers(engine.search("审批", Filters(year=2012))) == ["B-1"]
    assert numbers(engine.search("审批", Filters(unit="规划处"))) == ["A-1", "B-1"]
    assert numbers(engine.search("审批", Filters(unit="bgs"))) == ["A-2"]
    assert numbers(engine.search("审批", Filters(date_from=dt.date(2011, 5, 1),
                                                 date_to=dt.date(2011, 12, 31)))) == ["A-2"]
    assert numbers(engine.search("NOT 审批")) == []
    assert numbers(engine.search("NOT GDP")) == ["A-1", "A-2"]


def test_engine_limit_total_and_hit_fields(engine):
    hits = engine.search("审批", limit=2)
    assert len(hits) == 2 and hits.total == 3
    h = engine.search("GDP")[0]
    assert (h.filing_number, h.title, h.date, h.type, h.unit) == (
        "B-1", "年度工作总结", "2012-12-01", "summary", "区建设局规划处")
    assert "【GDP】" in h.snippet and h.score > 0


def test_unusable_index_is_reported_not_guessed(tmp_path):
    from docgen.search.engine import IndexUnusable
    from docgen.search.whoosh import WhooshEngine

    with pytest.raises(IndexUnusable, match="missing"):
        WhooshEngine(tmp_path / "none").search("审批")


def test_snippet_shows_the_records_own_characters():
    from docgen.search.query import snippet

    text = "推行行政审批限时办结、超时默许制度，审批时限平均压缩５７％。"
    assert snippet(text, ["审批时限", "57"]) == (
        "推行行政审批限时办结、超时默许制度，【审批时限】平均压缩【５７】％。")
