"""§6 verify and bundle verify report, never crash: each damaged input is exit 8 (or 10 for
a bad option) with the problem named, and nothing in the archive changes."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from docgen.errors import ExitCode
from tests.hostile.support import files_under, small_archive, small_bundle


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("hostile-archive")
    arc = small_archive(base)
    small_bundle(arc, base / "bundle.zip")
    return base


@pytest.fixture
def archive(built, tmp_path) -> Path:
    shutil.copytree(built / "archive", tmp_path / "archive", symlinks=True)
    return tmp_path / "archive"


@pytest.fixture
def bundle(built, tmp_path) -> Path:
    return Path(shutil.copyfile(built / "bundle.zip", tmp_path / "bundle.zip"))


def edit_audit(archive: Path, line: int, **changes) -> None:
    path = archive / "audit.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[line - 1])
    entry.update(changes)
    lines[line - 1] = json.dumps(entry, ensure_ascii=False, sort_keys=True,
                                 separators=(",", ":"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def edit_record(archive: Path, filing_number: str, edit) -> None:
    path = next(archive.glob(f"records/*/{filing_number}/record.json"))
    meta = json.loads(path.read_bytes())
    edit(meta)
    os.chmod(path, 0o644)
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.chmod(path, 0o444)


def verify(docgen, archive: Path, *args) -> tuple[int, str]:
    before = files_under(archive)
    code, out, err = docgen("verify", "--archive", archive, *args)
    assert "Traceback" not in err and "internal error" not in err, err
    assert files_under(archive) == before  # verify reports; it changes nothing
    return code, out + err


FN = "Z109-WS·2011-D30-GHC-0002"


@pytest.mark.parametrize("line, changes, expected", [
    (3, {"records": [FN]}, "audit.jsonl:3: entry 3 is malformed: records is a list"),
    (3, {"filing_number": [FN]}, "filing_number is a list"),
    (3, {"records": {FN: ["not", "a", "digest"]}}, "is not a digest"),
    (3, {"seq": "3"}, "seq is a str"),
    (2, {"action": {"file": 1}}, "action is a dict"),
])
def test_audit_entry_of_the_wrong_json_type_is_reported(docgen, archive, line, changes,
                                                        expected):
    edit_audit(archive, line, **changes)
    code, text = verify(docgen, archive)
    assert code == ExitCode.verify_failed == 8
    assert expected in text


def test_malformed_filing_number_with_year_is_reported(docgen, archive):
    edit_audit(archive, 3, filing_number="Z109-WS·20X1-D30-GHC-0002")
    code, text = verify(docgen, archive, "--year", "2011")
    assert code == 8 and "names 'Z109-WS·20X1-D30-GHC-0002', which is not a 档号" in text


def test_deeply_nested_audit_line_is_reported(docgen, archive):
    with open(archive / "audit.jsonl", "a") as f:
        f.write("[" * 100_000 + "]" * 100_000 + "\n")
    code, text = verify(docgen, archive)
    assert code == 8 and "is not a JSON object" in text


@pytest.mark.parametrize("edit, expected", [
    (lambda m: m["files"]["pdf"].update({"计算机文件名": "../../../../etc/passwd"}),
     "is not a plain file name inside the 件 folder"),
    (lambda m: m["files"]["pdf"].update({"计算机文件名": "长" * 200}),
     "is longer than a file name can be"),
    (lambda m: m["files"]["pdf"].update({"计算机文件名": "a\x00b"}), "not a plain file name"),
    (lambda m: m["files"]["pdf"].update({"计算机文件名": ["x"]}), "is not a file name"),
    (lambda m: m["files"]["pdf"].update({"digests": "sm3"}), "lacks its SM3 and SHA-256"),
    (lambda m: m.update({"files": ["pdf"]}), "its files entry is not an object"),
    (lambda m: m.update({"业务行为": 7}), "业务行为 is not a list"),
    (lambda m: m.update({"superseded_by": {"a": []}}), "superseded_by or status is not text"),
    (lambda m: m.update({"档号": ["x"]}), "differs from the version the audit log recorded"),
])
def test_record_json_of_the_wrong_shape_is_reported(docgen, archive, edit, expected):
    edit_record(archive, FN, edit)
    code, text = verify(docgen, archive)
    assert code == 8 and expected in text, text


def rezip(src: Path, dst: Path, extra: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for info, body in items:
            z.writestr(info, body)
        top = items[0][0].filename.split("/", 1)[0]
        for name, body in extra.items():
            z.writestr(f"{top}/{name}", body)
    dst.write_bytes(buf.getvalue())
    return dst


@pytest.mark.parametrize("extra, expected", [
    ({"data/说明.txt/inner.txt": b"x"}, "both a file and a folder in the zip"),
    ({f"data/{'长' * 100}.txt": b"x"}, "a name in the path is longer than 255 bytes"),
    ({"data/./x.txt": b"x"}, "an empty or '.' part in the path"),
    ({"tagmanifest-sha256.txt/a": b"x"}, "both a file and a folder"),
])
def test_bundle_zip_with_unextractable_names_is_refused(tmp_path, docgen, bundle, extra,
                                                         expected):
    bad = rezip(bundle, tmp_path / "bad.zip", extra)
    code, out, err = docgen("bundle", "verify", bad)
    assert code == 8 and expected in err and "nothing was extracted" in err, err
    assert "Traceback" not in err


def test_bundle_without_its_tag_manifest_fails(tmp_path, docgen, bundle):
    with zipfile.ZipFile(bundle) as z:
        items = [(i, z.read(i)) for i in z.infolist() if "tagmanifest" not in i.filename]
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        for info, body in items:
            z.writestr(info, body)
    code, out, err = docgen("bundle", "verify", bad)
    assert code == 8 and "tagmanifest-sha256.txt: missing" in err


def test_bundle_whose_tag_manifest_leaves_out_a_tag_file_fails(tmp_path, docgen, bundle):
    with zipfile.ZipFile(bundle) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        for info, body in items:
            if info.filename.endswith("tagmanifest-sha256.txt"):
                body = b"".join(line for line in body.splitlines(keepends=True)
                                if b"bag-info.txt" not in line)
            z.writestr(info, body)
    code, out, err = docgen("bundle", "verify", bad)
    assert code == 8 and "does not list bag-info.txt, so no digest covers it" in err


def test_bundle_verify_bad_option_is_exit_10(docgen, bundle):
    code, out, err = docgen("bundle", "verify", bundle, "--max-ratio", "0")
    assert code == ExitCode.bad_input == 10


def test_the_intact_fixture_passes(docgen, archive, bundle):
    assert verify(docgen, archive)[0] == 0
    assert docgen("bundle", "verify", bundle)[0] == 0


def file_one_more(archive: Path, title: str = "规划处座谈会纪要"):
    """The next filing, as a clerk would do it after verify: an import into the archive."""
    from docgen.archive import Archive
    from tests.hostile.support import fake_pdfa

    return Archive(archive).file_import(
        fake_pdfa(archive.parent / "more.pdf", title), type="other", kind="听证会纪要",
        title=title, date="2011-06-12", unit="区建设局规划处", by="测试员")


def test_audit_log_without_its_last_newline_is_reported_then_completed(docgen, archive):
    log = archive / "audit.jsonl"
    whole = log.read_bytes()
    lines = whole.count(b"\n")
    log.write_bytes(whole[:-1])  # the tamper: only the final newline deleted
    code, text = verify(docgen, archive)  # reports, changes nothing (the helper checks)
    assert code == 8
    assert (f"[安全性] audit.jsonl:{lines}: the last entry lacks its final newline" in text
            and "the next filing, import or withdrawal completes the line" in text)
    code, out, _err = docgen("verify", "--archive", archive, "--json")
    assert [p["code"] for p in json.loads(out)["problems"]] == ["audit-torn"]
    file_one_more(archive)  # the next filing completes the line and keeps the entry
    assert log.read_bytes().startswith(whole) and log.read_bytes().count(b"\n") == lines + 1
    assert verify(docgen, archive)[0] == 0


def test_partial_line_appended_to_the_audit_log_is_reported_then_dropped(docgen, archive):
    log = archive / "audit.jsonl"
    whole = log.read_bytes()
    log.write_bytes(whole + b'{"action":"file","by":"')
    code, text = verify(docgen, archive)
    line = whole.count(b"\n") + 1
    assert code == 8
    assert f"audit.jsonl:{line}: the last line is incomplete (no final newline)" in text
    assert "drops the line and the unfinished filing" in text
    assert "is not a JSON object" not in text  # one problem for one line, with its fix
    file_one_more(archive)
    assert log.read_bytes().startswith(whole) and verify(docgen, archive)[0] == 0


def test_a_killed_filers_half_line_is_reported_and_no_alarm_after_the_next_filing(
        docgen, archive, monkeypatch):
    """The state a SIGKILL half-way through the audit write leaves (as bench/trial_reliability
    `torn` makes it for real): the change staged in .tmp/, half its line in the log."""
    from docgen.archive import audit, txn

    def torn_write(fd, data):
        os.write(fd, data[:len(data) // 2])
        raise KeyboardInterrupt  # the kill: nothing after this line runs ...

    monkeypatch.setattr(audit, "os", type("TornOs", (), {
        "__getattr__": staticmethod(lambda name: getattr(os, name)),
        "write": staticmethod(torn_write)})())
    monkeypatch.setattr(txn, "rmtree", lambda path: None)  # ... not even the clean-up
    with pytest.raises(KeyboardInterrupt):
        file_one_more(archive, "被中断的归档")
    monkeypatch.undo()
    staged = list((archive / ".tmp").iterdir())
    assert len(staged) == 1 and not (archive / "audit.jsonl").read_bytes().endswith(b"\n")
    code, text = verify(docgen, archive)
    assert code == 8 and "the last line is incomplete (no final newline)" in text
    assert f".tmp/{staged[0].name}: an unfinished filing was left behind" in text
    code, out, err = docgen("--lang", "zh", "verify", "--archive", archive)
    assert code == 8 and "最后一行不完整（没有结尾换行符）" in err
    rec = file_one_more(archive)  # the next filing recovers: the half line and .tmp/ go
    assert rec.filing_number.endswith("-0004") and not any((archive / ".tmp").iterdir())
    assert verify(docgen, archive)[0] == 0
