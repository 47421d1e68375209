"""Issue 10 §1: a deleted 件 is always noticed, and its 件号 is never issued twice.

Each case: the exact tampering, then what docgen must do (exit code, message).
"""

from __future__ import annotations

import json
import shutil

import pytest

from docgen.errors import ArchiveError
from tests.conftest import tree as _tree


def tree(root):
    """The archive's files; index/ is derived (a command may open it) and left out."""
    return {k: v for k, v in _tree(root).items() if not k.startswith("index/")}
from tests.test_archive_support import file_other, file_plan


def _three(arc, sources):
    return [file_other(arc, sources, title=f"规划处听证会纪要（第{i}次）") for i in (1, 2, 3)]


def _writable(folder):
    for p in [folder, *folder.iterdir()]:
        p.chmod(0o755 if p.is_dir() else 0o644)


def _rm(folder):
    _writable(folder)
    shutil.rmtree(folder)


def test_deleting_the_last_record_refuses_the_next_filing_with_exit_7(arc, sources, docgen):
    """rm -r records/2011/<last>; file again → exit 7 naming the gap; nothing written."""
    recs = _three(arc, sources)
    _rm(recs[-1].dir)
    before = tree(arc.root)
    code, out, err = docgen("import", "--archive", arc.root, sources / "plan.pdf",
                            "--title", "T", "--date", "2011-06-10", "--unit", "区建设局规划处")
    assert code == 7, err
    assert "Z109-WS·2011-D30-GHC-0003 was filed (audit log) but its folder is missing" in err
    assert "docgen verify" in err
    assert tree(arc.root) == before


def test_verify_names_the_deleted_last_record(arc, sources, docgen):
    recs = _three(arc, sources)
    _rm(recs[-1].dir)
    code, out, err = docgen("verify", "--archive", arc.root)
    assert code == 8
    assert "Z109-WS·2011-D30-GHC-0003: filed according to the audit log, but its 件 folder " \
           "is missing" in err


def test_next_number_comes_from_the_log_not_the_folders(arc, sources):
    """Even if the check is bypassed (a folder restored elsewhere), numbers never repeat."""
    recs = _three(arc, sources)
    kept = recs[-1].dir.parent.parent.parent / "kept"
    shutil.move(recs[-1].dir, kept)
    with pytest.raises(ArchiveError):
        file_other(arc, sources, title="新文件")
    shutil.move(kept, recs[-1].dir)
    new = file_other(arc, sources, title="新文件")
    assert new.filing_number.endswith("-0004")


def test_a_number_issued_twice_is_reported_by_verify(arc, sources, docgen):
    """A log with two `file` entries for one 档号 (what the old numbering did) fails verify."""
    recs = _three(arc, sources)
    entries = [json.loads(l) for l in arc.audit_path.read_text(encoding="utf-8").splitlines()]
    from docgen.archive import audit

    dup = dict(next(e for e in entries if e.get("filing_number") == recs[0].filing_number))
    for k in ("seq", "prev", "hash"):
        dup.pop(k)
    audit.append(arc.audit_path, dup)
    code, out, err = docgen("verify", "--archive", arc.root)
    assert code == 8
    assert f"{recs[0].filing_number}: the audit log issued this 件号 2 times" in err


def test_a_folder_the_log_never_issued_refuses_filing(arc, sources, docgen):
    recs = _three(arc, sources)
    forged = recs[0].dir.with_name(recs[0].filing_number[:-4] + "0009")
    shutil.copytree(recs[0].dir, forged)
    before = tree(arc.root)
    code, out, err = docgen("import", "--archive", arc.root, sources / "plan.pdf",
                            "--title", "T", "--date", "2011-06-10", "--unit", "区建设局规划处")
    assert code == 7
    assert "Z109-WS·2011-D30-GHC-0009 is on disk but the audit log never issued it" in err
    assert tree(arc.root) == before


def test_filing_the_same_form_twice_is_refused_naming_the_first(arc, sources, docgen):
    first = file_plan(arc, sources)
    before = tree(arc.root)
    with pytest.raises(ArchiveError, match=f"already filed as {first.filing_number}.*"
                                           "--supersedes"):
        file_plan(arc, sources)
    assert tree(arc.root) == before
    again = file_plan(arc, sources, duplicate_ok=True)
    assert again.filing_number.endswith("-0002")
    fixed = file_plan(arc, sources, supersedes=first.filing_number)
    assert fixed.supersedes == first.filing_number


def test_a_withdrawn_filing_may_be_filed_again(arc, sources):
    first = file_plan(arc, sources)
    arc.withdraw(first.filing_number, reason="误报")
    assert file_plan(arc, sources).filing_number.endswith("-0002")
