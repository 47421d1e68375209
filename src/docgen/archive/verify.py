"""四性检测 (DA/T 70-2018): 真实性, 完整性, 可用性, 安全性 — every problem, not just the first."""

from __future__ import annotations

import datetime as dt
import json
import stat
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from docgen.archive import audit, digests, numbering, records, settings as settings_mod
from docgen.archive.records import RECORD_NAME
from docgen.errors import ArchiveError, VerifyFailed
from docgen.i18n import N_
from docgen.i18n import cli_gettext as _
from docgen.i18n import cli_ngettext as ngettext
from docgen.vocab import CLASSIFICATIONS, RETENTION_CODES

AUTHENTICITY, INTEGRITY, USABILITY, SECURITY = "真实性", "完整性", "可用性", "安全性"
CHECKS = (AUTHENTICITY, INTEGRITY, USABILITY, SECURITY)
TOP_LEVEL = {settings_mod.SETTINGS_NAME, audit.AUDIT_NAME, "records", "index", ".tmp", ".lock",
             "README.md", "accounts.sqlite3", "accounts.sqlite3-journal"}  # docgen serve's accounts
PDFA_MARK = b"pdfaid:part"
# the `code` of each kind of problem: a stable word for scripts (`verify --json`), whatever
# the language of its text
CODES = (
    "audit-missing", "audit-empty", "audit-unreadable", "audit-first", "audit-entry",
    "audit-line", "audit-hash", "audit-link", "audit-seq", "audit-torn", "anchor",
    "settings-unreadable", "settings-changed", "stray", "unfinished", "permissions",
    "records-missing", "record-missing", "record-unreadable", "numbering-gap", "number-reused",
    "unrecorded", "metadata", "metadata-missing", "metadata-unreadable", "metadata-changed",
    "links", "file-name", "file-missing", "file-unreadable", "fixity", "digests-missing",
    "format")


@dataclass(frozen=True)
class VerifyProblem:
    """One failed check: which of the four, where (档号 or path), what is wrong (in the user's
    language), and `code`, the kind of problem in a word that never changes (for scripts:
    `fixity`, `audit-hash`, `audit-torn`, … one of CODES)."""

    check: str
    where: str
    what: str
    code: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.where}: {self.what}"


@dataclass
class VerifyReport:
    problems: list[VerifyProblem] = field(default_factory=list)
    records: int = 0  # 件 checked
    files: int = 0
    bytes: int = 0  # bytes hashed
    year: int | None = None
    recovered: list[str] = field(default_factory=list)
    audit_head: str | None = None  # SEQ:HASH of the log's last entry: note it to anchor the chain

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_check(self) -> dict[str, list[VerifyProblem]]:
        return {c: [p for p in self.problems if p.check == c] for c in CHECKS}

    def to_json(self) -> dict:
        return {"ok": self.ok, "year": self.year, "records": self.records, "files": self.files,
                "bytes": self.bytes, "recovered": self.recovered, "audit_head": self.audit_head,
                "checks": {c: ("pass" if not ps else "fail") for c, ps in self.by_check().items()},
                "problems": [asdict(p) for p in self.problems]}

    def raise_if_failed(self) -> None:
        if not self.ok:
            raise VerifyFailed(ngettext("四性检测 failed: {count} problem in {records} 件",
                                        "四性检测 failed: {count} problems in {records} 件",
                                        len(self.problems)).format(
                count=len(self.problems), records=self.records),
                [str(p) for p in self.problems])


class _Scan:
    """Watches a file's chunks for what `opens` needs: head, tail, and the PDF/A marker."""

    def __init__(self):
        self.head = b""
        self.tail = b""
        self.marker = False

    def __call__(self, chunk: bytes) -> None:
        if len(self.head) < 8:
            self.head += chunk[:8]
        joined = self.tail + chunk
        if not self.marker and PDFA_MARK in joined:
            self.marker = True
        self.tail = joined[-2048:]


def verify(archive, year: int | None = None, *, deep: bool = False, anchor=None,
           known: list[dict] | None = None) -> VerifyReport:
    """Check the archive (or one year of it); returns the report, raises nothing.

    `anchor`: an archive.anchor.Anchor noted outside the archive (a receipt, a bundle) that the
    log must still extend; `known`: the entries up to it, as a bundle carries them."""
    report = VerifyReport(year=year)
    add = lambda check, code, where, what: report.problems.append(  # noqa: E731
        VerifyProblem(check, str(where), what, code))
    root = archive.root
    try:
        expected, filed_in_log, settings_sm3 = _check_audit(archive, add)
    except Exception as e:  # noqa: BLE001 - verify reports, it never crashes
        add(SECURITY, "audit-unreadable", audit.AUDIT_NAME,
            _("the audit log cannot be checked ({error})").format(error=_why(e)))
        expected, filed_in_log, settings_sm3 = {}, Counter(), None
    try:
        last = audit.last_entry(archive.audit_path) or {}
        ok = isinstance(last.get("seq"), int) and isinstance(last.get("hash"), str)
        report.audit_head = f"{last['seq']}:{last['hash']}" if ok else None
    except (ArchiveError, OSError):
        report.audit_head = None  # the chain check names the damaged line
    if anchor is not None:
        from docgen.archive.anchor import check as check_anchor

        for what in check_anchor(archive.audit_entries(), anchor, known):
            where = _("{log} (anchor {head}…)").format(
                log=audit.AUDIT_NAME, head=f"{anchor.seq}:{anchor.hash[:12]}")
            add(SECURITY, "anchor", where, what)
    _check_settings(root, settings_sm3, add)
    if year is None:
        _check_top_level(root, add)
    on_disk: dict[str, records.Record] = {}
    folders: set[str] = set()
    groups: dict[tuple, list[int]] = defaultdict(list)
    for folder in _record_folders(root, year, add):
        folders.add(folder.name)
        try:
            rec = _check_record(archive, folder, expected, report, add, deep)
        except Exception as e:  # noqa: BLE001 - one malformed 件 must not hide the rest
            add(USABILITY, "record-unreadable", folder.name,
                _("cannot be checked ({error})").format(error=_why(e)))
            rec = None
        if rec is not None and isinstance(rec.filing_number, str):
            on_disk[rec.filing_number] = rec
        try:
            n = numbering.parse(folder.name)
            groups[n.group + (n.fonds,)].append(n.item)
        except ValueError:
            pass
    for key, items in sorted(groups.items()):
        items.sort()
        for want, got in enumerate(items, 1):
            if got != want:
                missing = [f"{i:04d}" for i in range(want, got)] or [
                    _("{item} (twice)").format(item=f"{got:04d}")]
                add(INTEGRITY, "numbering-gap", f"{key[3]}-WS·{key[0]}-{key[1]}-{key[2]}",
                    _("件号 not continuous: {numbers} missing").format(
                        numbers=", ".join(missing)))
                break
    for fn in sorted(filed_in_log):
        try:
            n = numbering.parse(fn)
        except ValueError as e:
            add(SECURITY, "audit-entry", audit.AUDIT_NAME,
                _("a file entry names {value}, which is not a 档号 ({error})").format(
                    value=repr(fn), error=e))
            continue
        if (year is None or n.year == year) and fn not in folders:
            add(INTEGRITY, "record-missing", fn,
                _("filed according to the audit log, but its 件 folder is missing"))
    for fn, n in sorted(filed_in_log.items()):
        if n > 1 and numbering.is_valid(fn) and (year is None
                                                 or numbering.parse(fn).year == year):
            add(INTEGRITY, "number-reused", fn,
                _("the audit log issued this 件号 {count} times (a number given again after "
                  "its 件 was deleted?)").format(count=n))
    _check_links(on_disk, add)
    return report


def _why(e: Exception) -> str:
    return f"{type(e).__name__}: {str(e)[:200]}"


def _check_audit(archive, add):
    """The chain, and what it says should be on disk: record digests, filed 档号, settings."""
    path = archive.audit_path
    if not path.is_file():
        add(SECURITY, "audit-missing", path.name, _("the audit log is missing"))
        return {}, Counter(), None
    torn = audit.torn_tail(path)
    for line, code, what in audit.chain_problems(path):
        if not (torn and line == torn[0] and code == "audit-line"):  # said below, with the fix
            add(SECURITY, code, f"{path.name}:{line}", what)
    if torn:
        add(SECURITY, "audit-torn", f"{path.name}:{torn[0]}", _torn_line(*torn))
    expected: dict[str, str] = {}
    filed: Counter = Counter()
    settings_sm3 = None
    first = True
    for no, entry, __ in audit.read(path):
        if entry is None:
            continue
        if first and entry.get("action") != "init":
            add(SECURITY, "audit-first", f"{path.name}:1",
                _("the first entry is not the archive's creation"))
        first = False
        wrong = [_("{key} is a {type}, not {what}").format(
                     key=key, type=type(entry[key]).__name__, what=_(what))
                 for key, kind, what in _ENTRY_TYPES
                 if entry.get(key) is not None and not isinstance(entry[key], kind)]
        records_map = entry.get("records")
        if isinstance(records_map, dict):
            wrong += [_("records[{name}] is not a digest").format(name=repr(fn))
                      for fn, d in records_map.items() if not isinstance(d, str)]
        if wrong:
            add(SECURITY, "audit-entry", f"{path.name}:{no}",
                _("entry {seq} is malformed: {problems}").format(
                    seq=repr(entry.get("seq")), problems="; ".join(wrong)))
            continue
        if entry.get("settings_sm3"):
            settings_sm3 = entry["settings_sm3"]
        for fn, digest in (records_map or {}).items():
            expected[fn] = digest
        fn = entry.get("filing_number")
        if entry.get("action") in ("file", "supersede") and isinstance(fn, str):
            filed[fn] += 1
    if first:
        add(SECURITY, "audit-empty", path.name, _("the audit log is empty"))
    return expected, filed, settings_sm3


def _torn_line(line: int, whole: bool) -> str:
    """What a last audit line without its newline means, and what the clerk does about it."""
    if whole:
        return _("the last entry lacks its final newline (docgen writes an entry and its "
                 "newline at once: the log was edited, or a write was cut at its last byte) — "
                 "the next filing, import or withdrawal completes the line, then run `docgen "
                 "verify` again; if nobody was filing, compare the log with a backup or check "
                 "it with `docgen verify --head` from a receipt")
    return _("the last line is incomplete (no final newline): a filing was interrupted while "
             "writing it, or the log was cut or added to by hand — the next filing, import or "
             "withdrawal drops the line and the unfinished filing, then run `docgen verify` "
             "again; if no filing was interrupted, compare the log with a backup or check it "
             "with `docgen verify --head` from a receipt")


# the fields of an audit entry verify reads, and the JSON type each must have
_ENTRY_TYPES = (("action", str, N_("text")), ("records", dict, N_("an object")),
                ("filing_number", str, N_("a 档号")), ("settings_sm3", str, N_("a digest")),
                ("seq", int, N_("a number")), ("hash", str, N_("a digest")),
                ("prev", str, N_("a digest")))


def _check_settings(root: Path, settings_sm3, add) -> None:
    path = root / settings_mod.SETTINGS_NAME
    try:
        found = digests.sm3(path.read_bytes()).hexdigest()
    except OSError as e:
        add(USABILITY, "settings-unreadable", path.name,
            _("cannot read the settings ({error})").format(error=e.strerror))
        return
    if settings_sm3 and found != settings_sm3:
        add(SECURITY, "settings-changed", path.name,
            _("the settings differ from the last version the audit log recorded (changed "
              "outside docgen)"))


def _check_top_level(root: Path, add) -> None:
    for p in sorted(root.iterdir()):
        if p.name not in TOP_LEVEL:
            add(SECURITY, "stray", p.name, _("stray file: not part of the archive"))
    tmp = root / ".tmp"
    if tmp.is_dir():
        for p in sorted(tmp.iterdir()):
            add(SECURITY, "unfinished", f".tmp/{p.name}",
                _("an unfinished filing was left behind"))
    for p in (root, root / "records", tmp, root / "index", root / ".lock",
              root / settings_mod.SETTINGS_NAME, root / audit.AUDIT_NAME):
        _check_mode(p, add, filed=False)


def _record_folders(root: Path, year, add):
    base = root / "records"
    if not base.is_dir():
        add(INTEGRITY, "records-missing", "records", _("the records folder is missing"))
        return
    for ydir in sorted(base.iterdir()):
        if not (ydir.is_dir() and ydir.name.isdigit() and len(ydir.name) == 4):
            add(SECURITY, "stray", f"records/{ydir.name}", _("stray file: not a year folder"))
            continue
        if year is not None and ydir.name != str(year):
            continue
        _check_mode(ydir, add, filed=False)
        for d in sorted(ydir.iterdir()):
            where = f"records/{ydir.name}/{d.name}"
            if not d.is_dir():
                add(SECURITY, "stray", where, _("stray file: not a 件 folder"))
                continue
            try:
                n = numbering.parse(d.name)
            except ValueError:
                add(SECURITY, "stray", where, _("stray folder: its name is not a 档号"))
                continue
            if str(n.year) != ydir.name:
                add(AUTHENTICITY, "metadata", where,
                    _("filed under year {folder} but its 档号 says {year}").format(
                        folder=ydir.name, year=n.year))
            yield d


def _check_record(archive, folder: Path, expected, report, add, deep):
    name = folder.name
    _check_mode(folder, add, filed=False)
    meta_path = folder / RECORD_NAME
    try:
        raw = meta_path.read_bytes()
    except FileNotFoundError:
        add(INTEGRITY, "metadata-missing", name, _("record.json is missing"))
        return None
    except OSError as e:
        add(USABILITY, "metadata-unreadable", name,
            _("cannot read record.json ({error})").format(error=e.strerror))
        return None
    _check_mode(meta_path, add, filed=True)
    found = digests.sm3(raw).hexdigest()
    if name not in expected:
        add(SECURITY, "unrecorded", name, _("no audit entry records this 件 (filed outside "
                                            "docgen, or its entry was removed)"))
    elif expected[name] != found:
        add(AUTHENTICITY, "metadata-changed", name,
            _("record.json differs from the version the audit log recorded (metadata edited "
              "after filing)"))
    try:
        meta = json.loads(raw)
        if not isinstance(meta, dict):
            raise ValueError(_("not a JSON object"))
    except (ValueError, RecursionError) as e:
        add(USABILITY, "metadata-unreadable", name,
            _("record.json does not parse ({error})").format(error=e))
        return None
    report.records += 1
    for key in records.REQUIRED:
        if key not in meta or meta[key] in (None, "", []) and key != "页数":
            add(INTEGRITY, "metadata-missing", name,
                _("required metadata {key} is missing").format(key=key))
    _check_values(archive, name, meta, add)
    try:
        rec = records.Record.from_metadata(meta, folder)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        add(USABILITY, "metadata-unreadable", name,
            _("record.json does not parse as a record ({error})").format(
                error=f"{type(e).__name__}: {e}"))
        rec = None
    files = meta.get("files") if isinstance(meta.get("files"), dict) else {}
    if not isinstance(meta.get("files"), dict):
        add(INTEGRITY, "metadata", name,
            _("record.json lists no files (its files entry is not an object)"))
    listed = set()
    for role, info in files.items():
        fname = info.get("计算机文件名") if isinstance(info, dict) else None
        problem = _file_name_problem(fname)
        if problem:
            add(AUTHENTICITY, "file-name", name,
                _("the {role} file's 计算机文件名 {name} {problem}").format(
                    role=role, name=repr(str(fname)[:80]), problem=problem))
            continue
        listed.add(fname)
        _check_file(folder, name, role, info, report, add, deep)
    for p in sorted(folder.iterdir()):
        if p.name not in listed | {RECORD_NAME}:
            add(SECURITY, "stray", f"{name}/{p.name}", _("stray file: not listed in record.json"))
    return rec


def _file_name_problem(fname) -> str | None:
    """Why a record's file name cannot be a file of its 件 folder (None when it can)."""
    if not isinstance(fname, str) or not fname:
        return _("is not a file name")
    if "/" in fname or "\\" in fname or "\0" in fname or fname in (".", ".."):
        return _("is not a plain file name inside the 件 folder")
    if len(fname.encode("utf-8", "surrogatepass")) > 255:
        return _("is longer than a file name can be")
    return None


def _check_values(archive, name: str, meta: dict, add) -> None:
    s = archive.settings
    fn = meta.get("档号")
    if fn != name:
        add(AUTHENTICITY, "metadata", name,
            _("the folder is named {folder} but record.json says 档号 {number} "
              "(renumbered?)").format(folder=name, number=fn))
    try:
        n = numbering.parse(str(fn))
    except ValueError as e:
        add(AUTHENTICITY, "metadata", name, str(e))
        n = None
    if n is not None:
        parts = {"全宗号": n.fonds, "年度": n.year, "保管期限代码": n.retention_code,
                 "机构代码": n.unit_code, "件号": f"{n.item:04d}", "保管期限": n.retention}
        for key, want in parts.items():
            if key in meta and meta[key] != want:
                add(AUTHENTICITY, "metadata", name,
                    _("{key} is {value} but the 档号 says {want}").format(
                        key=key, value=repr(meta[key]), want=repr(want)))
        if n.fonds != s.fonds_code:
            add(AUTHENTICITY, "metadata", name,
                _("全宗号 {fonds} is not this archive's ({ours})").format(
                    fonds=n.fonds, ours=s.fonds_code))
    try:
        records.parse_compact(str(meta.get("日期")))
    except ValueError:
        add(AUTHENTICITY, "metadata", name, _("{key} {value} is not a date (YYYYMMDD)").format(
            key="日期", value=repr(meta.get("日期"))))
    if meta.get("报送日期") is not None:
        try:
            records.parse_compact(str(meta["报送日期"]))
        except ValueError:
            add(AUTHENTICITY, "metadata", name,
                _("{key} {value} is not a date (YYYYMMDD)").format(
                    key="报送日期", value=repr(meta["报送日期"])))
    checks = (("密级", CLASSIFICATIONS), ("保管期限", tuple(RETENTION_CODES)),
              ("status", records.STATUSES), ("type", records.TYPES))
    for key, allowed in checks:
        if key in meta and meta[key] not in allowed:
            add(AUTHENTICITY, "metadata", name, _("{key} {value} is not one of {allowed}").format(
                key=key, value=repr(meta[key]), allowed=", ".join(allowed)))
    pages = meta.get("页数")
    if pages is not None and (not isinstance(pages, int) or pages < 1):
        add(AUTHENTICITY, "metadata", name,
            _("页数 {value} is not a page count").format(value=repr(pages)))
    acts = meta.get("业务行为") or []
    if not isinstance(acts, list):
        add(AUTHENTICITY, "metadata", name, _("业务行为 is not a list of actions"))
        acts = []
    for act in acts:
        try:
            dt.datetime.fromisoformat(act["行为时间"])
        except (KeyError, TypeError, ValueError):
            add(AUTHENTICITY, "metadata", name, _("业务行为 {value} has no valid 行为时间").format(
                value=repr(str(act)[:80])))


def _check_file(folder, name, role, info, report, add, deep) -> None:
    fname = info.get("计算机文件名")
    where = f"{name}/{fname}"
    path = folder / str(fname)
    if not fname or not path.is_file():
        add(INTEGRITY, "file-missing", where, _("the {role} file is missing").format(role=role))
        return
    _check_mode(path, add, filed=True)
    scan = _Scan()
    try:
        found, size = digests.digest_file(path, inspect=scan)
    except OSError as e:
        add(USABILITY, "file-unreadable", where,
            _("cannot read it ({error})").format(error=e.strerror))
        return
    report.files += 1
    report.bytes += size
    if size != info.get("计算机文件大小"):
        add(AUTHENTICITY, "fixity", where,
            _("size is {size} bytes, the record says {recorded} (truncated or replaced)").format(
                size=size, recorded=info.get("计算机文件大小")))
    recorded = info.get("digests") if isinstance(info.get("digests"), dict) else {}
    for algorithm, want in recorded.items():
        if found.get(algorithm) != want:
            add(AUTHENTICITY, "fixity", where,
                _("{algorithm} digest does not match the record (content changed after "
                  "filing)").format(algorithm=algorithm))
    if set(recorded) != set(digests.ALGORITHMS):
        add(INTEGRITY, "digests-missing", where, _("the record lacks its SM3 and SHA-256 digests"))
    fmt = str(info.get("格式信息", ""))
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        if not (scan.head.startswith(b"%PDF-") and b"%%EOF" in scan.tail[-1024:]):
            add(USABILITY, "format", where,
                _("does not open as a PDF (no %PDF- header or %%EOF trailer)"))
        elif fmt.startswith("PDF/A") and not scan.marker:
            add(USABILITY, "format", where, _("PDF/A markers (pdfaid in the XMP) are missing"))
        elif deep:  # an original kept beside its PDF/A (a scanner's PDF) is only opened
            _deep_pdf(path, where, add, check_pdfa=fmt.startswith("PDF/A"))
    elif suffix in (".docx", ".xlsx"):
        if not (scan.head.startswith(b"PK\x03\x04") and b"PK\x05\x06" in scan.tail):
            add(USABILITY, "format", where,
                _("does not open as a Word file (not a complete zip)"))
        elif deep:
            import zipfile

            try:
                with zipfile.ZipFile(path) as z:
                    bad = z.testzip()
                if bad:
                    add(USABILITY, "format", where,
                        _("part {part} of the Word file is damaged").format(part=bad))
            except zipfile.BadZipFile as e:
                add(USABILITY, "format", where,
                    _("does not open as a Word file ({error})").format(error=e))
    elif role == "form" and path.suffix.lower() == ".xlsx":
        if not scan.head.startswith(b"PK\x03\x04"):
            add(USABILITY, "format", where, _("the form workbook does not open (not a zip)"))
    elif role == "form":
        try:
            path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            add(USABILITY, "format", where, _("the form file is not UTF-8 text"))


def _deep_pdf(path: Path, where: str, add, check_pdfa: bool = True) -> None:
    import pikepdf

    try:
        with pikepdf.open(path) as doc:
            if len(doc.pages) < 1:
                add(USABILITY, "format", where, _("the PDF has no pages"))
    except pikepdf.PdfError as e:
        add(USABILITY, "format", where, _("does not open as a PDF ({error})").format(error=e))
        return
    if not check_pdfa:
        return
    from docgen.convert import pdfa

    try:
        problems = pdfa.check(path)
    except Exception as e:  # noqa: BLE001 - another module's checker: report, do not crash
        add(USABILITY, "format", where, _("PDF/A check could not run ({error})").format(
            error=f"{type(e).__name__}: {e}"))
        return
    for what in problems:
        add(USABILITY, "format", where, _("not valid PDF/A: {problem}").format(problem=what))


def _check_mode(path: Path, add, *, filed: bool) -> None:
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & stat.S_IWOTH:
        add(SECURITY, "permissions", f"{path.parent.name}/{path.name}",
            _("is world-writable (a umask of 000? run `chmod o-w` on it)"))
    elif filed and mode & (stat.S_IWUSR | stat.S_IWGRP):
        add(SECURITY, "permissions", f"{path.parent.name}/{path.name}",
            _("a filed file is writable (should be read-only, 0444)"))


def _check_links(on_disk: dict, add) -> None:
    for fn, rec in on_disk.items():
        if not all(isinstance(v, (str, type(None)))
                   for v in (rec.supersedes, rec.superseded_by, rec.status)):
            add(AUTHENTICITY, "links", fn, _("supersedes, superseded_by or status is not text"))
            continue
        if rec.supersedes:
            old = on_disk.get(rec.supersedes)
            if old is not None and old.superseded_by != fn:
                add(INTEGRITY, "links", fn, _("supersedes {number}, which does not link "
                                              "back").format(number=rec.supersedes))
        if rec.superseded_by:
            new = on_disk.get(rec.superseded_by)
            if new is not None and new.supersedes != fn:
                add(INTEGRITY, "links", fn, _("superseded by {number}, which does not link "
                                              "back").format(number=rec.superseded_by))
            if rec.status != "superseded":
                add(INTEGRITY, "links", fn,
                    _("has a newer version {number} but its status is {status}").format(
                        number=rec.superseded_by, status=_(rec.status)))
