"""Search benchmark: index build rate, index size, query latency, a cold `docgen search`.

    .venv/bin/python bench/bench_search.py            # 20,000 records (builds once, minutes)
    .venv/bin/python bench/bench_search.py --n 2000   # a quick run

Records are ~1,500 characters made by splitting the 72 government work reports into sentences
and recombining runs of them (seeded), never lorem ipsum. They are indexed through the engine
directly (WhooshEngine.rebuild), not filed as 20,000 PDFs: filing cost is the archive's
benchmark. The index is cached under bench/out/search-N/ (delete it or pass --fresh).

A fresh build is timed twice in the same run: on one core (workers=1, the baseline) and on
every core (`--workers`, default one per core); the ratio is the figure to compare, since the
shared machine's load moves both.

Baselines measured in the same run, on the same queries:
- scan: plain `query in text` over all records in memory (what the quality test trusts);
- whoosh Phrase: Whoosh's own span-based Phrase query over the same bigrams, instead of
  docgen's Adjacent matcher (single-run Chinese queries only).

The cold command is `docgen search` in a fresh process against an archive whose index/ is a
symlink to the benchmark index (the archive holds no records: search reads only the index).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "government_work_reports.jsonl"
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "src"))

from docgen.search.analysis import normalize  # noqa: E402
from docgen.search.engine import IndexDoc  # noqa: E402

SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")
OK = re.compile(r"^[\u4e00-\u9fff0-9]+$")
MULTI = ["改革 开放", "经济 OR 就业", '"深化 改革"', "审批 NOT 改革", "title:发展 农业",
         "(教育 OR 科技) AND 人才", "GDP", "2010年", "社会主义 市场经济 体制", "-改革 粮食 生产",
         "国有企业 改革", "环境保护", "一带一路", "扶贫 OR 脱贫", '"全面 建设"', "5G",
         "城镇化 户籍", "食品安全", "医疗 卫生 体制", "公共服务"]


def records(n: int, seed: int = 2011) -> list[IndexDoc]:
    reports = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    sentences = [[s.strip() for s in SENTENCE.findall(r["content"]) if s.strip()] for r in reports]
    rng = random.Random(seed)
    out = []
    for i in range(n):
        k = rng.randrange(len(reports))
        sents, parts, size = sentences[k], [], 0
        while size < 1500:  # a run of sentences from one report, then from another
            start = rng.randrange(len(sents))
            for s in sents[start : start + rng.randint(3, 12)]:
                parts.append(s)
                size += len(s)
            k = rng.randrange(len(reports))
            sents = sentences[k]
        body = "".join(parts)[:1600]
        year = 2000 + i % 25
        out.append(IndexDoc(
            filing_number=f"Z109-WS·{year}-D30-GHC-{i:05d}", title=parts[0][:30], body=body,
            type=("plan", "commitment", "summary", "other")[i % 4], kind="工作方案",
            year=year, unit=("区建设局规划处", "区建设局办公室")[i % 2], unit_code="GHC"))
    return out


def substrings(docs, n, seed=7):
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        text = normalize(rng.choice(docs).body)
        size = rng.randint(2, 8)
        if len(text) <= size:
            continue
        i = rng.randrange(len(text) - size)
        if OK.fullmatch(text[i : i + size]):
            out.append(text[i : i + size])
    return out


def timed_build(engine, docs) -> dict:
    """Wall time, and CPU time of this process and of the workers it forked (joined)."""
    import resource

    def cpu(who):
        r = resource.getrusage(who)
        return r.ru_utime + r.ru_stime

    own, kids = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    engine.rebuild(docs)
    took = time.perf_counter() - t
    return {"seconds": took, "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
            "cpu_parent": cpu(resource.RUSAGE_SELF) - own,
            "cpu_workers": cpu(resource.RUSAGE_CHILDREN) - kids}


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def ms(x):
    return f"{x * 1000:.1f} ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=20000, help="records (default 20000)")
    ap.add_argument("--queries", type=int, default=300, help="substring queries (default 300)")
    ap.add_argument("--fresh", action="store_true", help="rebuild the cached index")
    ap.add_argument("--workers", type=int, default=None,
                    help="processes for the rebuild (default: one per core)")
    ap.add_argument("--no-baseline", action="store_true",
                    help="skip the one-core rebuild a fresh build is compared with")
    args = ap.parse_args()

    from docgen.search.whoosh import WhooshEngine, index_size
    from docgen.search._procs import cores

    t = time.perf_counter()
    docs = records(args.n)
    chars = sum(len(d.body) for d in docs)
    print(f"records: {len(docs)} of ~{chars // len(docs)} chars ({chars / 1e6:.1f} M chars), "
          f"made in {time.perf_counter() - t:.1f} s")
    path = OUT / f"search-{args.n}"
    if args.fresh and path.exists():
        shutil.rmtree(path)
    engine = WhooshEngine(path, workers=args.workers)
    stats = path.parent / f"search-{args.n}.build.json"
    if not engine.exists():
        builds = {}
        if not args.no_baseline:  # one core first, in a folder of its own, then thrown away
            one = OUT / f"search-{args.n}-one-core"
            shutil.rmtree(one, ignore_errors=True)
            builds["one"] = timed_build(WhooshEngine(one, workers=1), docs)
            shutil.rmtree(one)
        builds["all"] = timed_build(engine, docs)
        builds["workers"] = args.workers or cores()
        stats.write_text(json.dumps(builds))
    builds = json.loads(stats.read_text())
    size = index_size(path)
    took = builds["all"]["seconds"]
    print(f"index build: {took:.1f} s, {args.n / took:.0f} records/s, "
          f"{chars / took / 1e3:.0f} k chars/s ({builds['workers']} worker processes, jieba "
          f"words + bigrams; load average {builds['all']['load']})")
    if "one" in builds:
        one = builds["one"]["seconds"]
        print(f"  baseline one core: {one:.1f} s, {args.n / one:.0f} records/s (load average "
              f"{builds['one']['load']}) -> {one / took:.2f}x faster on "
              f"{builds['workers']} workers")
        a, b = builds["one"], builds["all"]
        cpu_one, cpu_all = a["cpu_parent"] + a["cpu_workers"], b["cpu_parent"] + b["cpu_workers"]
        print(f"  CPU time: one core {cpu_one:.1f} s; {builds['workers']} workers "
              f"{b['cpu_workers']:.1f} s + parent {b['cpu_parent']:.1f} s (feeding them); "
              f"CPU per wall second {cpu_one / one:.2f} and {cpu_all / took:.2f}")
    print(f"index size: {size / 1e6:.1f} MB ({size / args.n / 1e3:.1f} kB per record, "
          f"{size / chars:.1f} bytes per character)")

    queries = substrings(docs, args.queries)
    texts = [normalize(d.body) for d in docs]

    t = time.perf_counter()
    engine = WhooshEngine(path)
    engine.search("改革")
    print(f"first query in a new engine (open index, jieba not needed): "
          f"{ms(time.perf_counter() - t)}")

    lat, lat_multi, scan, totals = [], [], [], []
    for query in queries:
        t = time.perf_counter()
        hits = engine.search(query, limit=20)
        lat.append(time.perf_counter() - t)
        totals.append(hits.total)
    for query in MULTI:
        t = time.perf_counter()
        engine.search(query, limit=20)
        lat_multi.append(time.perf_counter() - t)
    for query in queries[:50]:
        t = time.perf_counter()
        [i for i, text in enumerate(texts) if query in text]
        scan.append(time.perf_counter() - t)
    both = lat + lat_multi
    print(f"queries: {len(queries)} substrings of 2-8 chars (median {statistics.median(totals):.0f}"
          f" matching records, max {max(totals)}) + {len(MULTI)} multi-term; limit 20, "
          f"cached searcher, snippets included")
    print(f"  all      p50 {ms(pct(both, 50))}  p95 {ms(pct(both, 95))}  max {ms(max(both))}")
    print(f"  substr   p50 {ms(pct(lat, 50))}  p95 {ms(pct(lat, 95))}")
    print(f"  multi    p50 {ms(pct(lat_multi, 50))}  p95 {ms(pct(lat_multi, 95))}")
    for lo, hi in ((2, 2), (3, 4), (5, 8)):
        sel = [x for x, q in zip(lat, queries) if lo <= len(q) <= hi]
        print(f"    length {lo}-{hi}: p50 {ms(pct(sel, 50))}  p95 {ms(pct(sel, 95))}  "
              f"(n={len(sel)})")
    print(f"  baseline scan (`in` over {len(texts)} texts): p50 {ms(pct(scan, 50))} "
          f"-> index is {pct(scan, 50) / pct(lat, 50):.0f}x faster at p50")

    # Whoosh's own query path on the same index: docgen's query tree as Whoosh queries
    # (Adjacent phrase matcher), Whoosh's matchers and top-N collector, no snippets
    own = []
    for query in queries + MULTI:
        t = time.perf_counter()
        engine.whoosh_search(query, limit=20)
        own.append(time.perf_counter() - t)
    print(f"  baseline Whoosh collector (same queries, no snippets): p50 {ms(pct(own, 50))} "
          f"p95 {ms(pct(own, 95))} -> docgen's evaluator is {pct(own, 95) / pct(both, 95):.1f}x "
          f"faster at p95")
    # Whoosh's stock span-based Phrase over the same bigrams (single-run queries, body only)
    from whoosh import query as wq

    s = engine.searcher()
    stock = []
    for query in queries[:100]:
        if len(query) < 3:
            continue
        bigrams = [query[i : i + 2] for i in range(len(query) - 1)]
        t = time.perf_counter()
        s.search(wq.Phrase("body", bigrams), limit=20)
        stock.append(time.perf_counter() - t)
    print(f"  baseline Whoosh Phrase (span-based, body only, {len(stock)} queries of 3-8 chars): "
          f"p50 {ms(pct(stock, 50))} p95 {ms(pct(stock, 95))}")

    # a whole `docgen search` command from a cold start
    arch = OUT / f"search-archive-{args.n}"
    if not (arch / "docgen-archive.json").exists():
        shutil.rmtree(arch, ignore_errors=True)
        subprocess.run([sys.executable, "-c",
                        "from docgen.cli import main; import sys; sys.exit(main(sys.argv[1:]))",
                        "init", str(arch), "--fonds-code", "Z109", "--fonds-name", "区建设局",
                        "--unit", "区建设局规划处=GHC"], check=True, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        shutil.rmtree(arch / "index")
        (arch / "index").symlink_to(path.resolve())
    # the benchmark index holds the archive's state (none filed): give it the log's cursor
    from docgen.archive import Archive
    from docgen.search import follow

    follow.write_cursor(path, follow.head(Archive(arch))[0])
    docgen = [str(Path(sys.executable).parent / "docgen")]
    runs = []
    for query in ["行政审批", "改革 开放", "GDP", queries[0], queries[1]]:
        t = time.perf_counter()
        res = subprocess.run([*docgen, "search", "--archive", str(arch), query],
                             capture_output=True, text=True)
        runs.append(time.perf_counter() - t)
        assert res.returncode == 0, res.stderr
        assert "rebuilt" not in res.stderr, res.stderr
    t = time.perf_counter()
    subprocess.run([*docgen, "--help"], capture_output=True, check=True)
    help_time = time.perf_counter() - t
    print(f"cold `docgen search` (new process, {args.n}-record index): median "
          f"{ms(statistics.median(runs))}, max {ms(max(runs))}; `docgen --help` {ms(help_time)}")


if __name__ == "__main__":
    main()
