"""Filing: the Archive, which reads (reading.py) and changes; every change under one lock.

Each change is a transaction (txn.py): staged, committed by its audit entry, moved into
place. The next 件号 comes from the audit log (ledger.py), the highest ever issued in its
group, never from the folders present; before a filing, a cheap check compares what the log
issued with the folders there, and refuses (exit 7) when they disagree.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

from docgen._files import write_atomic
from docgen.archive import audit, digests, numbering, records, txn
from docgen.archive import settings as settings_mod
from docgen.archive.intake import check_sources, many, stage_files
from docgen.archive.ledger import Ledger, duplicate_key
from docgen.archive.options import FilingOptions, ImportOptions
from docgen.archive.reading import LOCK, RECORDS, ArchiveReader
from docgen.archive.records import Record
from docgen.archive.settings import Settings, Unit
from docgen.dates import parse_date
from docgen.errors import ArchiveError, BadInput
from docgen.textcheck import text_problem
from docgen.vocab import CALENDAR_KINDS, RECORD_TYPES, canonical_kind
from docgen.i18n import cli_gettext as _


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


class Archive(ArchiveReader):
    """An archive on disk that can be filed into: `Archive(root)` opens it."""

    def __init__(self, root: str | Path, *, clock=None):
        super().__init__(root, clock=clock)
        self._ledger = Ledger(self.audit_path)

    # --- checking ------------------------------------------------------------------------
    def verify(self, year: int | None = None, *, deep: bool = False, anchor=None,
               known: list[dict] | None = None):
        """四性检测: a VerifyReport listing every problem (finishes a killed filing first,
        unless the audit log's last line lacks its newline: that is reported as found, and the
        next filing repairs it).

        With `anchor` (archive.anchor.Anchor), also prove the log still extends that head."""
        from docgen.archive.verify import verify

        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(self._locked(recover=False))
                # a torn line may be a killed filer's or a tamper: verify must not erase it
                torn = audit.torn_tail(self.audit_path) is not None
                recovered = [] if torn else self.recover()
            except OSError:  # a read-only copy of an archive: check it as it is
                recovered = []
            report = verify(self, year, deep=deep, anchor=anchor, known=known)
            report.recovered = list(recovered)
            return report

    def verify_or_raise(self, year: int | None = None, *, deep: bool = False):
        """Like verify(), but raise VerifyFailed (exit 8) listing every problem."""
        report = self.verify(year, deep=deep)
        report.raise_if_failed()
        return report

    def ledger(self) -> Ledger:
        """What the audit log says was issued, read up to its end."""
        return self._ledger.catch_up()

    # --- filing --------------------------------------------------------------------------
    def file_form(self, form, form_path: Path, docx: Path, pdf: Path,
                  options: FilingOptions | None = None, **fields) -> Record:
        """File a rendered and converted form: the .docx, its PDF/A (stamped) and the form.

        `options` (or its fields as keywords: by, supersedes, submitted, duplicate_ok)."""
        options = options or FilingOptions.build(**fields)
        sources = {"original": Path(docx), "pdf": Path(pdf), "form": Path(form_path)}
        check_sources(sources)
        unit_code = self.unit_code_for(form.unit, form.unit_code)
        spec = _Spec(form.type, form.kind, form.display_title, form.date, form.unit, unit_code,
                     form.doc_number, form.issuer_names, form.classification, form.retention,
                     form.year, self.submitted_date(options.submitted, form.date))
        return self._file(spec, sources, options)

    def file_import(self, path: Path, options: ImportOptions | None = None, *,
                    pdf: Path | None = None, extra: dict[str, Path] | None = None,
                    digitisation: dict | None = None, **fields) -> Record:
        """File a document docgen did not make (a received notice, a scan, a .docx).

        `options` (or its fields as keywords: type, title, date, kind, unit, …); `pdf` is
        its PDF/A when `path` is not one; `extra`: more files of the 件 by role (a scan's
        further pages "original-2"…, its recognised text "text"); `digitisation`: its
        数字化信息 (docgen.scan)."""
        path = Path(path)
        if options is None:
            options = self.import_options(path, **fields)
        spec = self.import_spec(path, options)
        sources = {"original": path}
        if pdf is not None:
            sources["pdf"] = Path(pdf)
        elif path.suffix.lower() == ".pdf":
            sources["pdf"] = path
        sources.update({role: Path(p) for role, p in (extra or {}).items()})
        check_sources(sources)
        if digitisation:
            spec = dataclasses.replace(spec, digitisation=digitisation)
        return self._file(spec, sources, options)

    @staticmethod
    def import_options(path: Path, **fields) -> ImportOptions:
        try:
            return ImportOptions.build(**fields)
        except BadInput as e:
            raise BadInput(_("cannot import {path}: {problem}").format(
                path=path, problem=e.message), e.details) from None

    def import_spec(self, path: Path, options: ImportOptions) -> _Spec:
        """What an import will file, its fields checked against the archive (unit, 文种,
        报送日期): BadInput/ArchiveError before any conversion or OCR is spent on it."""
        unit = options.unit
        if unit is None:
            if len(self.settings.units) != 1:
                raise BadInput(_("cannot import {path}: say which unit files it (--unit) — "
                                 "units in the settings: {units}").format(
                    path=path,
                    units="、".join(u.name for u in self.settings.units) or _("none")))
            unit = self.settings.units[0].name
        kind = None
        if options.kind:
            kind = canonical_kind(options.kind, self.settings.extra_kinds)
            if kind is None:
                known = dict.fromkeys((*CALENDAR_KINDS, *self.settings.extra_kinds))
                raise BadInput(_("cannot import {path}: kind {kind} is not a 文种 the calendar "
                                 "knows — use one of {kinds} (or allow it: docgen init --update "
                                 "--allow-kind NAME)").format(
                    path=path, kind=repr(options.kind), kinds="、".join(known)))
        code = self.unit_code_for(unit, options.unit_code)
        return _Spec(options.type, kind or RECORD_TYPES[options.type], options.title,
                     options.date, unit, code, options.doc_number, options.responsible or unit,
                     options.classification, options.retention,
                     int(options.campaign_year or options.date.year),
                     self.submitted_date(options.submitted, options.date))

    def withdraw(self, filing_number: str, *, reason: str, by: str | None = None) -> Record:
        """Mark a 件 withdrawn (撤回); nothing is deleted."""
        if not (reason or "").strip():
            raise BadInput(_("withdrawing {number}: give the reason (--reason)").format(
                number=filing_number))
        problem = text_problem(reason, multiline=True)
        if problem:
            raise BadInput(_("withdrawing {number}: the reason {problem}").format(
                number=filing_number, problem=problem))
        with self._locked():
            old = self.record(filing_number)
            if old.status != "filed":
                raise ArchiveError(_("{number} is {status}, only a filed 件 can be "
                                     "withdrawn").format(number=filing_number,
                                                         status=_(old.status)))
            who, when = audit.who(by), self.clock().isoformat(timespec="seconds")
            change = txn.Txn(self.root, self.audit_path)
            change.update(filing_number, records.with_action(
                old.metadata, "撤回", when, who, reason.strip(), status="withdrawn"))
            change.commit({"action": "withdraw", "by": who, "time": when,
                           "filing_number": filing_number, "reason": reason.strip()})
            return self.record(filing_number)

    def update_settings(self, *, units: list[tuple[str, str]] = (),
                        deadlines: dict[tuple[int, str], dict] | None = None,
                        filing_office: str | None = None, by: str | None = None,
                        extra_kinds=()) -> Settings:
        """Add units, change calendar dates (year, step) -> {"due": date, "start": date},
        allow more 文种 for imports."""
        with self._locked():
            s = settings_mod.load(self.root)
            known = {u.name: u for u in s.units}
            new_units = list(s.units)
            for name, code in units:
                if name in known and known[name].code != code:
                    raise BadInput(_("unit {name} already has code {code}; a code in filed "
                                     "档号 cannot change").format(name=repr(name),
                                                                  code=known[name].code))
                if name not in known:
                    new_units.append(Unit(name, code))
            overrides = json.loads(json.dumps(s.overrides))
            for (year, step), change in (deadlines or {}).items():
                slot = overrides.setdefault(str(year), {}).setdefault(step, {})
                for part in ("due", "start"):
                    if change.get(part) is not None:
                        slot[part] = _iso(change[part], f"{year} {step}.{part}")
            new = Settings(s.fonds_code, s.fonds_name, tuple(new_units),
                           filing_office or s.filing_office, overrides,
                           tuple(dict.fromkeys((*s.extra_kinds, *extra_kinds))))
            problems = settings_mod.check(new)
            if problems:
                raise many(BadInput, _("settings not changed"), problems)
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
            raise BadInput(_("submitted (报送日期): {problem}").format(problem=e)) from None
        if day < written:
            raise BadInput(_("submitted (报送日期) {day} is before the document's date "
                             "{written} — a document is handed in after it is written").format(
                day=day.isoformat(), written=written.isoformat()))
        if day > self.clock().date():
            raise BadInput(_("submitted (报送日期) {day} is in the future").format(
                day=day.isoformat()))
        return day

    def unit_code_for(self, unit: str, unit_code: str | None = None) -> str:
        """The 机构代码 a filing by `unit` gets; ArchiveError/BadInput when it cannot have one."""
        known = self.settings.unit_code(unit)
        if unit_code:
            if not numbering.CODE.match(unit_code):
                raise BadInput(_("unit code {code} must be 1-10 capital letters or digits, "
                                 "e.g. GHC").format(code=repr(unit_code)))
            if known and known != unit_code:
                raise ArchiveError(_("unit {name} has code {known} in the archive's settings, "
                                     "not {code} — correct unit_code or the unit's name").format(
                    name=repr(unit), known=known, code=unit_code))
            owner = self.settings.unit_name(unit_code)
            if owner and owner != unit:
                raise ArchiveError(_("unit code {code} belongs to {owner} in the archive's "
                                     "settings, not {name} — write the unit as {owner}, or "
                                     "give this unit its own unit_code").format(
                    code=unit_code, owner=repr(owner), name=repr(unit)))
            return unit_code
        if known:
            return known
        raise ArchiveError(_(
            "unit {name} is not in the archive's settings and no unit_code is given — add it: "
            "`docgen init --update --unit '{unit}=CODE'`, or write unit_code in the form "
            "(--unit-code for --import)").format(name=repr(unit), unit=unit))

    def _file(self, spec: _Spec, sources: dict[str, Path], options: FilingOptions) -> Record:
        supersedes = options.supersedes
        with self._locked():
            old = None
            if supersedes:
                old = self.record(supersedes)
                if old.status != "filed":
                    raise ArchiveError(_("{number} is {status}; only the current version of "
                                         "a 件 can be superseded").format(
                        number=supersedes, status=_(old.status)))
            ledger = self.ledger()
            group = numbering.make(self.settings.fonds_code, spec.year, spec.retention,
                                   spec.unit_code, 1)
            self._check_consistent(ledger, group)
            key = duplicate_key(spec.year, spec.unit_code, spec.doc_number, spec.title)
            same = ledger.current.get(key) if key else None
            if same and not supersedes and not options.duplicate_ok:
                raise ArchiveError(_(
                    "{doc_number} 「{title}」 is already filed as {number} — to correct it, "
                    "file with --supersedes {number}; to file it again anyway, "
                    "--duplicate-ok").format(doc_number=spec.doc_number, title=spec.title,
                                              number=same))
            number = numbering.make(group.fonds, group.year, group.retention_code,
                                    group.unit_code, ledger.next_item(group.prefix()))
            who, when = audit.who(options.by), self.clock().isoformat(timespec="seconds")
            entry = {"action": "supersede" if old else "file", "by": who, "time": when,
                     "filing_number": str(number)}
            if key:
                entry["duplicate_key"] = key
            change = txn.Txn(self.root, self.audit_path)
            try:
                item = change.new_item(str(number))
                files, pages, notices = stage_files(item, number, sources)
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
            return done[0]

    def _check_consistent(self, ledger: Ledger, group: numbering.FilingNumber) -> None:
        """The cheap check before filing into a group: the 件 folders present are exactly
        those the audit log issued. ArchiveError (exit 7) naming the first difference."""
        prefix = group.prefix()
        try:
            names = os.listdir(self.root / RECORDS / str(group.year))
        except FileNotFoundError:
            names = []
        present = {int(n[len(prefix):]) for n in names
                   if n.startswith(prefix) and len(n) == len(prefix) + 4 and n[-4:].isdigit()}
        issued = ledger.issued.get(prefix, set())
        gone, unknown = sorted(issued - present), sorted(present - issued)
        if gone or unknown:
            what = (_("{number} was filed (audit log) but its folder is missing").format(
                        number=f"{prefix}{gone[0]:04d}") if gone else
                    _("{number} is on disk but the audit log never issued it").format(
                        number=f"{prefix}{unknown[0]:04d}"))
            raise ArchiveError(_("{root}: the archive is not consistent — {problem}; nothing "
                                 "was filed. Run `docgen verify` and restore the archive from "
                                 "its backup before filing again").format(root=self.root,
                                                                          problem=what))

    @contextlib.contextmanager
    def _locked(self, *, recover: bool = True):
        """Hold the archive's exclusive lock, after finishing or undoing a killed change
        (unless `recover` is False); yields what the recovery did."""
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield self.recover() if recover else []
        finally:
            os.close(fd)  # closing releases the lock

    def recover(self) -> list[str]:
        """Finish the committed change a kill interrupted, delete uncommitted ones.

        Call with the lock held (filing does; verify takes it for this). Returns what was done.
        """
        return txn.recover(self.root, self.audit_path)


def _iso(value, where: str) -> str:
    try:
        return parse_date(value).isoformat()
    except ValueError as e:
        raise BadInput(_("calendar {where}: {problem}").format(where=where, problem=e)) from None
