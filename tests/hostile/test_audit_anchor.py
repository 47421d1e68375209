"""Issue 10 §2: the audit chain is anchored outside the archive.

A local hash chain can be rewritten whole by someone with write access; what catches them is
a head (SEQ:HASH) noted outside: on a receipt (`verify --head`) or in a bundle
(`verify --against`). Each case: the exact tampering and the exit code it must get.
"""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest

from tests.test_archive_support import file_other, file_plan


def _entries(arc):
    return [json.loads(l) for l in arc.audit_path.read_text(encoding="utf-8").splitlines()]


def _write_chain(arc, entries):
    """Rewrite the whole log with every hash recomputed: a self-consistent forgery."""
    from docgen.archive import audit

    arc.audit_path.chmod(0o644)
    arc.audit_path.write_text("", encoding="utf-8")
    for e in entries:
        audit.append(arc.audit_path, {k: v for k, v in e.items() if k not in ("seq", "prev",
                                                                           "hash")})


@pytest.fixture
def filed(arc, sources):
    recs = [file_plan(arc, sources),
            file_other(arc, sources, title="规划处听证会纪要"),
            file_other(arc, sources, title="规划处测评结果", kind="测评结果")]
    return arc, recs


def _head(docgen, root):
    code, out, err = docgen("verify", "--archive", root)
    assert code == 0, err
    return out.strip().splitlines()[-1].split()[2]


def test_a_full_rewrite_of_the_log_passes_plain_verify_but_not_the_anchor(filed, docgen):
    arc, recs = filed
    head = _head(docgen, arc.root)
    entries = _entries(arc)
    entries[2]["by"] = "伪造者"  # rewrite history from entry 3 on, recompute every hash
    _write_chain(arc, entries)
    code, out, err = docgen("verify", "--archive", arc.root)
    assert code == 0  # what a local chain cannot see, by itself (README says so)
    code, out, err = docgen("verify", "--archive", arc.root, "--head", head)
    assert code == 8
    assert f"audit entry {head.split(':')[0]} has hash" in err and "rewritten" in err


def test_cutting_the_last_record_with_its_audit_line_is_caught_by_the_anchor(filed, docgen):
    arc, recs = filed
    head = _head(docgen, arc.root)
    last = recs[-1].dir
    for p in [last, *last.iterdir()]:
        p.chmod(0o755)
    shutil.rmtree(last)
    lines = arc.audit_path.read_bytes().splitlines(keepends=True)
    arc.audit_path.chmod(0o644)
    arc.audit_path.write_bytes(b"".join(lines[:-1]))
    assert docgen("verify", "--archive", arc.root)[0] == 0
    code, out, err = docgen("verify", "--archive", arc.root, "--head", head)
    assert code == 8
    n = int(head.split(":")[0])
    assert f"the log ends at entry {n - 1}, before the anchor's entry {n}" in err


def test_verify_against_a_bundle_names_the_first_rewritten_entry(filed, docgen, tmp_path):
    arc, recs = filed
    zip_path = tmp_path / "b.zip"
    code, out, err = docgen("bundle", "--archive", arc.root, "--year", "2011", "-o", zip_path)
    assert code == 0, err
    assert docgen("verify", "--archive", arc.root, "--against", zip_path)[0] == 0
    entries = _entries(arc)
    entries[1]["by"] = "伪造者"
    _write_chain(arc, entries)
    code, out, err = docgen("verify", "--archive", arc.root, "--against", zip_path)
    assert code == 8
    assert "audit entry 2 differs from the one recorded at the anchor" in err


def test_the_bundle_carries_the_head_in_bag_info_and_its_description(filed, docgen, tmp_path):
    arc, recs = filed
    head = _head(docgen, arc.root)
    zip_path = tmp_path / "b.zip"
    assert docgen("bundle", "--archive", arc.root, "--year", "2011", "-o", zip_path)[0] == 0
    with zipfile.ZipFile(zip_path) as zf:
        info = next(zf.read(n).decode() for n in zf.namelist() if n.endswith("/bag-info.txt"))
        readme = next(zf.read(n).decode() for n in zf.namelist() if n.endswith("/data/说明.txt"))
    assert f"Docgen-Audit-Head: {head}" in info
    assert head in readme and "docgen verify --head" in readme


def _rezip(src, dst, change):
    """Copy a bundle zip, replacing members through change(name, bytes) -> bytes."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, change(info.filename, zin.read(info.filename)))


def test_a_rebagged_bundle_with_one_entry_rehashed_fails_bundle_verify(filed, docgen, tmp_path):
    """PDF replaced, record.json, its audit entry's hash and the manifests recomputed: the
    next entry no longer links to it."""
    import hashlib

    from docgen.archive import audit, digests

    arc, recs = filed
    good = tmp_path / "good.zip"
    assert docgen("bundle", "--archive", arc.root, "--year", "2011", "-o", good)[0] == 0
    target = recs[0].filing_number
    with zipfile.ZipFile(good) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(f"{target}/record.json"))
        pdf_name = next(n for n in names if n.endswith(f"{target}/{target}.pdf"))
        meta = json.loads(zf.read(meta_name))
        log = zf.read(next(n for n in names if n.endswith("data/审计日志.jsonl")))
    forged_pdf = (recs[1].files["pdf"]).read_bytes()
    meta["files"]["pdf"]["digests"] = {"SM3": digests.sm3(forged_pdf).hexdigest()}
    forged_meta = json.dumps(meta, ensure_ascii=False, indent=2).encode() + b"\n"
    entries = [json.loads(l) for l in log.splitlines()]
    for e in entries:
        if isinstance(e.get("records"), dict) and target in e["records"]:
            e["records"][target] = digests.sm3(forged_meta).hexdigest()
            e["hash"] = audit.entry_hash(e)
    forged_log = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True,
                                    separators=(",", ":")) + "\n" for e in entries).encode()
    swapped = {pdf_name: forged_pdf, meta_name: forged_meta,
               next(n for n in names if n.endswith("data/审计日志.jsonl")): forged_log}

    def manifests(name, data):
        if name in swapped:
            return swapped[name]
        if "/manifest-" in name:
            algo = name.rsplit("manifest-", 1)[1].split(".")[0]
            out = []
            for line in data.decode().splitlines():
                digest, path = line.split(maxsplit=1)
                full = next((n for n in swapped if n.endswith("/" + path)), None)
                if full:
                    digest = hashlib.new(algo, swapped[full]).hexdigest()
                out.append(f"{digest}  {path}")
            return ("\n".join(out) + "\n").encode()
        return data

    forged = tmp_path / "forged.zip"
    _rezip(good, forged, manifests)
    code, out, err = docgen("bundle", "verify", forged)
    assert code == 8
    assert "does not link to the entry before it" in err


@pytest.mark.parametrize("bad", ["12", "x:y", "3:" + "0" * 63, ""])
def test_a_malformed_head_is_exit_10(filed, docgen, bad):
    arc, _ = filed
    code, out, err = docgen("verify", "--archive", arc.root, "--head", bad)
    assert code == 10 and "SEQ:HASH" in err and "Traceback" not in err


def test_against_a_missing_or_headless_bundle_is_exit_10(filed, docgen, tmp_path):
    arc, _ = filed
    code, out, err = docgen("verify", "--archive", arc.root, "--against", tmp_path / "nope.zip")
    assert code == 10 and "no such file" in err and "Traceback" not in err
    headless = tmp_path / "old.zip"
    with zipfile.ZipFile(headless, "w") as zf:
        zf.writestr("bag/bagit.txt", "BagIt-Version: 0.97\n")
        zf.writestr("bag/bag-info.txt", "Source-Organization: 区建设局\n")
    code, out, err = docgen("verify", "--archive", arc.root, "--against", headless)
    assert code == 10 and "no Docgen-Audit-Head" in err and "--head SEQ:HASH" in err
    code, out, err = docgen("verify", "--archive", arc.root, "--head", "1:" + "0" * 64,
                            "--against", headless)
    assert code == 10 and "not both" in err
