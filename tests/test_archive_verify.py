"""四性检测: a clean archive passes; every tampering a reviewer would try is caught and named."""

import json
import os
import shutil

import pytest

from docgen.errors import ExitCode, VerifyFailed
from test_archive_support import file_other, file_plan


@pytest.fixture
def filled(arc, sources):
    """An archive with three 件 in one group, one withdrawn, one superseded."""
    a = file_plan(arc, sources)
    b = file_other(arc, sources)
    file_plan(arc, sources, supersedes=a.filing_number)
    arc.withdraw(b.filing_number, reason="误报")
    assert arc.verify().ok, arc.verify().problems
    return arc


def writable(path):
    os.chmod(path, 0o644)
    return path


def problems(arc, year=None):
    from docgen.archive.verify import CODES

    report = arc.verify(year)
    assert not report.ok
    assert all(p.code in CODES for p in report.problems), report.problems  # stable, known
    return [(p.check, p.where, p.what) for p in report.problems]


def first(arc, n=1):
    return list(arc.records())[n - 1]


def has(found, check, where_part, what_part):
    return any(c == check and where_part in w and what_part in t for c, w, t in found)


def test_clean_archive_passes_with_counts(filled):
    report = filled.verify()
    assert report.ok and report.records == 3 and report.files == 8 and report.bytes > 0
    assert report.to_json()["checks"] == {"真实性": "pass", "完整性": "pass", "可用性": "pass",
                                          "安全性": "pass"}
    assert filled.verify(2011, deep=True).ok


def test_flipped_byte_in_a_pdf(filled):
    pdf = writable(first(filled).files["pdf"])
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    found = problems(filled)
    assert has(found, "真实性", pdf.name, "SM3 digest does not match")
    assert has(found, "真实性", pdf.name, "SHA-256 digest does not match")
    assert has(found, "安全性", pdf.name, "writable")


def test_truncated_file(filled):
    docx = first(filled).files["original"]
    os.chmod(docx, 0o644)
    with open(docx, "r+b") as f:
        f.truncate(1000)
    os.chmod(docx, 0o444)
    found = problems(filled)
    assert has(found, "真实性", docx.name, "size is 1000 bytes")
    assert has(found, "可用性", docx.name, "does not open as a Word file")


def test_deleted_file(filled):
    form = first(filled).files["form"]
    form.unlink()
    assert has(problems(filled), "完整性", form.name, "form file is missing")


def test_deleted_whole_record(filled):
    rec = first(filled, 2)
    shutil.rmtree(rec.dir)
    found = problems(filled)
    assert has(found, "完整性", rec.filing_number, "件 folder is missing")
    assert has(found, "完整性", "Z109-WS·2011-D30-GHC", "件号 not continuous: 0002 missing")


def test_stray_files_anywhere(filled):
    rec = first(filled)
    (rec.dir / "notes.txt").write_text("稿")
    (filled.root / "records" / "2011" / "readme.txt").write_text("x")
    (filled.root / "backup.zip").write_bytes(b"PK")
    (filled.root / "index" / "MAIN.toc").write_bytes(b"derived")  # the index is not a stray
    found = problems(filled)
    assert has(found, "安全性", "notes.txt", "stray file")
    assert has(found, "安全性", "readme.txt", "stray file")
    assert has(found, "安全性", "backup.zip", "stray file")
    assert not any("index" in w for _, w, _ in found)


def test_edited_title(filled):
    meta_path = writable(first(filled).files["metadata"])
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["题名"] = "另一个题名"
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    os.chmod(meta_path, 0o444)
    assert has(problems(filled), "真实性", first(filled).filing_number,
               "record.json differs from the version the audit log recorded")


def test_renumbered_record(filled):
    rec = first(filled, 3)
    new = rec.dir.with_name(rec.filing_number[:-4] + "0007")
    rec.dir.rename(new)
    found = problems(filled)
    assert has(found, "真实性", new.name, "record.json says 档号 " + rec.filing_number)
    assert has(found, "完整性", "GHC", "件号 not continuous: 0003")
    assert has(found, "安全性", new.name, "no audit entry")
    assert has(found, "完整性", rec.filing_number, "件 folder is missing")


def test_renumbered_record_with_its_metadata_rewritten(filled):
    rec = first(filled, 3)
    meta = dict(rec.metadata, 档号=rec.filing_number[:-4] + "0004", 件号="0004")
    new = rec.dir.with_name(meta["档号"])
    rec.dir.rename(new)
    writable(new / "record.json").write_text(json.dumps(meta, ensure_ascii=False))
    found = problems(filled)
    assert has(found, "安全性", new.name, "no audit entry")
    assert has(found, "完整性", "GHC", "not continuous")


def _audit_lines(arc):
    return arc.audit_path.read_text(encoding="utf-8").splitlines(keepends=True)


def test_deleted_audit_entry_in_the_middle(filled):
    lines = _audit_lines(filled)
    del lines[2]
    filled.audit_path.write_text("".join(lines), encoding="utf-8")
    assert has(problems(filled), "安全性", "audit.jsonl:3", "does not link to the entry before")


def test_deleted_last_audit_entry(filled):
    lines = _audit_lines(filled)
    filled.audit_path.write_text("".join(lines[:-1]), encoding="utf-8")  # the withdrawal
    assert has(problems(filled), "真实性", "Z109-WS·2011-D30-GHC-0002",
               "differs from the version the audit log recorded")


def test_edited_audit_entry(filled):
    lines = _audit_lines(filled)
    entry = json.loads(lines[1])
    entry["by"] = "someone else"
    lines[1] = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    filled.audit_path.write_text("".join(lines), encoding="utf-8")
    assert has(problems(filled), "安全性", "audit.jsonl:2", "does not match its own hash")


def test_settings_edited_outside_docgen(filled):
    path = filled.root / "docgen-archive.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["filing_office"] = "局办公室"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert has(problems(filled), "安全性", "docgen-archive.json", "changed outside docgen")


def test_world_writable_and_bad_values(filled):
    rec = first(filled)
    os.chmod(rec.dir, 0o777)
    meta_path = writable(rec.files["metadata"])
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["日期"] = "20110231"
    meta["密级"] = "保密"
    del meta["责任者"]
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    found = problems(filled)
    assert has(found, "安全性", rec.filing_number, "world-writable")
    assert has(found, "真实性", rec.filing_number, "日期 '20110231' is not a date")
    assert has(found, "真实性", rec.filing_number, "密级 '保密' is not one of")
    assert has(found, "完整性", rec.filing_number, "required metadata 责任者 is missing")


def test_unparsable_record_and_pdfa_markers_removed(filled):
    rec = first(filled, 2)
    pdf = writable(first(filled).files["pdf"])
    writable(rec.files["metadata"]).write_text("{not json", encoding="utf-8")
    pdf.write_bytes(pdf.read_bytes().replace(b"pdfaid:part", b"pdfaix:part"))
    found = problems(filled)
    assert has(found, "可用性", rec.filing_number, "does not parse")
    assert has(found, "可用性", pdf.name, "PDF/A markers")


def test_every_problem_is_reported_not_just_the_first(filled):
    first(filled).files["form"].unlink()
    (filled.root / "stray.txt").write_text("x")
    lines = _audit_lines(filled)
    filled.audit_path.write_text("".join(lines[:2] + lines[3:]), encoding="utf-8")
    with pytest.raises(VerifyFailed) as e:
        filled.verify_or_raise()
    assert e.value.exit_code == ExitCode.verify_failed
    checks = {line.split("]")[0].lstrip("[") for line in e.value.details}
    assert {"完整性", "安全性"} <= checks and len(e.value.details) >= 3


def test_year_filter_checks_only_that_year(filled, sources):
    file_other(filled, sources, date="2012-02-01")
    first(filled).files["form"].unlink()
    assert filled.verify(2012).ok
    assert not filled.verify(2011).ok


def test_damaged_last_audit_line_is_named_and_stops_filing(filled, sources):
    from docgen.errors import ArchiveError

    lines = _audit_lines(filled)
    filled.audit_path.write_text("".join(lines[:-1]) + "{garbage}\n", encoding="utf-8")
    found = problems(filled)
    assert has(found, "安全性", f"audit.jsonl:{len(lines)}", "not a JSON object")
    before = sorted(p.name for p in (filled.root / "records" / "2011").iterdir())
    with pytest.raises(ArchiveError, match="last audit entry is damaged"):
        file_other(filled, sources)
    assert sorted(p.name for p in (filled.root / "records" / "2011").iterdir()) == before
    assert not any((filled.root / ".tmp").iterdir())
    assert has(problems(filled), "安全性", f"audit.jsonl:{len(lines)}", "not a JSON object")
