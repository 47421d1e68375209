"""The Whoosh implementation of the search engine (imported only when a search or filing runs).

Tuning, measured in bench/bench_search.py (figures in bench/README.md):
- queries run in `Evaluator`: posting blocks read whole, candidates intersected as sets, phrase
  positions checked on a covering subset of the bigrams (改革开放 -> 改革@0 开放@2), BM25 on
  phrase occurrences, heapq for the top N. Whoosh's matcher/collector path costs ~30 µs per
  matching record and its span-based Phrase far more (kept as `to_whoosh` for filters and as
  the benchmark's baseline);
- positions are packed arrays and posting blocks are pickled with protocol 4 (CompactPositions,
  _fast_pickle): Whoosh's defaults spend ~20 bytes of pickle per posting;
- only the title, the unit and the filing data are stored; the text for snippets is stored
  zlib-compressed, as written (full-width punctuation kept), and read for the shown hits only;
- `rebuild` writes one segment; `add` commits small segments that Whoosh merges as it goes;
- a WhooshEngine keeps its searcher open and reopens it only when the index changed.
"""

from __future__ import annotations

import heapq
import math
import time
import zlib
from array import array
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

from whoosh import fields, formats, index, query as wq, writing
from whoosh.analysis import Token, Tokenizer
from whoosh.matching import IntersectionMatcher, NullMatcher, WrappingMatcher

from docgen.errors import ArchiveError, DocgenError
from docgen.search import query as q
from docgen.search.analysis import index_tokens, query_terms
from docgen.search.engine import Filters, Hit, Hits, IndexDoc, Progress

TITLE_BOOST = 3.0
WORD_BOOST = 0.5  # extra for records where jieba made the whole query one word
MAX_STORED_CHARS = 100_000  # snippet source per record
LOOKUP_RATIO = 16  # seek a term's postings when it has 16x more records than the candidates
LOCK_TIMEOUT = 60.0  # seconds a writer waits for another writer (a rebuild may hold it)
SCHEMA_VERSION = "1"


class IndexLocked(ArchiveError):
    """Another process held the index's writer lock for longer than we waited."""


class IndexUnusable(Exception):
    """The index is missing, from another schema, or unreadable: rebuild it."""


class ChineseTokenizer(Tokenizer):
    """Whoosh face of analysis.index_tokens: bigrams, boundary unigrams, jieba words, Latin."""

    def __init__(self, words: bool = True):
        self.words = words

    def __eq__(self, other):
        return isinstance(other, ChineseTokenizer) and other.words == self.words

    def pairs(self, value):
        """(term, position) pairs; the fast path CompactPositions uses."""
        return index_tokens(value, words=self.words)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="", **kw):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kw)
        for text, pos in index_tokens(value, words=self.words):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            yield t


class CompactPositions(formats.Positions):
    """Positions as a packed array (3 bytes for one position, not Whoosh's ~13-byte pickle).

    Bigram indexes have a posting per character, so this halves the index size.
    """

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        poses = defaultdict(list)
        for text, pos in analyzer.pairs(value):
            poses[text].append(pos)
        for w, poslist in poses.items():
            yield w, len(poslist), len(poslist) * fb, self.encode(poslist)

    def encode(self, poslist):
        code = "H" if poslist[-1] < 65536 else "I"
        return code.encode() + array(code, poslist).tobytes()

    def decode_positions(self, valuestring):
        return array(chr(valuestring[0]), valuestring[1:])

    def decode_frequency(self, valuestring):
        return (len(valuestring) - 1) // (2 if valuestring[:1] == b"H" else 4)

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost

    def decode_position_boosts(self, valuestring):
        return [(pos, 1) for pos in self.decode_positions(valuestring)]


def _text_field(analyzer, stored: bool):
    f = fields.TEXT(analyzer=analyzer, stored=stored)
    f.format = CompactPositions()
    return f


def make_schema(words: bool = True) -> fields.Schema:
    analyzer = ChineseTokenizer(words)
    return fields.Schema(
        filing_number=fields.ID(stored=True, unique=True),
        title=_text_field(analyzer, stored=True),
        body=_text_field(analyzer, stored=False),
        unit=_text_field(analyzer, stored=True),
        unit_code=fields.ID(),
        type=fields.ID(stored=True),
        kind=fields.ID(stored=True),
        year=fields.ID(stored=True),
        date=fields.ID(stored=True),
        status=fields.ID(stored=True),
        doc_number=fields.STORED(),
        content=fields.STORED(),  # zlib-compressed text, the snippet source
        schema_version=fields.STORED(),
    )


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


class WhooshEngine:
    """A Whoosh index in one folder; safe for many readers and writers across processes."""

    def __init__(self, path: str | Path, *, words: bool = True):
        self.path = Path(path)
        self.words = words
        self._ix = None
        self._searcher = None

    # -- opening ------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.is_dir() and any(self.path.glob("_MAIN_*.toc"))

    def open(self):
        """The index, or IndexUnusable saying why it cannot be used."""
        if self._ix is not None:
            return self._ix
        if not self.exists():
            raise IndexUnusable("missing")
        last = None
        for attempt in range(3):  # a commit may delete segment files between reads
            try:
                ix = index.open_dir(str(self.path))
                if ("schema_version" not in ix.schema
                        or ix.schema["body"].analyzer != ChineseTokenizer(self.words)):
                    raise IndexUnusable("made by another version of docgen")
                with ix.searcher() as s:
                    s.doc_count()
                self._ix = ix
                return ix
            except IndexUnusable:
                raise
            except Exception as e:  # noqa: BLE001 - whoosh raises many kinds when files are bad
                last = e
                time.sleep(0.05 * (attempt + 1))
        raise IndexUnusable(f"unreadable ({_why(last)})")

    def _lock(self):
        from whoosh.filedb.filestore import FileStorage

        self.path.mkdir(parents=True, exist_ok=True)
        lock = FileStorage(str(self.path)).lock("MAIN_WRITELOCK")
        if not _try_for(lock.acquire, LOCK_TIMEOUT):
            raise IndexLocked(f"search index {self.path} stayed locked by another process for "
                              f"{LOCK_TIMEOUT:.0f} s — retry, or run `docgen index rebuild` later")
        return lock

    def repair(self, docs: Iterable[IndexDoc], progress: Progress | None = None, *,
               force: bool = False) -> int | None:
        """Recreate a missing or unreadable index from `docs`, holding the writer lock throughout.

        Returns how many records were indexed, or None when the index opens fine once we hold
        the lock (another process repaired it, or a commit had just replaced the files we were
        reading); then `docs` is not consumed. `force` recreates it regardless: the index
        opened but failed when read.
        """
        self.close()
        lock = self._lock()
        try:
            if not force:
                try:
                    self.open()
                    return None
                except IndexUnusable:
                    pass
            self.close()
            from whoosh.filedb.filestore import FileStorage

            for f in self.path.iterdir():  # segments of the broken index; TOC.create drops the rest
                if f.is_file() and f.name.startswith("MAIN_") and f.suffix == ".seg":
                    f.unlink()
            ix = FileStorage(str(self.path)).create_index(make_schema(self.words))
            w = ix.writer(_lk=False, limitmb=256, codec=CODEC())
            n = self._write(w, docs, progress, add=True)
            w.commit(mergetype=writing.CLEAR)
            return n
        finally:
            lock.release()
            self.close()

    def _write(self, w, docs, progress, *, add: bool) -> int:
        n = 0
        try:
            for d in docs:
                (w.add_document if add else w.update_document)(**self._fields(d))
                n += 1
                if progress:
                    progress(1)
        except BaseException:
            w.cancel()
            raise
        return n

    def close(self):
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None
        self._ix = None

    def _writer(self, ix):
        try:
            return ix.writer(timeout=LOCK_TIMEOUT, delay=0.02, limitmb=256, codec=CODEC())
        except index.LockError:
            raise IndexLocked(f"search index {self.path} stayed locked by another process for "
                              f"{LOCK_TIMEOUT:.0f} s — retry, or run `docgen index rebuild` "
                              "later") from None

    # -- writing ------------------------------------------------------------------------
    def add(self, docs: Iterable[IndexDoc]) -> int:
        w = self._writer(self.open())
        n = self._write(w, docs, None, add=False)
        w.commit()
        return n

    def remove(self, filing_numbers: Iterable[str]) -> int:
        ix = self.open()
        w = self._writer(ix)
        n = 0
        try:
            for fn in filing_numbers:
                n += w.delete_by_term("filing_number", fn)
        except BaseException:
            w.cancel()
            raise
        w.commit()
        return n

    def rebuild(self, docs: Iterable[IndexDoc], progress: Progress | None = None) -> int:
        """Index `docs` as one new segment and drop the old ones in the same commit.

        Searches keep reading the old index until the commit; filers wait for the lock.
        """
        try:
            ix = self.open()
        except IndexUnusable:
            n = self.repair(docs, progress)
            return self.rebuild(docs, progress) if n is None else n
        w = self._writer(ix)
        n = self._write(w, docs, progress, add=True)
        w.commit(mergetype=writing.CLEAR)
        self.close()
        return n

    def optimize(self):
        ix = self.open()
        ix.optimize()

    def _fields(self, d: IndexDoc) -> dict:
        text = d.body or ""
        return dict(
            filing_number=d.filing_number,
            title=d.title or "",
            body=text,
            unit=d.unit or "",
            unit_code=(d.unit_code or "").upper(),
            type=d.type or "other",
            kind=d.kind or "",
            year=str(d.year or (d.date.year if d.date else "")),
            date=d.date.isoformat() if d.date else "",
            status=d.status or "filed",
            doc_number=d.doc_number or "",
            content=zlib.compress(text[:MAX_STORED_CHARS].encode("utf-8"), 6),
            schema_version=SCHEMA_VERSION,
        )

    # -- reading ------------------------------------------------------------------------
    def searcher(self):
        """A searcher kept open across searches and refreshed when the index changed."""
        if self._searcher is not None and not self._searcher.up_to_date():
            # not Searcher.refresh(): it reuses segment readers with their old deletions
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = self.open().searcher()
        return self._searcher

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    def search(self, query: str, filters: Filters = Filters(), limit: int = 20) -> Hits:
        tree = q.parse(query)
        wfilter = filter_query(filters)
        try:
            s = self.searcher()
            scores = Evaluator(s).run(tree)
            if wfilter is not None and scores:
                allowed = set(s.docs_for_query(wfilter))
                scores = {d: v for d, v in scores.items() if d in allowed}
            top = heapq.nlargest(limit or len(scores), scores.items(),
                                 key=lambda kv: (kv[1], -kv[0]))
            needles = [n for t in q.positive_texts(tree) for n in query_terms(t.text).needles]
            hits = [self._hit(s.stored_fields(d), score, needles) for d, score in top]
        except (DocgenError, IndexUnusable):
            raise
        except Exception as e:  # noqa: BLE001 - a broken segment shows up only when read
            self.close()
            raise IndexUnusable(f"unreadable ({_why(e)})") from e
        return Hits(hits, total=len(scores))

    def whoosh_search(self, query: str, limit: int = 20):
        """The same query through Whoosh's own matchers and collector (the benchmark's baseline)."""
        return self.searcher().search(to_whoosh(q.parse(query)), limit=limit)

    def _hit(self, f, score, needles) -> Hit:
        content = f.get("content")
        text = zlib.decompress(content).decode("utf-8") if content else ""
        return Hit(
            filing_number=f["filing_number"],
            title=f.get("title", ""),
            date=f.get("date", ""),
            type=f.get("type", ""),
            unit=f.get("unit", ""),
            score=round(float(score), 4),
            snippet=q.snippet(text, needles),
            kind=f.get("kind", ""),
            status=f.get("status", "filed"),
        )


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
                found = _postings(reader, fieldname, whole)
                local = {d: 1 for d in found}
            else:
                local = _phrase(reader, fieldname, qt)
            if local and reader.has_deletions():
                local = {d: v for d, v in local.items() if not reader.is_deleted(d)}
            lengths = _lengths(reader, fieldname)
            for d, tf in local.items():
                tfs[d + offset] = (tf, lengths[d] if d < len(lengths) else avg)
        if not tfs or not boost:
            return dict.fromkeys(tfs, 0.0)
        df = len(tfs)
        idf = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
        k1, b = self.K1, self.B
        return {d: boost * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avg))
                for d, (tf, dl) in tfs.items()}


def _postings(reader, fieldname: str, text: str) -> dict[int, bytes]:
    """Local doc -> posting value of one term, read a whole block at a time."""
    if (fieldname, text) not in reader:
        return {}
    m = _raw_matcher(reader, fieldname, text)
    out: dict[int, bytes] = {}
    if hasattr(m, "_read_ids") and hasattr(m, "_next_block"):  # Whoosh 3 codec blocks
        while m.is_active():
            m._read_ids()
            m._read_values()
            out.update(zip(m._ids, m._values))
            m._next_block()
    else:
        while m.is_active():
            out[m.id()] = m.value()
            m.next()
    return out


_LENGTHS_CACHE: dict = {}


def _lengths(reader, fieldname: str):
    """Every record's (quantised) length of a field in one segment, read once and cached."""
    key = (getattr(reader, "_segment", None) and reader._segment.segment_id(), fieldname)
    if key[0] is not None and key in _LENGTHS_CACHE:
        return _LENGTHS_CACHE[key]
    from whoosh.util.numeric import byte_to_length

    table = [byte_to_length(i) for i in range(256)]
    n = reader.doc_count_all()
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        col = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        raw = col._dbfile.get(col._basepos, col._count) if col is not None else b""
        out = [table[b] for b in raw] + [1] * (n - len(raw))
    except (AttributeError, ImportError):  # another codec: ask per record
        out = [reader.doc_field_length(d, fieldname, 1) for d in range(n)]
    if key[0] is not None:
        if len(_LENGTHS_CACHE) > 64:
            _LENGTHS_CACHE.clear()
        _LENGTHS_CACHE[key] = out
    return out


def _ids(reader, fieldname: str, text: str):
    """The record numbers of one term's postings, a block at a time."""
    m = _raw_matcher(reader, fieldname, text)
    if hasattr(m, "_read_ids") and hasattr(m, "_next_block"):
        while m.is_active():
            m._read_ids()
            yield from m._ids
            m._next_block()
    else:
        yield from m.all_ids()


def _lookup(reader, fieldname: str, text: str, docs) -> dict[int, bytes]:
    """Posting values of one term for a few records only, skipping blocks that hold none."""
    m = _raw_matcher(reader, fieldname, text)
    out: dict[int, bytes] = {}
    for d in sorted(docs):
        if not m.is_active():
            break
        m.skip_to(d)
        if m.is_active() and m.id() == d:
            out[d] = m.value()
    return out


def _raw_matcher(reader, fieldname: str, text: str):
    if hasattr(reader, "_terms"):  # a segment: its postings without the deleted-records filter
        field = reader.schema[fieldname]
        return reader._terms.matcher(fieldname, field.to_bytes(text), field.format)
    return reader.postings(fieldname, text)


def _positions(value: bytes):
    return array(chr(value[0]), value[1:])


def _phrase(reader, fieldname: str, qt) -> dict[int, int]:
    """Local doc -> occurrences of the phrase: terms at their offsets from one another."""
    if qt.prefix is not None:
        # one character: every term that starts with it; only record numbers are read, and tf
        # counts the distinct terms (a common character expands to thousands of bigrams)
        counts: Counter = Counter()
        for text in reader.expand_prefix(fieldname, qt.prefix):
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            counts.update(_ids(reader, fieldname, text))
        return dict(counts)
    if qt.empty:
        return {}
    order = sorted(range(len(qt.terms)), key=lambda i: reader.doc_frequency(fieldname, qt.terms[i]))
    posts = []
    cand = None
    for i in order:
        text = qt.terms[i]
        if cand is not None and len(cand) * LOOKUP_RATIO < reader.doc_frequency(fieldname, text):
            p = _lookup(reader, fieldname, text, cand)  # few candidates left: seek, do not read all
        else:
            p = _postings(reader, fieldname, text)
        cand = p.keys() if cand is None else cand & p.keys()
        if not cand:
            return {}
        posts.append((p, qt.offsets[i]))
    first, off0 = posts[0]
    if len(posts) == 1:
        return {d: (len(v) - 1) // (2 if v[:1] == b"H" else 4) for d, v in first.items()}
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
                elif start + off not in _positions(w):
                    break
            else:
                out[d] = 1
            continue
        starts = {x - off0 for x in _positions(v)}
        for p, off in rest:
            starts &= {x - off for x in _positions(p[d])}
            if not starts:
                break
        else:
            out[d] = len(starts)
    return out


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


def _why(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return f"{type(e).__name__}: {text[:100]}"


def _try_for(fn, timeout: float, delay: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if fn():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(delay)


def index_size(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).iterdir() if f.is_file())


__all__ = ["WhooshEngine", "IndexLocked", "IndexUnusable", "make_schema", "index_size"]


def CODEC():
    """Whoosh's codec, with posting blocks pickled compactly (see _fast_pickle).

    Not tried again: inlining short posting lists into the term file (W3Codec inlinelimit);
    that path of whoosh-reloaded 2.7.5 is broken (a misspelt method, str values on merge).
    """
    from whoosh.codec.whoosh3 import W3Codec

    _fast_pickle()
    return W3Codec()


def _fast_pickle():
    """Make Whoosh pickle posting blocks with protocol 4 instead of 2.

    Under protocol 2 each posting's bytes value pickles as a `_codecs.encode(…, 'latin1')`
    call, ~20 bytes of overhead per posting; protocol 4 writes bytes as bytes. Readers
    unpickle either protocol, so old and new segments mix freely.
    """
    import pickle

    from whoosh.codec import whoosh3

    if getattr(whoosh3.dumps, "docgen", False):
        return

    def dumps(obj, protocol=2):
        return pickle.dumps(obj, 4)

    dumps.docgen = True
    whoosh3.dumps = dumps
