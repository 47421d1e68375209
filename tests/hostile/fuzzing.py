"""Seeded mutations of audit.jsonl, record.json and bundle zips, each checked through the CLI.

Used by tests/hostile/test_fuzz.py (slow) and bench/fuzz_verify.py (≥ 1,000 each). For every
mutation: the exit code of `docgen verify` / `docgen bundle verify` must be 0 or 8, and 8
whenever the mutation changed a byte a digest covers:

    audit.jsonl   any entry whose canonical JSON changed, or a line that no longer parses
    record.json   any byte (its SM3 is in the audit log)
    bundle zip    any member's name (below the bag's folder) or content, or an unreadable zip;
                  the tag manifest compared as its (digest, path) lines

Mutations that change no covered byte (a space inserted between JSON tokens, a zip
timestamp) may pass. Everything is restored after each mutation. It holds no tests itself.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HOSTILE_VALUES = [
    [], {}, [1, 2], ["Z109-WS·2011-D30-GHC-0001"], {"a": []}, "", "x", 0, -1, 2**70, 1.5e308,
    None, True, False, "../../../etc/passwd", "a\x00b", "名" * 300, "x/y", "..",
    "Z109-WS·2011-D30-GHC-9999", "Z109-WS·0999-D30-GHC-0001", "not-a-number", "\x1b[31m",
    {"SM3": [], "SHA-256": {}}, [[[[[[[[[[]]]]]]]]]], "20110230", "2011-13-01T99:00",
]


@dataclass
class Tally:
    """What one kind of mutation did: exit codes seen, and any mutation that broke a rule."""

    kind: str
    tried: int = 0
    covered: int = 0  # mutations that changed a digest-covered byte
    codes: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # bad exit code, or covered and passed

    def line(self) -> str:
        codes = ", ".join(f"exit {c}: {n}" for c, n in sorted(self.codes.items()))
        return (f"{self.kind:<12} {self.tried:>6} mutations, {self.covered:>6} changed a "
                f"covered byte; {codes}; {len(self.failures)} failure(s)")


def docgen(*args) -> tuple[int, str]:
    """docgen's CLI in-process (as a user runs it): exit code and stderr."""
    from docgen.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, err.getvalue()


# ---- generic byte mutations ----------------------------------------------------------------

def mutate_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    if not data:
        return b"x", "filled an empty file"
    i = rng.randrange(len(data))
    kind = rng.choice(["flip", "set", "delete", "insert", "truncate", "duplicate", "lines"])
    if kind == "flip":
        bit = 1 << rng.randrange(8)
        return data[:i] + bytes([data[i] ^ bit]) + data[i + 1:], f"flipped bit {bit} of byte {i}"
    if kind == "set":
        b = rng.randrange(256)
        return data[:i] + bytes([b]) + data[i + 1:], f"set byte {i} to {b:#04x}"
    if kind == "delete":
        n = rng.randint(1, 16)
        return data[:i] + data[i + n:], f"deleted {n} bytes at {i}"
    if kind == "insert":
        junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        return data[:i] + junk + data[i:], f"inserted {junk!r} at {i}"
    if kind == "truncate":
        return data[:i], f"truncated at {i}"
    if kind == "duplicate":
        n = rng.randint(1, 64)
        return data[:i] + data[i:i + n] + data[i:], f"duplicated {n} bytes at {i}"
    lines = data.split(b"\n")
    j, k = rng.randrange(len(lines)), rng.randrange(len(lines))
    op = rng.choice(["swap", "drop", "repeat"])
    if op == "swap":
        lines[j], lines[k] = lines[k], lines[j]
    elif op == "drop":
        del lines[j]
    else:
        lines.insert(k, lines[j])
    return b"\n".join(lines), f"{op} line {j + 1} (and {k + 1})"


def mutate_json(value, rng: random.Random) -> tuple[object, str]:
    """A copy of parsed JSON with one value replaced by a hostile one, or a key removed."""
    value = json.loads(json.dumps(value))
    paths = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                paths.append(path + (k,))
                walk(v, path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                paths.append(path + (i,))
                walk(v, path + (i,))

    walk(value, ())
    if not paths:
        return rng.choice(HOSTILE_VALUES), "replaced the whole value"
    path = rng.choice(paths)
    parent = value
    for p in path[:-1]:
        parent = parent[p]
    if isinstance(parent, dict) and rng.random() < 0.2:
        del parent[path[-1]]
        return value, f"removed {'.'.join(map(str, path))}"
    new = rng.choice(HOSTILE_VALUES)
    parent[path[-1]] = new
    return value, f"set {'.'.join(map(str, path))} to {str(new)[:40]!r}"


# ---- audit.jsonl ---------------------------------------------------------------------------

def _canonical_lines(data: bytes):
    """Each line's canonical JSON, or None when a line does not parse as an object."""
    out = []
    for line in data.split(b"\n"):
        if not line.strip() and line is data.split(b"\n")[-1]:
            continue
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            return None
        if not isinstance(entry, dict):
            return None
        out.append(json.dumps(entry, sort_keys=True, ensure_ascii=False))
    return out


def fuzz_audit(root: Path, rng: random.Random, n: int) -> Tally:
    tally = Tally("audit.jsonl")
    path = root / "audit.jsonl"
    original = path.read_bytes()
    want = _canonical_lines(original)
    lines = original.rstrip(b"\n").split(b"\n")
    for _ in range(n):
        if rng.random() < 0.4:
            j = rng.randrange(len(lines))
            entry, what = mutate_json(json.loads(lines[j]), rng)
            new = list(lines)
            new[j] = json.dumps(entry, ensure_ascii=False, sort_keys=True,
                                separators=(",", ":")).encode()
            data, what = b"\n".join(new) + b"\n", f"line {j + 1}: {what}"
        else:
            data, what = mutate_bytes(original, rng)
        covered = _canonical_lines(data) != want
        try:
            path.write_bytes(data)
            code, err = docgen("verify", "--archive", root)
        finally:
            path.write_bytes(original)
        _judge(tally, code, covered, what, err)
    return tally


# ---- record.json ---------------------------------------------------------------------------

def fuzz_records(root: Path, rng: random.Random, n: int) -> Tally:
    tally = Tally("record.json")
    metas = sorted(root.glob("records/*/*/record.json"))
    for _ in range(n):
        path = rng.choice(metas)
        original = path.read_bytes()
        if rng.random() < 0.5:
            meta, what = mutate_json(json.loads(original), rng)
            data = (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode()
        else:
            data, what = mutate_bytes(original, rng)
        covered = data != original
        mode = path.stat().st_mode & 0o777
        try:
            os.chmod(path, 0o644)
            path.write_bytes(data)
            os.chmod(path, mode)
            code, err = docgen("verify", "--archive", root)
        finally:
            os.chmod(path, 0o644)
            path.write_bytes(original)
            os.chmod(path, mode)
        _judge(tally, code, covered, f"{path.parent.name}: {what}", err)
    return tally


# ---- bundle zips ---------------------------------------------------------------------------

def _members(data: bytes):
    """{name below the bag folder: content} (tag manifests as their lines), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            out = {}
            for info in z.infolist():
                if info.is_dir():
                    continue
                name = info.filename.split("/", 1)[-1]
                body = z.read(info)
                if name.startswith("tagmanifest-"):
                    body = frozenset(tuple(line.split(None, 1))
                                     for line in body.decode().splitlines() if line.strip())
                if name in out:
                    return None
                out[name] = body
            return out
    except Exception:  # noqa: BLE001 - anything unreadable counts as changed
        return None


def _rebuild(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """The zip rewritten with one structural change (names, members, a JSON member)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    top = items[0][0].filename.split("/", 1)[0]
    j = rng.randrange(len(items))
    info, body = items[j]
    op = rng.choice(["rename", "drop", "extra", "twice", "file-and-folder", "long-name",
                     "json", "content", "symlink"])
    if op == "json" and not info.filename.endswith((".json", ".jsonl")):
        op = "content"
    what = f"{op} {info.filename}"
    if op == "rename":
        items[j] = (_renamed(info, info.filename + rng.choice(["x", ".bak", "/a"])), body)
    elif op == "drop":
        del items[j]
    elif op == "extra":
        items.append((_renamed(info, f"{top}/data/extra.txt"), b"added"))
    elif op == "twice":
        items.append((_renamed(info, info.filename), body + b" "))
    elif op == "file-and-folder":
        items.append((_renamed(info, f"{info.filename}/inner.txt"), b"x"))
    elif op == "long-name":
        items.append((_renamed(info, f"{top}/data/{'长' * 120}.txt"), b"x"))
    elif op == "json":
        lines = body.decode().splitlines()
        k = rng.randrange(len(lines)) if info.filename.endswith(".jsonl") else None
        if k is None:
            value, how = mutate_json(json.loads(body), rng)
            body = (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()
        else:
            value, how = mutate_json(json.loads(lines[k]), rng)
            lines[k] = json.dumps(value, ensure_ascii=False, sort_keys=True,
                                  separators=(",", ":"))
            body = ("\n".join(lines) + "\n").encode()
        items[j] = (info, body)
        what += f": {how}"
    elif op == "symlink":
        link = _renamed(info, info.filename)
        link.external_attr = (0o120777 << 16)
        items[j] = (link, body)
    else:
        mutated, how = mutate_bytes(body, rng)
        items[j] = (info, mutated)
        what += f": {how}"
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as z:
        warnings.simplefilter("ignore")  # "Duplicate name" is the point of "twice"
        for i, b in items:
            z.writestr(i, b)
    return out.getvalue(), what


def _renamed(info: zipfile.ZipInfo, name: str) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(name, date_time=info.date_time)
    new.create_system, new.external_attr = info.create_system, info.external_attr
    new.compress_type = info.compress_type
    return new


def fuzz_bundles(zip_path: Path, work: Path, rng: random.Random, n: int) -> Tally:
    tally = Tally("bundle zip")
    original = zip_path.read_bytes()
    want = _members(original)
    target = work / "mutated.zip"
    for _ in range(n):
        if rng.random() < 0.5:
            data, what = _rebuild(original, rng)
        else:
            data, what = mutate_bytes(original, rng)
        covered = _members(data) != want
        target.write_bytes(data)
        code, err = docgen("bundle", "verify", target)
        _judge(tally, code, covered, what, err)
    target.unlink(missing_ok=True)
    return tally


def _judge(tally: Tally, code: int, covered: bool, what: str, err: str) -> None:
    tally.tried += 1
    tally.covered += covered
    tally.codes[code] += 1
    if code not in (0, 8):
        tally.failures.append(f"exit {code} after {what}: {err.strip()[-300:]}")
    elif covered and code == 0:
        tally.failures.append(f"passed after {what} (a covered byte changed)")
