"""Filing: the Archive, opened from its folder; every change under one exclusive lock.

Each change is a transaction (txn.py): staged, committed by its audit entry, moved into
place; the next 件号 is counted from the folders on disk, so a killed filing leaves no gap.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from docgen._files import fsync_dir, write_atomic
from docgen.archive import audit, digests, numbering, records, txn
from docgen.archive import settings as settings_mod
from docgen.archive.records import RECORD_NAME, Record
from docgen.archive.settings import Settings, Unit
from docgen.dates import parse_date
from docgen.errors import ArchiveError, BadInput
from docgen.models import CLASSIFICATIONS, DOCUMENT_KINDS, RETENTION_CODES

RECORDS, INDEX, TMP, LOCK = txn.RECORDS, "index", txn.TMP, ".lock"
README = "README.md"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).astimezone()


@dataclass(frozen=True)
class _Spec:
    """What a new 件 is, before it has a number."""

    type: str
    kind: str
    title: str
    date: dt.date
    unit: str
    unit_code: str
    doc_number: str | None
    responsible: str
    classification: str
    retention: str
    campaign_year: int
    submitted: dt.date | None = None  # 报送日期, when handed to the filing office before filing
    digitisation: dict | None = None  # 数字化信息 of a scan (docgen.scan), None otherwise

    @property
    def year(self) -> int:
        return self.date.year


class Archive:
    """An archive on disk: `Archive(root)` opens it (ArchiveError when root is not one)."""

    def __init__(self, root: str | Path, *, clock=None):
        self.root = Path(root)
        self.clock = clock or _now
        if self.root.exists() and not self.root.is_dir():
            raise ArchiveError(f"{self.root}: is a file, not an archive folder — point "
                               "--archive / DOCGEN_ARCHIVE at the archive's folder")
        if not self.root.is_dir():
            raise ArchiveError(f"{self.root}: no archive there (the folder does not exist) — "
                               f"create one with `docgen init {self.root}`, or point --archive "
                                "/ DOCGEN_ARCHIVE at an existing archive")
        self.settings: Settings = settings_mod.load(self.root)
        self._unindexed: list[Record] | None = None  # inside batch(): records the index awaits

    def __repr__(self) -> str:
        return f"Archive({str(self.root)!r})"

    # --- reading -------------------------------------------------------------------------
    @property
    def audit_path(self) -> Path:
        return self.root / audit.AUDIT_NAME

    def audit_entries(self):
        """Every audit entry in order (unparsable lines are skipped; verify names them)."""
        for _, entry, _ in audit.read(self.audit_path):
            if entry is not None:
                yield entry

    def record_dirs(self, year: int | None = None) -> list[tuple[numbering.FilingNumber, Path]]:
        """(档号, folder) of every 件 folder on disk, in 档号 order."""
        base = self.root / RECORDS
        if year is not None:
            years = [base / str(year)]
        else:
            years = sorted(base.iterdir()) if base.is_dir() else []
        out = []
        for ydir in years:
            if not ydir.is_dir():
                continue
            for d in ydir.iterdir():
                try:
                    out.append((numbering.parse(d.name), d))
                except ValueError:
                    continue
        return sorted(out)

    def records(self, year: int | None = None):
        """Every 件 in 档号 order, all statuses."""
        for _, folder in self.record_dirs(year):
            yield self._load(folder)

    def record(self, filing_number: str) -> Record:
        try:
            folder = records.folder_for(self.root, filing_number)
        except ValueError as e:
            raise BadInput(str(e)) from None
        if not (folder / RECORD_NAME).is_file():
            raise ArchiveError(f"no 件 {filing_number} in {self.root} — "
                               "check the 档号; `docgen status` lists what is filed")
        return self._load(folder)

    def _load(self, folder: Path) -> Record:
        try:
            return records.load(folder)
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ArchiveError(f"{folder / RECORD_NAME}: cannot read the record ({e}) — "
                               "run `docgen verify` for the full picture") from None

    def verify(self, year: int | None = None, *, deep: bool = False):
        """四性检测: a VerifyReport listing every problem (finishes a killed filing first)."""
        from docgen.archive.verify import verify

        with contextlib.ExitStack() as stack:
            try:
                recovered = stack.enter_context(self._locked())
            except OSError:  # a read-only copy of an archive: check it as it is
                recovered = []
            report = verify(self, year, deep=deep)
            report.recovered = list(recovered)
            return report

    def verify_or_raise(self, year: int | None = None, *, deep: bool = False):
        """Like verify(), but raise VerifyFailed (exit 8) listing every problem."""
        report = self.verify(year, deep=deep)
        report.raise_if_failed()
        return report

    def status(self, year: int | None = None, *, unit: str | None = None, today=None):
        """What the campaign calendar requires of each unit in `year`, and its state."""
        from docgen.archive.status import status

        return status(self, year, unit=unit, today=today)

    # --- filing --------------------------------------------------------------------------
    def file_form(self, form, form_path: Path, docx: Path, pdf: Path, *, by: str | None = None,
                  supersedes: str | None = None, submitted=None) -> Record:
        """File a rendered and converted form: the .docx, its PDF/A (stamped) and the form."""
        sources = {"original": Path(docx), "pdf": Path(pdf), "form": Path(form_path)}
        check_sources(sources)
        unit_code = self.unit_code_for(form.unit, form.unit_code)
        spec = _Spec(form.type, form.kind, form.display_title, form.date, form.unit, unit_code,
                     form.doc_number, form.issuer, form.classification, form.retention,
                     form.year, self.submitted_date(submitted, form.date))
        return self._file(spec, sources, by=by, supersedes=supersedes)

    def file_import(self, path: Path, *, type: str, title: str, date, unit: str | None = None,
                    unit_code: str | None = None, doc_number: str | None = None,
                    retention: str = "定期30年", classification: str = "公开",
                    pdf: Path | None = None, kind: str | None = None,
                    responsible: str | None = None, campaign_year: int | None = None,
                    by: str | None = None, supersedes: str | None = None,
                    submitted=None, extra: dict[str, Path] | None = None,
                    digitisation: dict | None = None) -> Record:
        """File a document docgen did not make (a received notice, a scan, a .docx).

        `extra`: more files of the 件 by role (a scan's further pages "original-2"…, its
        recognised text "text"); `digitisation`: its 数字化信息 (docgen.scan).
        """
        path = Path(path)
        spec = self.import_spec(path, type=type, title=title, date=date, unit=unit,
                                unit_code=unit_code, doc_number=doc_number,
                                retention=retention, classification=classification,
                                kind=kind, responsible=responsible,
                                campaign_year=campaign_year, submitted=submitted)
        sources = {"original": path}
        if pdf is not None:
            sources["pdf"] = Path(pdf)
        elif path.suffix.lower() == ".pdf":
            sources["pdf"] = path
        sources.update({role: Path(p) for role, p in (extra or {}).items()})
        check_sources(sources)
        if digitisation:
            spec = dataclasses.replace(spec, digitisation=digitisation)
        return self._file(spec, sources, by=by, supersedes=supersedes)

    def import_spec(self, path: Path, *, type: str, title: str, date, unit: str | None = None,
                    unit_code: str | None = None, doc_number: str | None = None,
                    retention: str = "定期30年", classification: str = "公开",
                    kind: str | None = None, responsible: str | None = None,
                    campaign_year: int | None = None, submitted=None) -> _Spec:
        """The fields of an import checked (BadInput/ArchiveError listing every problem)."""
        problems = []
        if type not in records.TYPES:
            problems.append(f"type {type!r} is not one of {', '.join(records.TYPES)}")
        if not (title or "").strip():
            problems.append("the title (题名) is empty — give --title")
        try:
            date = parse_date(date)
        except ValueError as e:
            problems.append(f"date: {e}")
        if retention not in RETENTION_CODES:
            problems.append(f"retention {retention!r} is not a 保管期限; use one of "
                            f"{', '.join(RETENTION_CODES)}")
        if classification not in CLASSIFICATIONS:
            problems.append(f"classification {classification!r} is not a 密级; use one of "
                            f"{', '.join(CLASSIFICATIONS)}")
        if campaign_year is not None and not 1000 <= int(campaign_year) <= 9999:
            problems.append(f"campaign year {campaign_year!r} is not a four-digit year")
        if problems:
            raise _many(BadInput, f"cannot import {path}", problems)
        if unit is None:
            if len(self.settings.units) != 1:
                raise BadInput(f"cannot import {path}: say which unit files it (--unit) — "
                               f"units in the settings: "
                                f"{', '.join(u.name for u in self.settings.units) or 'none'}")
            unit = self.settings.units[0].name
        code = self.unit_code_for(unit, unit_code)
        kind = (kind or "").strip() or DOCUMENT_KINDS.get(type, "其他")
        return _Spec(type, kind, title.strip(), date, unit, code,
                     (doc_number or "").strip() or None, (responsible or "").strip() or unit,
                     classification, retention, int(campaign_year or date.year),
                     self.submitted_date(submitted, date))

    def withdraw(self, filing_number: str, *, reason: str, by: str | None = None) -> Record:
        """Mark a 件 withdrawn (撤回); nothing is deleted."""
        if not (reason or "").strip():
            raise BadInput(f"withdrawing {filing_number}: give the reason (--reason)")
        with self._locked():
            old = self.record(filing_number)
            if old.status != "filed":
                raise ArchiveError(f"{filing_number} is {old.status}, only a filed 件 can be "
                                   "withdrawn")
            who, when = audit.who(by), self.clock().isoformat(timespec="seconds")
            change = txn.Txn(self.root, self.audit_path)
            change.update(filing_number, records.with_action(
                old.metadata, "撤回", when, who, reason.strip(), status="withdrawn"))
            change.commit({"action": "withdraw", "by": who, "time": when,
                           "filing_number": filing_number, "reason": reason.strip()})
            rec = self.record(filing_number)
            rec.notices.extend(self._index([rec]))
            return rec

    def update_settings(self, *, units: list[tuple[str, str]] = (),
                        deadlines: dict[tuple[int, str], dict] | None = None,
                        filing_office: str | None = None, by: str | None = None) -> Settings:
        """Add units, change calendar dates (year, step) -> {"due": date, "start": date}."""
        with self._locked():
            s = settings_mod.load(self.root)
            known = {u.name: u for u in s.units}
            new_units = list(s.units)
            for name, code in units:
                if name in known and known[name].code != code:
                    raise BadInput(f"unit {name!r} already has code {known[name].code}; a code "
                                   "in filed 档号 cannot change")
                if name not in known:
                    new_units.append(Unit(name, code))
            overrides = json.loads(json.dumps(s.overrides))
            for (year, step), change in (deadlines or {}).items():
                slot = overrides.setdefault(str(year), {}).setdefault(step, {})
                for part in ("due", "start"):
                    if change.get(part) is not None:
                        slot[part] = _iso(change[part], f"{year} {step}.{part}")
            new = Settings(s.fonds_code, s.fonds_name, tuple(new_units),
                           filing_office or s.filing_office, overrides)
            problems = settings_mod.check(new)
            if problems:
                raise _many(BadInput, "settings not changed", problems)
            data = settings_mod.encode(new)
            write_atomic(self.root / settings_mod.SETTINGS_NAME, data)
            audit.append(self.audit_path, {
                "action": "settings", "by": audit.who(by),
                "time": self.clock().isoformat(timespec="seconds"),
                "settings_sm3": digests.sm3(data).hexdigest()})
            self.settings = new
            return new

    # --- machinery -----------------------------------------------------------------------
    def submitted_date(self, value, written: dt.date) -> dt.date | None:
        """报送日期: on or after the document's date, not after today."""
        if value is None:
            return None
        try:
            day = parse_date(value)
        except ValueError as e:
            raise BadInput(f"submitted (报送日期): {e}") from None
        if day < written:
            raise BadInput(f"submitted (报送日期) {day.isoformat()} is before the document's "
                           f"date {written.isoformat()} — a document is handed in after it is "
                           "written")
        if day > self.clock().date():
            raise BadInput(f"submitted (报送日期) {day.isoformat()} is in the future")
        return day

    def unit_code_for(self, unit: str, unit_code: str | None = None) -> str:
        """The 机构代码 a filing by `unit` gets; ArchiveError/BadInput when it cannot have one."""
        known = self.settings.unit_code(unit)
        if unit_code:
            if not numbering.CODE.match(unit_code):
                raise BadInput(f"unit code {unit_code!r} must be 1-10 capital letters or digits, "
                               "e.g. GHC")
            if known and known != unit_code:
                raise ArchiveError(f"unit {unit!r} has code {known} in the archive's settings, "
                                   f"not {unit_code} — correct unit_code or the unit's name")
            owner = self.settings.unit_name(unit_code)
            if owner and owner != unit:
                raise ArchiveError(f"unit code {unit_code} belongs to {owner!r} in the "
                                   f"archive's settings, not {unit!r}")
            return unit_code
        if known:
            return known
        raise ArchiveError(
            f"unit {unit!r} is not in the archive's settings and no unit_code is given — "
            f"add it: `docgen init --update --unit '{unit}=CODE'`, or write unit_code in "
             "the form (--unit-code for --import)")

    def _file(self, spec: _Spec, sources: dict[str, Path], *, by, supersedes) -> Record:
        with self._locked():
            old = None
            if supersedes:
                old = self.record(supersedes)
                if old.status != "filed":
                    raise ArchiveError(f"{supersedes} is {old.status}; only the current "
                                       "version of a 件 can be superseded")
            number = numbering.make(self.settings.fonds_code, spec.year, spec.retention,
                                    spec.unit_code, 1)
            number = numbering.make(number.fonds, number.year, number.retention_code,
                                    number.unit_code, self._next_item(number.prefix(), spec.year))
            who, when = audit.who(by), self.clock().isoformat(timespec="seconds")
            entry = {"action": "supersede" if old else "file", "by": who, "time": when,
                     "filing_number": str(number)}
            change = txn.Txn(self.root, self.audit_path)
            try:
                item = change.new_item(str(number))
                files, pages, notices = _stage_files(item, number, sources)
                change.add_record(item, records.new_metadata(
                    number=number, spec=spec, settings=self.settings, files=files, pages=pages,
                    file_id=change.id, who=who, when=when, supersedes=supersedes))
                if old:
                    change.update(old.filing_number, records.with_action(
                        old.metadata, "被替代", when, who, f"superseded by {number}",
                        status="superseded", superseded_by=str(number)))
                    entry["supersedes"] = old.filing_number
            except BaseException:
                change.abort()
                raise
            change.commit(entry)
            done = [self.record(str(number))] + ([self.record(old.filing_number)] if old else [])
            done[0].notices.extend(notices)
            done[0].notices.extend(self._index(done))
            return done[0]

    def _next_item(self, prefix: str, year: int) -> int:
        """One past the highest 件号 on disk in the group `prefix` (the folders are the truth)."""
        try:
            names = os.listdir(self.root / RECORDS / str(year))
        except FileNotFoundError:
            return 1
        items = [int(n[len(prefix):]) for n in names
                 if n.startswith(prefix) and len(n) == len(prefix) + 4 and n[-4:].isdigit()]
        return 1 + max(items, default=0)

    @contextlib.contextmanager
    def batch(self):
        """File many 件, then update the search index once (one commit, not one per 件).

        Each filing is complete and durable as it happens; only the derived index waits for
        the end of the batch. Index notices land on the records they concern.
        """
        outer = self._unindexed is None
        if outer:
            self._unindexed = []
        try:
            yield self
        finally:
            if outer:
                pending, self._unindexed = self._unindexed, None
                # a 件 changed twice in the batch (filed, then superseded): its last state
                latest = {rec.filing_number: rec for rec in pending}
                if latest:
                    first = pending[0]
                    first.notices.extend(self._index_now(list(latest.values())))

    def _index(self, changed: list[Record]) -> list[str]:
        """Tell the derived search index (now, or at the end of a batch); never fails filing."""
        if self._unindexed is not None:
            self._unindexed.extend(changed)
            return []
        return self._index_now(changed)

    def _index_now(self, changed: list[Record]) -> list[str]:
        try:
            from docgen.search import index_records
        except ImportError:
            return []
        try:
            notice = index_records(self, changed)
        except Exception as e:  # noqa: BLE001 - the index is derived; rebuild it later
            names = ", ".join(rec.filing_number for rec in changed)
            return [f"search index not updated for {names}: {type(e).__name__}: {e} "
                    "(run `docgen index` to rebuild)"]
        return [notice] if notice else []

    @contextlib.contextmanager
    def _locked(self):
        """Hold the archive's exclusive lock, after finishing or undoing a killed change."""
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield self.recover()
        finally:
            os.close(fd)  # closing releases the lock

    def recover(self) -> list[str]:
        """Finish the committed change a kill interrupted, delete uncommitted ones.

        Call with the lock held (filing does; verify takes it for this). Returns what was done.
        """
        return txn.recover(self.root, self.audit_path)


def _stage_files(item: Path, number, sources: dict[str, Path]):
    """Put the 件's files in its staging folder: the PDF stamped, the rest copied; each
    digested, fsynced and sealed. Returns (files metadata, 页数, notices)."""
    from docgen.archive import stamp

    name, files, pages, notices = str(number), {}, None, []
    for role, src in sources.items():
        pdfa = None
        if role == "pdf":
            dst = item / f"{name}.pdf"
            pages, pdfa, blank = stamp.stamp(src, dst, lambda p: stamp.StampCells(
                number.fonds, number.year, number.item, number.unit_code,
                number.retention_code, p), find_blank="form" not in sources)
            if not pdfa:
                raise BadInput(f"{src}: the PDF is not PDF/A (no pdfaid in its XMP) — save it "
                               "as PDF/A-2b first (a scanner's or LibreOffice's PDF/A export) "
                               "and file that, or give the PDF/A with --pdf")
            if not blank:
                notices.append(f"{name}: no blank space for the 归档章 in the top band of "
                               "page 1; it was put top centre and may cover text — check the "
                               "filed PDF")
        else:
            dst = item / f"{name}.{role}{src.suffix.lower()}"
            shutil.copyfile(src, dst)
        found, size = digests.digest_file(dst)
        files[role] = {"计算机文件名": dst.name, "计算机文件大小": size,
                       "格式信息": records.format_info(dst, pdfa), "原文件名": src.name,
                       "digests": found}
        txn.seal(dst)
    return files, pages, notices


def check_sources(sources: dict[str, Path]) -> None:
    problems, seen = [], set()
    for role, p in sources.items():
        if p in seen:
            continue
        seen.add(p)
        if not p.exists():
            problems.append(f"{p}: no such file ({role}) — check the path")
        elif not p.is_file():
            problems.append(f"{p}: is not a file ({role})")
        elif p.stat().st_size == 0:
            problems.append(f"{p}: the file is empty ({role})")
    if problems:
        raise _many(BadInput, "cannot file", problems)


def _many(cls, head: str, problems: list[str]):
    """One problem as the message; several as a count and one line each."""
    if len(problems) == 1:
        return cls(f"{head}: {problems[0]}")
    return cls(f"{head}: {len(problems)} problems", problems)


def _iso(value, where: str) -> str:
    try:
        return parse_date(value).isoformat()
    except ValueError as e:
        raise BadInput(f"calendar {where}: {e}") from None


def init_archive(root: str | Path, *, fonds_code: str, fonds_name: str,
                 units: list[tuple[str, str]], filing_office: str = "局监察科",
                 by: str | None = None, clock=None) -> Archive:
    """Create an archive: settings, records/, index/, and the audit log's first entry.

    A new folder is built beside its final name and renamed into place; in an existing empty
    folder the settings file is written last. Either way a killed init leaves no archive, and
    running init again starts over.
    """
    root = Path(root)
    if (root / settings_mod.SETTINGS_NAME).exists():
        raise ArchiveError(f"{root}: is already an archive — "
                           "to change units or dates use `docgen init --update`")
    if root.exists() and not root.is_dir():
        raise ArchiveError(f"{root}: is a file, not a folder — choose another path")
    if root.is_dir() and not _unfinished_init(root):
        raise ArchiveError(f"{root}: the folder is not empty — "
                           "create the archive in a new or empty folder")
    s = Settings(fonds_code, fonds_name, tuple(Unit(n, c) for n, c in units),
                 filing_office, {})
    problems = settings_mod.check(s)
    if problems:
        raise _many(BadInput, "cannot create the archive", problems)
    data = settings_mod.encode(s)
    entry = {"action": "init", "by": audit.who(by),
             "time": (clock or _now)().isoformat(timespec="seconds"),
             "settings_sm3": digests.sm3(data).hexdigest()}
    if root.is_dir():
        _build_skeleton(root, entry, data)
    else:
        root.parent.mkdir(parents=True, exist_ok=True)
        stage = root.parent / f".{root.name}.init-{os.getpid()}"
        shutil.rmtree(stage, ignore_errors=True)
        try:
            stage.mkdir()
            _build_skeleton(stage, entry, data)
            os.rename(stage, root)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        fsync_dir(root.parent)
    return Archive(root, clock=clock)


def _build_skeleton(root: Path, entry: dict, settings_data: bytes) -> None:
    for sub in (RECORDS, INDEX, TMP):
        (root / sub).mkdir(exist_ok=True)
    (root / LOCK).touch()
    log = root / audit.AUDIT_NAME
    log.unlink(missing_ok=True)  # the first entry of an init that was killed: start over
    audit.append(log, entry)
    write_atomic(root / settings_mod.SETTINGS_NAME, settings_data)  # last: now it is an archive


def _unfinished_init(root: Path) -> bool:
    """True when the folder is empty, or holds only what a killed init left (no settings)."""
    skeleton = {README, RECORDS, INDEX, TMP, LOCK, audit.AUDIT_NAME}
    for p in root.iterdir():
        if p.name not in skeleton:
            return False
        if p.is_dir() and any(p.iterdir()):
            return False
    return True
