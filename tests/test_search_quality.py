"""Search quality on the real corpus: hits must be exactly the records containing the query.

The 72 government work reports are cut into ~1,500-character records and indexed through the
engine. Random substrings of 2–8 characters (seeded) are searched and compared with plain
substring search over the same (NFKC-normalised) text. Substrings with punctuation or spaces
are skipped, and so are those that cut a Latin word in half ('DP' of 'GDP'): Latin words are
indexed as words, like a user types them.
"""

from __future__ import annotations

import json
import random
import re

import pytest

from conftest import CORPUS
from docgen.search.analysis import normalize
from docgen.search.engine import IndexDoc

CHUNK = 1500
QUERIES = 600
OK = re.compile(r"^[\u4e00-\u9fff0-9A-Za-z]+$")
LATIN = re.compile(r"[A-Za-z]")


def chunks():
    docs = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        report = json.loads(line)
        text = report["content"]
        for k in range(0, len(text), CHUNK):
            body = text[k : k + CHUNK]
            docs.append(IndexDoc(filing_number=f"R{len(docs):04d}", title=body[:24], body=body,
                                 year=int(report["year"] or 0) or None))
    return docs


def substrings(docs, n, seed):
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        text = normalize(rng.choice(docs).body)
        size = rng.randint(2, 8)
        if len(text) < size:
            continue
        i = rng.randrange(len(text) - size + 1)
        sub = text[i : i + size]
        if not OK.fullmatch(sub):
            continue
        if LATIN.match(sub[0]) and i > 0 and LATIN.match(text[i - 1]):
            continue
        if LATIN.match(sub[-1]) and i + size < len(text) and LATIN.match(text[i + size]):
            continue
        out.append(sub)
    return out


@pytest.fixture(scope="module")
def corpus_engine(tmp_path_factory):
    from docgen.search.whoosh import WhooshEngine

    docs = chunks()
    engine = WhooshEngine(tmp_path_factory.mktemp("quality") / "index")
    assert engine.rebuild(docs) == len(docs)
    return engine, docs


@pytest.mark.slow
def test_hits_are_exactly_the_records_containing_the_query(corpus_engine):
    engine, docs = corpus_engine
    assert len(docs) > 500
    texts = {d.filing_number: normalize(d.body).lower() for d in docs}
    tp = fp = fn = 0
    by_len: dict[int, list[int]] = {}
    misses = []
    for sub in substrings(docs, QUERIES, seed=2011):
        expected = {k for k, v in texts.items() if sub.lower() in v}
        got = {h.filing_number for h in engine.search(sub, limit=100_000)}
        tp += len(expected & got)
        fp += len(got - expected)
        fn += len(expected - got)
        stats = by_len.setdefault(len(sub), [0, 0, 0])
        stats[0] += len(expected & got)
        stats[1] += len(got - expected)
        stats[2] += len(expected - got)
        if got != expected:
            misses.append((sub, len(expected), len(got)))
    recall, precision = tp / (tp + fn), tp / (tp + fp)
    print(f"\n{QUERIES} queries over {len(docs)} records: recall {recall:.4f}, "
          f"precision {precision:.4f} ({tp} right, {fp} extra, {fn} missed)")
    for size, (t, f, m) in sorted(by_len.items()):
        print(f"  length {size}: recall {t / max(1, t + m):.4f} precision {t / max(1, t + f):.4f}")
    print("  differing queries:", misses[:10])
    assert recall >= 0.99
    assert precision >= 0.95


def test_title_weighs_more_than_body(tmp_path):
    from docgen.search.whoosh import WhooshEngine

    engine = WhooshEngine(tmp_path / "index")
    engine.rebuild([
        IndexDoc("A", "年度工作总结", "本年度推进行政审批制度改革，审批时限压缩。"),
        IndexDoc("B", "行政审批改革承诺书", "本处承诺。"),
    ])
    hits = engine.search("审批")
    assert [h.filing_number for h in hits] == ["B", "A"]
    assert "【审批】" in hits[1].snippet


def test_whole_jieba_word_ranks_first(tmp_path):
    from docgen.search.whoosh import WhooshEngine

    engine = WhooshEngine(tmp_path / "index")
    engine.rebuild([
        IndexDoc("A", "甲", "深化改革开放。深化改革开放。"),
        IndexDoc("B", "乙", "推进政府职能转变，坚持改革开放。"),
    ])
    assert {h.filing_number for h in engine.search("改革开放")} == {"A", "B"}


@pytest.mark.slow
def test_whole_reports_filed_into_an_archive(tmp_path):
    """The issue's setup: the 72 reports filed as .docx, searched through docgen.search."""
    import docx

    from docgen.archive import init_archive
    from docgen.search import search
    from test_archive_support import FONDS, Clock

    arc = init_archive(tmp_path / "archive", by="测试员", clock=Clock(), **FONDS)
    texts = {}
    for i, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines()):
        report = json.loads(line)
        path = tmp_path / f"report{i}.docx"
        d = docx.Document()
        for para in report["content"].split("\n"):
            d.add_paragraph(para)
        d.save(path)
        title = f"政府工作报告（第{i + 1}份）"
        rec = arc.file_import(path, type="other", title=title,
                              date=f"{report['year'] or 2000}-03-05", unit="区建设局办公室")
        assert rec.notices == []
        texts[rec.filing_number] = normalize("\n".join(
            [title, rec.kind, rec.unit, report["content"]])).lower()
    docs = [IndexDoc(k, "", v) for k, v in texts.items()]
    tp = fp = fn = 0
    for sub in substrings(docs, 200, seed=72):
        expected = {k for k, v in texts.items() if sub.lower() in v}
        got = {h.filing_number for h in search(arc, sub, limit=1000)}
        tp, fp, fn = tp + len(expected & got), fp + len(got - expected), fn + len(expected - got)
    recall, precision = tp / (tp + fn), tp / (tp + fp)
    print(f"\n200 queries over the 72 filed reports: recall {recall:.4f}, "
          f"precision {precision:.4f}")
    assert recall >= 0.99 and precision >= 0.95
