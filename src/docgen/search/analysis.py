"""Chinese text into index terms: CJK character bigrams, jieba words, Latin words.

Chinese has no spaces, so a word tokenizer alone cannot find 审批 inside 行政审批制度改革
(paperless-ngx's most common search complaint). Every run of CJK characters and digits is
indexed as overlapping bigrams, one position per character, so any substring of two or more
characters is a phrase of adjacent bigrams:

    行政审批  ->  行政@0 政审@1 审批@2            query 审批 -> [审批]
    改革开放  ->  改革@0 革开@1 开放@2            query 改革开放 -> [改革, 革开, 开放] adjacent

Runs are broken by punctuation, spaces and Latin letters. The first and last character of each
run is also indexed alone (a "boundary unigram"), which lets queries that mix Latin words and
Chinese (GDP增长, 5G网络, 年GDP) and one-character queries stay exact. jieba's words of three or
more characters are added at the position of their first character: they never decide whether
a record matches, but a record where the query is a whole word ranks higher. Latin words are
lower-cased; text is NFKC-normalised first, so full-width ＧＤＰ and ２０１１ are GDP and 2011.

The query side needs no jieba: `query_terms` turns a query string into the phrase to match.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass

from docgen.vocab import CJK_IDEOGRAPHS as _CJK

# group 1: a run of CJK characters and digits; group 2: a Latin (or other script) word
RUNS = re.compile(rf"([{_CJK}0-9]+)|([^\W\d_{_CJK}]+)")
CJK_WORD = re.compile(rf"^[{_CJK}]{{3,}}$")
MIN_WORD = 3  # shorter jieba words are already bigrams (or boundary unigrams)


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII), the form both index and query use."""
    return unicodedata.normalize("NFKC", text)


def index_tokens(text: str, *, words: bool = True) -> list[tuple[str, int]]:
    """(term, position) pairs for a text, in position order per term.

    Each character of a run and each Latin word takes one position; a separator (punctuation,
    spaces) between two of them takes one more, so adjacent positions mean adjacent text.
    """
    text = normalize(text)
    out: list[tuple[str, int]] = []
    starts: dict[int, int] = {}  # char offset of each long CJK run -> its position
    pos, last_end = 0, None
    for m in RUNS.finditer(text):
        if last_end is not None and m.start() > last_end:
            pos += 1
        last_end = m.end()
        s = m.group(1)
        if s is None:
            out.append((m.group(2).lower(), pos))
            pos += 1
            continue
        n = len(s)
        out.append((s[0], pos))
        for i in range(n - 1):
            out.append((s[i : i + 2], pos + i))
        if n > 1:
            out.append((s[-1], pos + n - 1))
        if words and n >= MIN_WORD:
            starts[m.start()] = pos
        pos += n
    if words and starts:
        out.extend(_jieba_words(text, starts))
    return out


def _jieba_words(text: str, run_starts: dict[int, int]):
    jieba = load_jieba()
    run_at = sorted(run_starts)  # char offset of each run start
    import bisect

    for word, start, _end in jieba.tokenize(text, HMM=False):
        if len(word) < MIN_WORD or not CJK_WORD.match(word):
            continue
        i = bisect.bisect_right(run_at, start) - 1
        if i < 0:
            continue
        yield word, run_starts[run_at[i]] + (start - run_at[i])


_JIEBA = None


def load_jieba():
    """jieba, initialised once per process with its dictionary cache in a private folder."""
    global _JIEBA
    if _JIEBA is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        cache = os.path.join(tempfile.gettempdir(), f"docgen-jieba-{os.getuid()}")
        os.makedirs(cache, exist_ok=True)
        jieba.dt.tmp_dir = cache
        jieba.initialize()
        _JIEBA = jieba
    return _JIEBA


@dataclass(frozen=True)
class QueryTerms:
    """What a query string must match: `terms` at `offsets` from each other, or `prefix` alone.

    `prefix` is set for a one-character Chinese query (any term starting with it: a bigram, a
    word, or the character alone at a run boundary). `word` is the query when it is one Chinese
    run of three or more characters: records where jieba made it a word score higher.
    """

    terms: tuple[str, ...] = ()
    offsets: tuple[int, ...] = ()
    prefix: str | None = None
    word: str | None = None
    needles: tuple[str, ...] = ()  # the pieces to mark in a snippet

    @property
    def empty(self) -> bool:
        return not self.terms and self.prefix is None


def query_terms(text: str) -> QueryTerms:
    """The phrase a query string (or quoted phrase) must match, mirroring `index_tokens`.

    A run of n characters needs only the bigrams at 0, 2, 4 … and the last one: with adjacent
    positions they pin every character (改革开放 -> 改革@0 开放@2), halving the postings read.
    A lone character next to a Latin word or a separator is at a run boundary in any record
    that contains the query, so its boundary unigram is there.
    """
    text = normalize(text)
    matches = list(RUNS.finditer(text))
    needles = (text.strip(),) if len(matches) == 1 or not re.search(r"\s", text.strip()) else (
        text.strip(), *(m.group() for m in matches))
    if not matches:
        return QueryTerms()
    if len(matches) == 1 and matches[0].group(1) is not None and len(matches[0].group(1)) == 1:
        return QueryTerms(prefix=matches[0].group(1), needles=needles)
    terms: list[str] = []
    offsets: list[int] = []
    pos, last_end = 0, None
    for m in matches:
        if last_end is not None and m.start() > last_end:
            pos += 1
        last_end = m.end()
        run, word = m.group(1), m.group(2)
        if run is None:
            terms.append(word.lower())
            offsets.append(pos)
            pos += 1
            continue
        n = len(run)
        if n == 1:
            picks = [0]
        else:
            picks = list(range(0, n - 1, 2))
            if picks[-1] != n - 2:
                picks.append(n - 2)
        for i in picks:
            terms.append(run[i : i + 2] if n > 1 else run)
            offsets.append(pos + i)
        pos += n
    word = None
    if len(matches) == 1 and CJK_WORD.match(matches[0].group()):
        word = matches[0].group()
    return QueryTerms(terms=tuple(terms), offsets=tuple(offsets), word=word, needles=needles)
