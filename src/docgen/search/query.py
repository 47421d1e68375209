"""The query language, parsed into a small tree any engine can translate.

    审批                     records containing 审批 (title or text)
    行政审批 监督             both (AND is implicit)
    审批 OR 听证              either;  NOT 听证  or  -听证  excludes
    "限时 办结"               a phrase: the space matches a space or punctuation mark
    (审批 OR 听证) AND 2011   parentheses group
    title:承诺 type:plan unit:规划处 year:2011 kind:承诺书 number:Z109-WS·2011

A malformed query raises QueryError with one line saying what and where (column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.errors import QueryError
from docgen.i18n import cli_gettext as _
from docgen.vocab import RECORD_TYPES

TYPES = RECORD_TYPES
TEXT_FIELDS = {"title": "title", "body": "body", "text": "body", "unit": "unit"}
KEYWORD_FIELDS = {"type": "type", "kind": "kind", "year": "year", "number": "filing_number",
                  "filing_number": "filing_number"}
FIELDS = sorted({*TEXT_FIELDS, *KEYWORD_FIELDS} - {"filing_number"})
OPERATORS = {"AND", "OR", "NOT"}
QUOTES = {'"': '"', "“": "”", "「": "」"}


@dataclass(frozen=True)
class Text:
    """Words to find; `field` None means title or body."""

    text: str
    field: str | None = None
    phrase: bool = False


@dataclass(frozen=True)
class Keyword:
    """An exact value of a keyword field (type, kind, year, filing_number)."""

    field: str
    value: str
    prefix: bool = False


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


@dataclass(frozen=True)
class _Tok:
    kind: str  # word | phrase | op | ( | )
    text: str
    col: int  # 1-based
    field: str | None = None


def _error(query: str, col: int, what: str, fix: str) -> QueryError:
    """`what` and `fix` already in the user's language."""
    return QueryError(_("bad query {query} at column {col}: {problem} — {fix}").format(
        query=repr(query), col=col, problem=what, fix=fix))


def _lex(query: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
            continue
        if c in "()":
            toks.append(_Tok(c, c, i + 1))
            i += 1
            continue
        if c == "-" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] != ")":
            toks.append(_Tok("op", "NOT", i + 1))
            i += 1
            continue
        start, field = i, None
        m = re.match(r"([A-Za-z_]+):", query[i:])
        if m:
            name = m.group(1).lower()
            if name not in TEXT_FIELDS and name not in KEYWORD_FIELDS:
                raise _error(query, i + 1,
                             _("unknown field {name}").format(name=repr(m.group(1))),
                             _("use one of {allowed}").format(allowed=", ".join(FIELDS)))
            field = name
            i += m.end()
            if i >= n or query[i].isspace() or query[i] == ")":
                raise _error(query, i + 1, _("{field}: has no value").format(field=name),
                             _("write {field}:VALUE with no space after the colon").format(
                                 field=name))
            if query[i] == "(":
                raise _error(query, i + 1,
                             _("{field}:( … ) groups are not supported").format(field=name),
                             _("write {field}:a OR {field}:b").format(field=name))
            c = query[i]
        if c in QUOTES:
            close = query.find(QUOTES[c], i + 1)
            if close < 0:
                raise _error(query, i + 1, _("a quote is not closed"),
                             _("end the phrase with {quote}").format(quote=QUOTES[c]))
            toks.append(_Tok("phrase", query[i + 1 : close], start + 1, field))
            i = close + 1
            continue
        j = i
        while j < n and not query[j].isspace() and query[j] not in '()"“」':
            j += 1
        word = query[i:j]
        if field is None and word in OPERATORS:
            toks.append(_Tok("op", word, start + 1))
        else:
            toks.append(_Tok("word", word, start + 1, field))
        i = j
    return toks


class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.toks = _lex(query)
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def end_col(self) -> int:
        return len(self.query) + 1

    def parse(self):
        if not self.toks:
            raise QueryError(_("empty query — give a word to search for, e.g. docgen search "
                               "审批"))
        node = self.or_expr()
        tok = self.peek()
        if tok is not None:  # only a stray ")" stops an expression early
            raise _error(self.query, tok.col, _("a ')' has no matching '('"),
                         _("remove it or add '('"))
        return node

    def or_expr(self):
        items = [self.and_expr()]
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text == "OR":
            self.i += 1
            items.append(self.and_expr(after=tok))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self, after: _Tok | None = None):
        items = [self.unary(after)]
        while (tok := self.peek()) is not None and not (tok.kind == ")" or tok.text == "OR"
                                                        and tok.kind == "op"):
            if tok.kind == "op" and tok.text == "AND":
                self.i += 1
                items.append(self.unary(tok))
            else:
                items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self, after: _Tok | None = None):
        tok = self.peek()
        if tok is None or tok.kind == ")" or (tok.kind == "op" and tok.text != "NOT"):
            col = tok.col if tok else self.end_col()
            if after is not None:
                raise _error(self.query, after.col,
                             _("{operator} has nothing after it").format(operator=after.text),
                             _("put a word after {operator}, or remove it").format(
                                 operator=after.text))
            what = (_("{operator} has nothing before it").format(operator=tok.text)
                    if tok and tok.kind == "op" else
                    _("empty parentheses") if tok and tok.kind == ")" else
                    _("nothing to search for"))
            raise _error(self.query, col, what, _("put a word there, or remove it"))
        self.i += 1
        if tok.kind == "op":  # NOT
            return Not(self.unary(tok))
        if tok.kind == "(":
            if self.peek() is None:
                raise _error(self.query, tok.col, _("a '(' is not closed"),
                             _("add the missing ')'"))
            node = self.or_expr()
            close = self.peek()
            if close is None or close.kind != ")":
                raise _error(self.query, tok.col, _("a '(' is not closed"),
                             _("add the missing ')'"))
            self.i += 1
            return node
        return self.leaf(tok)

    def leaf(self, tok: _Tok):
        from docgen.search.analysis import query_terms

        field, text = tok.field, tok.text.strip()
        if field in KEYWORD_FIELDS:
            return self.keyword(tok, KEYWORD_FIELDS[field], text)
        if query_terms(text).empty:
            raise _error(self.query, tok.col,
                         _("{text} has no Chinese character, letter or digit").format(
                             text=repr(tok.text)),
                         _("search for words, e.g. 审批 or GDP"))
        return Text(text, TEXT_FIELDS.get(field) if field else None, tok.kind == "phrase")

    def keyword(self, tok: _Tok, field: str, value: str):
        if field == "type":
            code = {v: k for k, v in TYPES.items()}.get(value, value.lower())
            if code not in TYPES:
                raise _error(self.query, tok.col,
                             _("type {value} is unknown").format(value=repr(value)),
                             _("use one of {allowed}").format(allowed=", ".join(TYPES)))
            return Keyword("type", code)
        if field == "year":
            if not re.fullmatch(r"\d{4}", value):
                raise _error(self.query, tok.col,
                             _("year {value} is not a year").format(value=repr(value)),
                             _("write four digits, e.g. year:2011"))
            return Keyword("year", value)
        if field == "filing_number":
            return Keyword(field, value.rstrip("*"), prefix=True)
        return Keyword(field, value)


def parse(query: str):
    """The query tree of a query string; QueryError when it is malformed."""
    return _Parser(query).parse()


def positive_texts(node) -> list[Text]:
    """The Text leaves not under a NOT: what a snippet should mark."""
    if isinstance(node, Text):
        return [node]
    if isinstance(node, (And, Or)):
        return [t for item in node.items for t in positive_texts(item)]
    return []


def snippet(text: str, needles: list[str], width: int = 90) -> str:
    """A window of `text` around the most matches, each match marked 【…】.

    Matching is on the NFKC form (as the index sees it) but the window shows the record's own
    characters, so a clerk reads 「制度，审批」 with its full-width comma, not 「制度,审批」.
    """
    shown = re.sub(r"\s+", " ", text).strip()
    matchable = _fold(shown)
    needles = sorted({n for n in needles if n}, key=len, reverse=True)
    text = shown
    if not text:
        return ""
    if not needles:
        return text[:width] + ("…" if len(text) > width else "")
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    spans = [m.span() for m in pattern.finditer(matchable) if m.end() > m.start()]
    if not spans:
        return text[:width] + ("…" if len(text) > width else "")
    # the window start (at a match) that covers the most matches
    best, best_count, j = 0, 0, 0
    for i, (s, _e) in enumerate(spans):
        while j < len(spans) and spans[j][1] <= s + width:
            j += 1
        if j - i > best_count:
            best, best_count = i, j - i
    start = max(0, spans[best][0] - width // 4)
    end = min(len(text), start + width)
    out, last = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(text[last:s] + "【" + text[s:e] + "】")
        last = e
    out.append(text[last:end])
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")


def _fold(text: str) -> str:
    """NFKC, one character for one, so offsets in the result are offsets in `text`.

    Characters whose NFKC form is longer or shorter (rare: ㎡, ①) stay as they are; they can
    miss a mark in the snippet, never a hit (the index has its own normalisation).
    """
    from docgen.search.analysis import normalize

    table = {}
    for ch in set(text):
        if ch.isascii():
            continue
        n = normalize(ch)
        if n != ch and len(n) == 1:
            table[ord(ch)] = n
    return text.translate(table) if table else text
