"""Matching and scoring: docgen's query tree over Whoosh postings, and BM25.

Queries run in `Evaluator`: posting blocks read whole, candidates intersected as sets, phrase
positions checked on a covering subset of the bigrams (改革开放 -> 改革@0 开放@2), BM25 on phrase
occurrences, heapq for the top N (in the engine). Whoosh's matcher/collector path costs ~30 µs
per matching record and its span-based Phrase far more; `to_whoosh` (with the `Adjacent`
phrase matcher) is kept for keyword queries and filters, and as the benchmark's baseline.
"""

from __future__ import annotations

import math
from collections import Counter

from whoosh import query as wq
from whoosh.matching import IntersectionMatcher, NullMatcher, WrappingMatcher

from docgen.search import query as q
from docgen.search.analysis import query_terms
from docgen.search.engine import Filters
from docgen.search.whoosh import storage

TITLE_BOOST = 3.0
WORD_BOOST = 0.5  # extra for records where jieba made the whole query one word
LOOKUP_RATIO = 16  # seek a term's postings when it has 16x more records than the candidates


class Adjacent(wq.Query):
    """Records where `terms` occur at exactly `offsets` from one another (a Chinese phrase)."""

    def __init__(self, fieldname: str, terms, offsets, boost: float = 1.0):
        self.fieldname, self.boost = fieldname, boost
        self.terms, self.offsets = list(terms), list(offsets)

    def __repr__(self):
        return f"Adjacent({self.fieldname!r}, {list(zip(self.terms, self.offsets))})"

    def __eq__(self, other):
        return (isinstance(other, Adjacent) and repr(other) == repr(self)
                and other.boost == self.boost)

    def __hash__(self):
        return hash(repr(self))

    def is_leaf(self):
        return True

    def has_terms(self):
        return True

    def terms(self, phrases=False):
        for t in self.terms if phrases else ():
            yield self.fieldname, t

    def estimate_size(self, ixreader):
        return min(ixreader.doc_frequency(self.fieldname, t) for t in self.terms)

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        for t in self.terms:
            if (self.fieldname, t) not in reader:
                return NullMatcher()
        leaves = [wq.Term(self.fieldname, t).matcher(searcher, context) for t in self.terms]
        if len(leaves) == 1:
            m = leaves[0]
        else:
            order = sorted(range(len(leaves)), key=lambda i: reader.doc_frequency(
                self.fieldname, self.terms[i]))
            m = leaves[order[0]]
            for i in order[1:]:
                m = IntersectionMatcher(m, leaves[i])
            m = _AdjacentMatcher(m, [leaves[i] for i in order], [self.offsets[i] for i in order])
        if self.boost != 1.0:
            m = WrappingMatcher(m, boost=self.boost)
        return m


class _AdjacentMatcher(WrappingMatcher):
    """Skips candidate records whose term positions do not line up."""

    def __init__(self, child, leaves, offsets, boost=1.0):
        super().__init__(child, boost)
        self.leaves, self.offsets = leaves, offsets
        self._find()

    def _lined_up(self) -> bool:
        starts = None
        for leaf, off in zip(self.leaves, self.offsets):
            s = {p - off for p in leaf.value_as("positions")}
            starts = s if starts is None else starts & s
            if not starts:
                return False
        return True

    def _find(self):
        while self.child.is_active() and not self._lined_up():
            self.child.next()

    def copy(self):
        return _AdjacentMatcher(self.child.copy(), self.leaves, self.offsets, self.boost)

    def replace(self, minquality=0):
        if not self.is_active() or (minquality and self.child.max_quality() < minquality):
            return NullMatcher()
        return self

    def all_ids(self):
        while self.is_active():
            yield self.id()
            self.next()

    def next(self):
        self.child.next()
        self._find()

    def skip_to(self, id):
        self.child.skip_to(id)
        self._find()

    # The phrase check only removes records, so the terms' block-max scores still bound ours:
    # Whoosh may skip whole posting blocks that cannot reach the top N (limit).
    def supports_block_quality(self):
        return self.child.supports_block_quality()

    def skip_to_quality(self, minquality):
        skipped = self.child.skip_to_quality(minquality)
        self._find()
        return skipped


def text_query(fieldname: str, text: str, boost: float = 1.0, whole_word: bool = False):
    """The Whoosh query for Chinese/Latin words in one text field (exact substring semantics)."""
    qt = query_terms(text)
    if qt.prefix is not None:
        return wq.Prefix(fieldname, qt.prefix, boost=boost)
    if qt.empty:
        return wq.NullQuery
    phrase = Adjacent(fieldname, qt.terms, qt.offsets, boost=boost)
    if whole_word and qt.word:
        return wq.Or([phrase, wq.Term(fieldname, qt.word, boost=WORD_BOOST)])
    return phrase


def to_whoosh(node):
    """The Whoosh query for a parsed query tree."""
    if isinstance(node, q.Text):
        if node.field is None:
            return wq.Or([text_query("title", node.text, TITLE_BOOST),
                          text_query("body", node.text, whole_word=True)])
        if node.field == "unit":
            return wq.Or([text_query("unit", node.text), wq.Term("unit_code", node.text.upper())])
        return text_query(node.field, node.text, TITLE_BOOST if node.field == "title" else 1.0)
    if isinstance(node, q.Keyword):
        if node.prefix:
            return wq.Prefix(node.field, node.value)
        return wq.Term(node.field, node.value)
    if isinstance(node, q.And):
        positives = [to_whoosh(i) for i in node.items if not isinstance(i, q.Not)]
        negatives = [to_whoosh(i.item) for i in node.items if isinstance(i, q.Not)]
        base = (wq.And(positives) if len(positives) > 1
                else positives[0] if positives else wq.Every())
        return wq.AndNot(base, wq.Or(negatives)) if negatives else base
    if isinstance(node, q.Or):
        return wq.Or([to_whoosh(i) for i in node.items])
    if isinstance(node, q.Not):
        return wq.AndNot(wq.Every(), to_whoosh(node.item))
    raise TypeError(node)


def filter_query(f: Filters):
    """The Whoosh query for command-line restrictions, or None."""
    parts = []
    if f.type:
        parts.append(wq.Term("type", f.type))
    if f.year:
        parts.append(wq.Term("year", str(f.year)))
    if f.unit:
        parts.append(to_whoosh(q.Text(f.unit, "unit")))
    if f.date_from or f.date_to:
        parts.append(wq.TermRange("date", f.date_from.isoformat() if f.date_from else None,
                                  f.date_to.isoformat() if f.date_to else None))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


class Evaluator:
    """Runs a query tree over Whoosh's postings in bulk and scores with BM25.

    Whoosh's own path (matchers, collector) costs ~30 µs in Python for every matching record,
    so a two-character query that matches half of 20,000 records takes ~300 ms. Here posting
    blocks are read whole into dicts, candidate records are intersected as sets, phrase
    positions are checked only for the candidates, and the top N is picked with heapq: the
    per-record cost is a few µs. Results are document number -> score, global to the searcher.
    """

    K1, B = 1.2, 0.75

    def __init__(self, searcher):
        self.searcher = searcher
        self.leaves = searcher.leaf_searchers()
        self.n = max(1, searcher.doc_count())

    def run(self, node) -> dict[int, float]:
        if isinstance(node, q.Text):
            return self.text(node)
        if isinstance(node, q.Keyword):
            return dict.fromkeys(self.docs(to_whoosh(node)), 0.0)
        if isinstance(node, q.And):
            positives = [i for i in node.items if not isinstance(i, q.Not)]
            negatives = [i.item for i in node.items if isinstance(i, q.Not)]
            result = None
            for item in sorted(positives, key=lambda i: not isinstance(i, q.Keyword)):
                part = self.run(item)
                if result is None:
                    result = part
                else:
                    result = {d: v + part[d] for d, v in result.items() if d in part}
                if not result:
                    return {}
            if result is None:
                result = dict.fromkeys(self.all_docs(), 0.0)
            for item in negatives:
                drop = self.run(item)
                result = {d: v for d, v in result.items() if d not in drop}
            return result
        if isinstance(node, q.Or):
            result: dict[int, float] = {}
            for item in node.items:
                for d, v in self.run(item).items():
                    result[d] = result.get(d, 0.0) + v
            return result
        if isinstance(node, q.Not):
            drop = self.run(node.item)
            return {d: 0.0 for d in self.all_docs() if d not in drop}
        raise TypeError(node)

    def docs(self, wquery) -> list[int]:
        return list(self.searcher.docs_for_query(wquery))

    def all_docs(self):
        return self.searcher.reader().all_doc_ids()

    def text(self, node: q.Text) -> dict[int, float]:
        qt = query_terms(node.text)
        if node.field is None:
            parts = [("title", TITLE_BOOST), ("body", 1.0)]
        elif node.field == "unit":
            return {**dict.fromkeys(self.docs(wq.Term("unit_code", node.text.upper())), 0.0),
                    **self.field("unit", qt, 1.0)}
        else:
            parts = [(node.field, TITLE_BOOST if node.field == "title" else 1.0)]
        result: dict[int, float] = {}
        for fieldname, boost in parts:
            for d, v in self.field(fieldname, qt, boost).items():
                result[d] = result.get(d, 0.0) + v
        if qt.word and node.field is None:
            for d in self.field("body", query_terms(qt.word), 0.0, whole=qt.word):
                if d in result:
                    result[d] += WORD_BOOST * result[d]
        return result

    def field(self, fieldname, qt, boost, whole=None) -> dict[int, float]:
        """Global doc -> BM25 score of the phrase `qt` in one field (tf = phrase occurrences)."""
        tfs: dict[int, int] = {}
        avg = self.searcher.avg_field_length(fieldname, 1.0) or 1.0
        for leaf, offset in self.leaves:
            reader = leaf.reader()
            if whole is not None:
                found = storage.postings(reader, fieldname, whole)
                local = {d: 1 for d in found}
            else:
                local = phrase_counts(reader, fieldname, qt)
            if local and reader.has_deletions():
                local = {d: v for d, v in local.items() if not reader.is_deleted(d)}
            lengths = storage.lengths(reader, fieldname)
            for d, tf in local.items():
                tfs[d + offset] = (tf, lengths[d] if d < len(lengths) else avg)
        if not tfs or not boost:
            return dict.fromkeys(tfs, 0.0)
        df = len(tfs)
        idf = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
        k1, b = self.K1, self.B
        return {d: boost * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avg))
                for d, (tf, dl) in tfs.items()}


def phrase_counts(reader, fieldname: str, qt) -> dict[int, int]:
    """Local doc -> occurrences of the phrase: terms at their offsets from one another."""
    if qt.prefix is not None:
        # one character: every term that starts with it; only record numbers are read, and tf
        # counts the distinct terms (a common character expands to thousands of bigrams)
        counts: Counter = Counter()
        for text in reader.expand_prefix(fieldname, qt.prefix):
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            counts.update(storage.doc_ids(reader, fieldname, text))
        return dict(counts)
    if qt.empty:
        return {}
    order = sorted(range(len(qt.terms)), key=lambda i: reader.doc_frequency(fieldname, qt.terms[i]))
    posts = []
    cand = None
    for i in order:
        text = qt.terms[i]
        if cand is not None and len(cand) * LOOKUP_RATIO < reader.doc_frequency(fieldname, text):
            p = storage.lookup(reader, fieldname, text, cand)  # few candidates left: seek, do not read all
        else:
            p = storage.postings(reader, fieldname, text)
        cand = p.keys() if cand is None else cand & p.keys()
        if not cand:
            return {}
        posts.append((p, qt.offsets[i]))
    first, off0 = posts[0]
    if len(posts) == 1:
        return {d: storage.frequency(v) for d, v in first.items()}
    out = {}
    rest = posts[1:]
    for d in cand:
        v = first[d]
        if len(v) == 3:  # one occurrence of the rarest term (the usual case): test membership
            start = (v[1] | v[2] << 8) - off0
            for p, off in rest:
                w = p[d]
                if len(w) == 3:
                    if (w[1] | w[2] << 8) - off != start:
                        break
                elif start + off not in storage.positions(w):
                    break
            else:
                out[d] = 1
            continue
        starts = {x - off0 for x in storage.positions(v)}
        for p, off in rest:
            starts &= {x - off for x in storage.positions(p[d])}
            if not starts:
                break
        else:
            out[d] = len(starts)
    return out
