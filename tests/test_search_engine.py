"""The search engine's parts: analysis, query language, snippets (engines: test_search_contract)."""

from __future__ import annotations

import pytest

from docgen.errors import QueryError
from docgen.search import query as q
from docgen.search.analysis import index_tokens, query_terms


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


def test_snippet_shows_the_records_own_characters():
    from docgen.search.query import snippet

    text = "推行行政审批限时办结、超时默许制度，审批时限平均压缩５７％。"
    assert snippet(text, ["审批时限", "57"]) == (
        "推行行政审批限时办结、超时默许制度，【审批时限】平均压缩【５７】％。")


def test_whoosh_posting_blocks_hold_each_record_once(tmp_path):
    """CompactPostingsWriter keeps Whoosh's block layout: 300 postings are 3 blocks, not a
    block that grows (the whole list again) each time."""
    from docgen.search.engine import IndexDoc
    from docgen.search.whoosh import WhooshEngine, storage

    eng = WhooshEngine(tmp_path / "index", workers=1)
    eng.rebuild(IndexDoc(f"N-{i}", "", f"审批事项第{i}件") for i in range(300))
    (reader, _offset), = eng.searcher().leaf_searchers()
    ids = list(storage.doc_ids(reader.reader(), "body", "审批"))
    assert sorted(ids) == list(range(300))
    assert eng.whoosh_search("审批 事项", limit=5).scored_length() == 5
    eng.close()
