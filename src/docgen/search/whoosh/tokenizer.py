"""The analysis adapter: docgen.search.analysis as a Whoosh tokenizer."""

from __future__ import annotations

from whoosh.analysis import Token, Tokenizer

from docgen.search.analysis import index_tokens


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
