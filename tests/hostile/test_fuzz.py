"""§6 Seeded fuzzing: mutated audit.jsonl, record.json and bundle zips are always exit 0 or
8, never 1, and 8 whenever a digest-covered byte changed (tests/hostile/fuzzing.py says
which bytes). bench/fuzz_verify.py runs the same with 1,000 mutations each."""

from __future__ import annotations

import random

import pytest

from tests.hostile import fuzzing
from tests.hostile.support import small_archive, small_bundle

N = 250  # per kind; about 40 s on 2 shared cores


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("fuzz")
    arc = small_archive(base)
    return arc, small_bundle(arc, base / "bundle.zip"), base


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["audit", "records", "bundles"])
def test_mutations_are_reported_never_crash_never_pass(built, kind):
    arc, bundle, base = built
    rng = random.Random(f"2011-{kind}")
    tally = {"audit": lambda: fuzzing.fuzz_audit(arc.root, rng, N),
             "records": lambda: fuzzing.fuzz_records(arc.root, rng, N),
             "bundles": lambda: fuzzing.fuzz_bundles(bundle, base, rng, N)}[kind]()
    assert tally.tried == N and tally.covered > N // 2
    assert set(tally.codes) <= {0, 8}, tally.line()
    assert not tally.failures, "\n".join([tally.line(), *tally.failures[:20]])
    assert fuzzing.docgen("verify", "--archive", arc.root)[0] == 0  # restored intact
