"""How docgen's index sits in Whoosh's files: schema, posting format, codec, raw postings.

The only module that uses private names of Whoosh (segment readers' `_terms`, `_perdoc`,
`_segment`, the W3 codec's block reader and writer, `_lenfield`, an index's `_segments()`, a
writer's `_lk`); whoosh-reloaded is pinned exactly in pyproject.toml for this. Everything here is read or written through one codec instance
(`codec()`), never by changing Whoosh for the whole process.

- positions are packed arrays (CompactPositions): 3 bytes for one position, not Whoosh's
  ~13-byte pickle; bigram indexes have a posting per character, so this halves the index;
- posting blocks are pickled with protocol 4 (CompactPostingsWriter): under Whoosh's protocol 2
  each posting's bytes value pickles as a `_codecs.encode(…, 'latin1')` call, ~20 bytes of
  overhead per posting. Readers unpickle either protocol, so old and new segments mix;
- segments still name Whoosh's own W3Codec, so an index opens without docgen's classes
  beyond the tokenizer.

Not tried again: inlining short posting lists into the term file (W3Codec inlinelimit); that
path of whoosh-reloaded 2.7.5 is broken (a misspelt method, str values on merge).
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections import defaultdict
from pathlib import Path

from whoosh import fields, formats
from whoosh.codec import whoosh3
from whoosh.util.numeric import length_to_byte

from docgen.search.whoosh.tokenizer import ChineseTokenizer

SCHEMA_VERSION = "1"


class CompactPositions(formats.Positions):
    """Positions as a packed array: a type code ('H' or 'I') then the positions."""

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
        return positions(valuestring)

    def decode_frequency(self, valuestring):
        return frequency(valuestring)

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost

    def decode_position_boosts(self, valuestring):
        return [(pos, 1) for pos in self.decode_positions(valuestring)]


def positions(value: bytes):
    """The positions in a CompactPositions posting value."""
    return array(chr(value[0]), value[1:])


def frequency(value: bytes) -> int:
    return (len(value) - 1) // (2 if value[:1] == b"H" else 4)


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


def schema_matches(schema, words: bool) -> bool:
    return ("schema_version" in schema
            and schema["body"].analyzer == ChineseTokenizer(words))


class CompactPostingsWriter(whoosh3.W3PostingsWriter):
    """W3PostingsWriter with posting blocks pickled by protocol 4 (the block layout is Whoosh's
    own, line for line: see W3PostingsWriter._write_block in whoosh-reloaded 2.7.5)."""

    def _write_block(self, last=False):
        if not self._blockcount:
            self._postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = (self._mini_ids(), self._mini_weights(), self._mini_values())
        databytes = pickle.dumps(data, 4)
        comp = self._compression
        if comp:
            databytes = zlib.compress(databytes, comp)
        ids = self._ids
        infobytes = pickle.dumps((len(ids), ids[-1], self._maxweight, comp,
                                  length_to_byte(self._minlength),
                                  length_to_byte(self._maxlength)), 4)
        blocklength = len(infobytes) + len(databytes)
        if last:
            blocklength *= -1
        self._postfile.write_int(blocklength)
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


class CompactCodec(whoosh3.W3Codec):
    """Whoosh's W3 codec writing CompactPostingsWriter blocks; its segments name W3Codec."""

    def postings_writer(self, dbfile, byteids=False):
        return CompactPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                     compression=self._compression,
                                     inlinelimit=self._inlinelimit)

    def new_segment(self, storage, indexname):
        return whoosh3.W3Segment(whoosh3.W3Codec(), indexname)


def codec() -> CompactCodec:
    return CompactCodec()


def writer(ix, *, locked: bool, **options):
    """A SegmentWriter with docgen's codec; `locked=False` when the caller already holds the
    index's writer lock (Whoosh's private `_lk`)."""
    return ix.writer(codec=codec(), _lk=locked, **options)


# -- reading postings in bulk ------------------------------------------------------------------

def postings(reader, fieldname: str, text: str) -> dict[int, bytes]:
    """Local doc -> posting value of one term in a segment, read a whole block at a time."""
    if (fieldname, text) not in reader:
        return {}
    m = _raw_matcher(reader, fieldname, text)
    out: dict[int, bytes] = {}
    if hasattr(m, "_read_ids") and hasattr(m, "_next_block"):  # W3 codec blocks
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


def doc_ids(reader, fieldname: str, text: str):
    """The record numbers of one term's postings, a block at a time."""
    m = _raw_matcher(reader, fieldname, text)
    if hasattr(m, "_read_ids") and hasattr(m, "_next_block"):
        while m.is_active():
            m._read_ids()
            yield from m._ids
            m._next_block()
    else:
        yield from m.all_ids()


def lookup(reader, fieldname: str, text: str, docs) -> dict[int, bytes]:
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


_LENGTHS_CACHE: dict = {}


def lengths(reader, fieldname: str):
    """Every record's (quantised) length of a field in one segment, read once and cached."""
    key = (getattr(reader, "_segment", None) and reader._segment.segment_id(), fieldname)
    if key[0] is not None and key in _LENGTHS_CACHE:
        return _LENGTHS_CACHE[key]
    from whoosh.util.numeric import byte_to_length

    table = [byte_to_length(i) for i in range(256)]
    n = reader.doc_count_all()
    try:
        col = reader._perdoc._cached_reader(whoosh3._lenfield(fieldname),
                                            whoosh3.LENGTHS_COLUMN)
        raw = col._dbfile.get(col._basepos, col._count) if col is not None else b""
        out = [table[b] for b in raw] + [1] * (n - len(raw))
    except AttributeError:  # not a W3 segment: ask per record
        out = [reader.doc_field_length(d, fieldname, 1) for d in range(n)]
    if key[0] is not None:
        if len(_LENGTHS_CACHE) > 64:
            _LENGTHS_CACHE.clear()
        _LENGTHS_CACHE[key] = out
    return out


def index_size(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).iterdir() if f.is_file())


def segments(ix) -> list:
    """The segments an opened index's current TOC lists."""
    return list(ix._segments())


def segment_files(folder: Path, segment) -> list[Path]:
    """The files of one segment (a compound segment is one .seg file)."""
    prefix = segment.segment_id()
    return [p for p in Path(folder).iterdir() if p.name.startswith(prefix)]
