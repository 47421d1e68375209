"""The Whoosh engine behind docgen.search.engine.Engine (imported only when a search, a filing
command or a rebuild runs).

    tokenizer.py   analysis.index_tokens as a Whoosh tokenizer
    storage.py     schema, posting format, codec, bulk posting reads (Whoosh private names:
                   only here, with whoosh-reloaded pinned exactly)
    matching.py    the query tree over postings (Evaluator, BM25), Whoosh queries for filters
    build.py       rebuilding on every core: a private index per worker, one commit
    engine.py      WhooshEngine: opening, locking, add/remove/rebuild/repair, search

Tuning figures are in bench/README.md (bench/bench_search.py).
"""

from docgen.search.whoosh.engine import WhooshEngine
from docgen.search.whoosh.storage import index_size

__all__ = ["WhooshEngine", "index_size"]
