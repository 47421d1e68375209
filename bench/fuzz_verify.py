"""Fuzz `docgen verify` and `docgen bundle verify` with seeded mutations; print the counts.

    python bench/fuzz_verify.py [--n 1000] [--seed 2011]

Builds a small archive (3 件) and a bundle of it without LibreOffice (tests/hostile/support),
then mutates audit.jsonl, record.json and the bundle zip N times each (tests/hostile/fuzzing:
byte flips, inserts, deletes, truncations, line swaps, JSON values of the wrong type, zip
members renamed, dropped, doubled, made links). Every exit code must be 0 or 8, and 8 when a
digest-covered byte changed. Exit status 1 when any mutation broke that rule.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "tests")]

from tests.hostile import fuzzing, support  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="mutations of each kind")
    ap.add_argument("--seed", type=int, default=2011)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="docgen-fuzz-") as tmp:
        base = Path(tmp)
        arc = support.small_archive(base)
        bundle = support.small_bundle(arc, base / "bundle.zip")
        failures = 0
        for name, run in (
                ("audit", lambda rng: fuzzing.fuzz_audit(arc.root, rng, args.n)),
                ("records", lambda rng: fuzzing.fuzz_records(arc.root, rng, args.n)),
                ("bundles", lambda rng: fuzzing.fuzz_bundles(bundle, base, rng, args.n))):
            t = time.perf_counter()
            tally = run(random.Random(f"{args.seed}-{name}"))
            print(f"{tally.line()}  ({time.perf_counter() - t:.0f} s)")
            for f in tally.failures[:10]:
                print(f"    {f}")
            failures += len(tally.failures)
    print(f"seed {args.seed}: {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
