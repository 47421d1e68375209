"""verify_bundle: open a bundle zip safely, validate the bag with bagit, check the catalogue.

    refuse unsafe entries (absolute, `..`, links, size past the bound) → extract to a temp
    folder → bagit.Bag(...).validate(), every problem → record.json against the manifest,
    the audit entries and the 归档文件目录 → one list of problems, each named.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from docgen.bundle import catalogue
from docgen.bundle.make import AUDIT, CATALOGUE_PDF, CATALOGUE_XLSX, FORMAT, MERGED, README
from docgen.errors import BadInput, VerifyFailed
from docgen.i18n import cli_gettext as _
from docgen.i18n import cli_ngettext as ngettext

RECORD = "record.json"
TOP_FILES = {CATALOGUE_XLSX, CATALOGUE_PDF, MERGED, AUDIT, README}


@dataclass(frozen=True)
class VerifyLimits:
    """How much a bundle may unpack to: refused before anything is extracted."""

    max_ratio: float = 10.0  # total declared size ≤ this × the zip's size ...
    floor_bytes: int = 64 << 20  # ... or this, whichever is larger (small zips of text)
    max_bytes: int = 16 << 30  # and never more than this
    max_entries: int = 200_000

    def bound(self, zip_size: int) -> int:
        return min(max(int(zip_size * self.max_ratio), self.floor_bytes), self.max_bytes)


class BundleProblem(str):
    """One problem `bundle verify` found: its text, in the user's language, and `code`, the
    kind of problem in a word that never changes (for scripts: `fixity`, `missing`, …)."""

    code: str

    def __new__(cls, code: str, text: str):
        self = super().__new__(cls, text)
        self.code = code
        return self


@dataclass
class BundleCheck:
    """What `bundle verify` found; `ok` when no problem."""

    path: Path
    problems: list[BundleProblem] = field(default_factory=list)
    info: dict = field(default_factory=dict)  # bag-info.txt
    records: int = 0  # 件 folders in the bag

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unverified(self) -> bool:
        """Made with --allow-unverified from an archive that failed 四性检测."""
        return str(self.info.get("Docgen-Archive-Verified", "")).startswith("no")

    def add(self, code: str, text: str) -> None:
        self.problems.append(BundleProblem(code, text))

    def raise_if_failed(self) -> None:
        """VerifyFailed (exit 8) naming every problem, when there is one."""
        if self.ok:
            return
        raise VerifyFailed(ngettext("{path}: the bundle fails verification ({count} problem)",
                                    "{path}: the bundle fails verification ({count} problems)",
                                    len(self.problems)).format(path=self.path,
                                                               count=len(self.problems)),
                           [*self.problems, _("the bundle is not as docgen wrote it: ask for "
                                              "a fresh one (`docgen bundle`) from the "
                                              "archive")])

    def to_json(self) -> dict:
        """`problems` are the texts; `codes` beside them name each problem's kind."""
        return {"path": str(self.path), "ok": self.ok, "records": self.records,
                "unverified": self.unverified, "problems": [str(p) for p in self.problems],
                "codes": [getattr(p, "code", "other") for p in self.problems],
                "bag_info": self.info}


def verify_bundle(path: str | Path, *, limits: VerifyLimits = VerifyLimits(),
                  workdir: Path | None = None) -> BundleCheck:
    """Check a bundle; raise VerifyFailed (exit 8) naming every problem, else return it."""
    result = check_bundle(path, limits=limits, workdir=workdir)
    result.raise_if_failed()
    return result


def check_bundle(path: str | Path, *, limits: VerifyLimits = VerifyLimits(),
                 workdir: Path | None = None) -> BundleCheck:
    """Every problem with a bundle zip, as a BundleCheck; raises only when there is no file."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(_("{path}: no such file — give the bundle's .zip").format(path=path))
    result = BundleCheck(path)
    try:
        zf = zipfile.ZipFile(path)
    except Exception as e:  # noqa: BLE001 - zipfile raises many kinds on crafted input
        result.add("zip", _("{path}: not a readable zip file ({error}) — the bundle is damaged "
                            "or is not a bundle").format(path=path,
                                                         error=f"{type(e).__name__}: {e}"))
        return result
    with zf:
        refused = unsafe_entries(zf.infolist(), path.stat().st_size, limits)
        if refused:
            for text in refused:
                result.add("unsafe", text)
            result.add("unsafe", _("nothing was extracted"))
            return result
        with tempfile.TemporaryDirectory(prefix="docgen-verify-", dir=workdir) as tmp:
            dest = Path(tmp)
            for text in _extract(zf, dest):
                result.add("zip", text)
            bag = _bag_root(zf.namelist(), dest)
            if bag is None:
                result.add("not-a-bag", _("{path}: no bagit.txt at the top of the zip or of "
                                          "its one folder — not a BagIt bundle").format(
                                              path=path))
                return result
            try:
                check_bag(bag, result)
            except Exception as e:  # noqa: BLE001 - bundle verify reports, it never crashes
                result.add("unreadable", _("{path}: the bundle could not be checked completely "
                                           "({error})").format(
                    path=path, error=f"{type(e).__name__}: {str(e)[:200]}"))
    return result


def unsafe_entries(infos: list[zipfile.ZipInfo], zip_size: int,
                   limits: VerifyLimits = VerifyLimits()) -> list[str]:
    """Why these zip entries must not be extracted (empty when they are safe)."""
    found, seen, total = [], set(), 0
    if len(infos) > limits.max_entries:
        found.append(_("the zip has {count} entries, more than the limit of {limit}").format(
            count=len(infos), limit=limits.max_entries))
    files = {i.filename for i in infos if not i.is_dir()}
    folders = {"/".join(i.filename.split("/")[:k]) for i in infos
               for k in range(1, i.filename.rstrip("/").count("/") + 1)}
    folders |= {i.filename.rstrip("/") for i in infos if i.is_dir()}
    for name in sorted(files & folders):
        found.append(_("{name}: both a file and a folder in the zip").format(name=name))
    for info in infos:
        name = info.filename
        parts = re.split(r"[\\/]", name)
        inner = parts[:-1] if info.is_dir() else parts
        if any(len(p.encode("utf-8", "surrogatepass")) > 255 for p in parts):
            found.append(_("{name}…: a name in the path is longer than 255 bytes").format(
                name=name[:80]))
        elif any(p in ("", ".") for p in inner) and not name.startswith(("/", "\\")):
            found.append(_("{name}: an empty or '.' part in the path").format(name=repr(name)))
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
            found.append(_("{name}: absolute path in the zip (would write outside the "
                           "extraction folder)").format(name=name))
        elif ".." in parts:
            found.append(_("{name}: '..' in the path (would write outside the extraction "
                           "folder)").format(name=name))
        elif "\\" in name or "\x00" in name:
            found.append(_("{name}: backslash or NUL in the name").format(name=repr(name)))
        mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_ISLNK(mode):
            found.append(_("{name}: a symbolic link; a bundle holds only regular files").format(
                name=name))
        elif info.create_system == 3 and stat.S_IFMT(mode) not in (0, stat.S_IFREG,
                                                                     stat.S_IFDIR):
            found.append(_("{name}: not a regular file (mode {mode})").format(
                name=name, mode=oct(mode)))
        if info.flag_bits & 0x1:
            found.append(_("{name}: encrypted entry").format(name=name))
        if name in seen:
            found.append(_("{name}: appears twice in the zip").format(name=name))
        seen.add(name)
        total += info.file_size
    bound = limits.bound(zip_size)
    if total > bound:
        found.append(_("the entries declare {total} bytes unpacked, past the bound of {bound} "
                       "bytes for a {size}-byte zip (a zip bomb, or a bundle bigger than "
                       "VerifyLimits allows)").format(total=total, bound=bound, size=zip_size))
    return found


def _extract(zf: zipfile.ZipFile, dest: Path) -> list[str]:
    problems = []
    for info in zf.infolist():
        target = dest / info.filename
        try:
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "xb") as out:
                # zipfile stops at the declared size, so the bound checked above holds
                while chunk := src.read(1 << 20):
                    out.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                NotImplementedError, RuntimeError) as e:
            problems.append(_("{name}: cannot be unpacked ({error}) — the zip is "
                              "damaged").format(name=info.filename,
                                                error=f"{type(e).__name__}: {e}"))
            if not info.is_dir():
                with contextlib.suppress(OSError):
                    target.unlink(missing_ok=True)
    return problems


def _bag_root(names: list[str], dest: Path) -> Path | None:
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) == 1:
        (top,) = tops
        if (dest / top / "bagit.txt").is_file():
            return dest / top
    return dest if (dest / "bagit.txt").is_file() else None


def check_bag(bag: Path, result: BundleCheck | None = None) -> BundleCheck:
    """Validate an unpacked bundle folder: bagit first, then docgen's own checks."""
    import bagit

    result = result or BundleCheck(bag)
    # bagit logs each problem as a warning; the library must not print, the report says it
    logging.getLogger("bagit").addHandler(logging.NullHandler())
    logging.getLogger("bagit").propagate = False
    try:
        b = bagit.Bag(str(bag))
    except bagit.BagError as e:
        result.add("not-a-bag", _("not a valid bag: {error}").format(error=e))
        return result
    result.info = {k: (v[0] if isinstance(v, list) else v) for k, v in b.info.items()}
    for code, text in _bagit_problems(b):
        result.add(code, text)
    _check_docgen(bag, b, result)
    return result


def _bagit_problems(b) -> list[tuple[str, str]]:
    """(code, text) of every problem bagit finds; it stops at its first failing stage, so run
    the rest too."""
    import bagit

    found: list = []
    try:
        b.validate(processes=1)
        return []
    except bagit.BagValidationError as e:
        found += e.details or [_words(e.message)]
        stopped_early = not any(isinstance(d, bagit.ChecksumMismatch) for d in e.details)
    except bagit.BagError as e:
        return [("bagit", f"bagit: {e}")]
    if stopped_early:
        missing, extra = set(), set()
        try:
            only_manifest, only_disk = b.compare_manifests_with_fs()
            missing = set(only_manifest)
            found += [bagit.FileMissing(p) for p in only_manifest]
            found += [bagit.UnexpectedFile(p) for p in only_disk]
            extra = set(only_disk)
        except (bagit.BagError, OSError) as e:
            found.append(("bagit", f"bagit: {e}"))
        try:
            b._validate_entries(1)  # the digest stage (bagit has no public call for it alone)
        except bagit.BagValidationError as e:
            found += [d for d in e.details if getattr(d, "path", None) not in missing | extra]
        except (bagit.BagError, OSError) as e:
            found.append(("bagit", f"bagit: {e}"))
    out = []
    for d in found:
        text = _detail(d)
        if text not in out:
            out.append(text)
    return out


def _detail(d) -> tuple[str, str]:
    """(code, text) of one bagit detail, in the user's language."""
    import bagit

    if isinstance(d, bagit.ChecksumMismatch):
        return "fixity", _("{path}: {algorithm} digest differs from the manifest (changed "
                           "after bundling): expected {expected}, found {found}").format(
            path=d.path, algorithm=d.algorithm, expected=d.expected, found=d.found)
    if isinstance(d, bagit.FileMissing):
        return "missing", _("{path}: listed in the manifest but missing from the bundle "
                            "(deleted)").format(path=d.path)
    if isinstance(d, bagit.UnexpectedFile):
        return "extra", _("{path}: in the bundle but in no manifest (added after "
                          "bundling)").format(path=d.path)
    if isinstance(d, tuple):
        return d
    return "bagit", f"bagit: {d}"


def _words(message: str) -> tuple[str, str]:
    if message.startswith("Payload-Oxum"):
        return "oxum", _("bag-info.txt Payload-Oxum: {message} — files were added to or "
                         "removed from data/").format(message=message)
    return "bagit", f"bagit: {message}"


def _check_docgen(bag: Path, b, result: BundleCheck) -> None:
    """record.json against the manifest, audit entries, catalogue; appends to result."""
    add = result.add
    info = result.info
    if info.get("Docgen-Bundle-Format") != FORMAT:
        add("format", _("bag-info.txt: Docgen-Bundle-Format is {found}, not {wanted} — not a "
                        "docgen bundle, so its catalogue cannot be checked").format(
            found=repr(info.get("Docgen-Bundle-Format")), wanted=repr(FORMAT)))
        return
    _check_tag_files(bag, add)
    data = bag / "data"
    metas = _records(data, b, add)
    result.records = len(metas)
    claimed = info.get("Docgen-Records-Bundled")
    if claimed != str(len(metas)):
        add("count", _("bag-info.txt: Docgen-Records-Bundled says {claimed}, but data/ holds "
                       "{count} 件").format(claimed=claimed, count=len(metas)))
    if info.get("Docgen-Classified-Included") == "no":
        from docgen.vocab import OPEN_CLASSIFICATIONS

        for fn, (__, meta) in metas.items():
            if meta.get("密级") not in OPEN_CLASSIFICATIONS:
                add("classified", _("{number}: 密级 {level} in a bundle made without "
                                    "--include-classified").format(number=fn,
                                                                   level=meta.get("密级")))
    for name in sorted(TOP_FILES - {MERGED}):
        if not (data / name).is_file():
            add("missing", _("{path}: missing").format(path=f"data/{name}"))
    _check_audit(data / AUDIT, metas, add, info.get("Docgen-Audit-Head"))
    _check_catalogue(data / CATALOGUE_XLSX, metas, add)
    _check_merged(data / MERGED, metas, add)


def _check_tag_files(bag: Path, add) -> None:
    """The bag's top holds bagit's files and data/ only, and every payload manifest has its
    tag manifest (docgen always writes one: without it bag-info and the manifests are
    covered by no digest)."""
    names = set()
    for p in bag.iterdir():
        if p.is_dir() != (p.name == "data"):
            add("tag-files", _("{name}: a folder where a bag has a file").format(name=p.name)
                if p.is_dir() else
                _("{name}: a file where a bag has the data/ folder").format(name=p.name))
        else:
            names.add(p.name)
    for name in sorted(names - {"bagit.txt", "bag-info.txt", "data"}):
        if not re.fullmatch(r"(tag)?manifest-[a-z0-9]+\.txt", name):
            add("extra", _("{name}: not part of a docgen bundle (a bag's top holds only "
                           "bagit.txt, bag-info.txt, the manifests and data/)").format(name=name))
    for name in sorted(n for n in names if n.startswith("manifest-")):
        if f"tag{name}" not in names:
            add("tag-files", _("{name}: missing — the bag-info and manifests are covered by no "
                               "digest").format(name=f"tag{name}"))
    must = {"bagit.txt", "bag-info.txt"} | {n for n in names if n.startswith("manifest-")}
    for name in sorted(n for n in names if n.startswith("tagmanifest-")):
        try:
            text = (bag / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            add("tag-files", _("{name}: cannot be read ({error})").format(name=name, error=e))
            continue
        listed = {parts[1].strip() for line in text.splitlines()
                  if len(parts := line.strip().split(None, 1)) == 2}
        for missing in sorted(must - listed):
            add("tag-files", _("{name}: does not list {file}, so no digest covers it").format(
                name=name, file=missing))


def _records(data: Path, b, add) -> dict[str, tuple[bytes, dict]]:
    """{档号: (record.json bytes, parsed)} in 档号 order, checking each 件 folder."""
    from docgen.archive import numbering

    found = {}
    manifest = b.entries
    for meta_path in sorted(data.glob(f"*/*/*/{RECORD}")):
        folder = meta_path.parent
        rel = folder.relative_to(data.parent).as_posix()
        try:
            raw = meta_path.read_bytes()
            meta = json.loads(raw)
            if not isinstance(meta, dict):
                raise TypeError(_("not a JSON object"))
            fn = meta["档号"]
            if not isinstance(fn, str):
                raise TypeError(_("档号 is a {type}").format(type=type(fn).__name__))
            n = numbering.parse(fn)
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as e:
            add("record", _("{path}: cannot read the record ({error})").format(
                path=f"{rel}/{RECORD}", error=f"{type(e).__name__}: {e}"))
            continue
        try:
            _check_record_files(folder, rel, fn, n, meta, manifest, add)
        except Exception as e:  # noqa: BLE001 - one malformed 件 must not hide the rest
            add("record", _("{path}: cannot be checked ({error})").format(
                path=f"{rel}/{RECORD}", error=f"{type(e).__name__}: {str(e)[:200]}"))
        found[fn] = (raw, meta)
    folders = {data / str(m.get("年度")) / str(m.get("机构代码")) / fn
               for fn, (__, m) in found.items()}
    for p in sorted(data.rglob("*")):
        if p.is_file() and not (p.parent == data and p.name in TOP_FILES
                                or p.parent in folders):
            add("extra", _("{path}: not part of a docgen bundle (neither a 件's file nor one "
                           "of its lists)").format(path=p.relative_to(data.parent).as_posix()))
    return dict(sorted(found.items(), key=lambda kv: numbering.parse(kv[0])))


def _check_record_files(folder: Path, rel: str, fn: str, n, meta: dict, manifest, add) -> None:
    """One 件 folder: where it sits, each file its record.json names, nothing else."""
    if (folder.name, folder.parent.name, folder.parent.parent.name) != (
            fn, meta.get("机构代码"), str(meta.get("年度"))):
        add("record", _("{path}: the folder does not match its record ({expected} "
                        "expected)").format(path=rel, expected=f"{n.year}/{n.unit_code}/{fn}"))
    listed = {RECORD}
    files = meta.get("files")
    if not isinstance(files, dict):
        add("record", _("{path}: its files entry is not an object").format(
            path=f"{rel}/{RECORD}"))
        files = {}
    for role, fi in sorted(files.items()):
        name = fi.get("计算机文件名", "") if isinstance(fi, dict) else None
        if (not isinstance(name, str) or not name or "/" in name or "\\" in name
                or "\0" in name or name in (".", "..")):
            add("record", _("{path}: the {role} file's name {name} is not a plain file "
                            "name").format(path=f"{rel}/{RECORD}", role=role,
                                           name=repr(str(name)[:80])))
            continue
        listed.add(name)
        rel_file = f"{rel}/{name}"
        if not (folder / name).is_file():
            add("missing", _("{path}: the {role} file named in record.json is missing").format(
                path=rel_file, role=role))
            continue
        recorded = fi.get("digests") if isinstance(fi.get("digests"), dict) else {}
        want = recorded.get("SHA-256")
        have = (manifest.get(rel_file) or {}).get("sha256")
        if want and have and want != have:
            add("fixity", _("{path}: SHA-256 differs from the digest recorded at filing in "
                            "record.json (replaced, then re-bagged)").format(path=rel_file))
    for p in sorted(folder.iterdir()):
        if p.name not in listed:
            add("extra", _("{path}: not named in the 件's record.json").format(
                path=f"{rel}/{p.name}"))


def _check_audit(path: Path, metas: dict, add, head: str | None = None) -> None:
    """The audit log's chain (each entry's own SM3 hash, its link to the one before, its
    sequence), its last entry against the head in bag-info.txt, and each record.json's digest
    against its latest entry."""
    from docgen.archive import audit, digests

    if not path.is_file():
        return
    latest: dict[str, str] = {}
    prev, seq, last = audit.GENESIS, 0, None
    for no, line in enumerate(path.read_bytes().splitlines(), 1):
        try:
            entry = json.loads(line)
            ok = entry.get("hash") == audit.entry_hash(entry)
        except (ValueError, AttributeError, RecursionError, TypeError):
            add("audit-line", _("{where}: not a JSON object").format(where=f"data/{AUDIT}:{no}"))
            continue
        seq += 1
        if not ok:
            add("audit-hash", _("{where}: entry {seq} does not match its own SM3 hash "
                                "(edited)").format(where=f"data/{AUDIT}:{no}",
                                                   seq=repr(entry.get("seq"))))
        if entry.get("prev") != prev:
            add("audit-link", _("{where}: entry {seq} does not link to the entry before it "
                                "(entries removed, inserted or reordered)").format(
                where=f"data/{AUDIT}:{no}", seq=repr(entry.get("seq"))))
        if entry.get("seq") != seq:
            add("audit-seq", _("{where}: entry number {seq} where {expected} was "
                               "expected").format(where=f"data/{AUDIT}:{no}",
                                                  seq=repr(entry.get("seq")), expected=seq))
        prev, last = entry.get("hash"), entry
        records_map = entry.get("records")
        if records_map is not None and not isinstance(records_map, dict):
            add("audit-entry", _("{where}: records is a {type}, not an object").format(
                where=f"data/{AUDIT}:{no}", type=type(records_map).__name__))
            continue
        for fn, digest in (records_map or {}).items():
            latest[fn] = digest
    if head is not None:
        found = f"{last.get('seq')}:{last.get('hash')}" if isinstance(last, dict) else "none"
        if found != head:
            add("audit-head", _("{where}: its last entry is {found}, but bag-info.txt records "
                                "the audit head {head} (the log in the bundle was cut or "
                                "rewritten)").format(where=f"data/{AUDIT}", found=found,
                                                     head=head))
    for fn, (raw, __) in metas.items():
        if fn not in latest:
            add("unrecorded", _("{number}: no audit entry records its record.json").format(
                number=fn))
        elif digests.sm3(raw).hexdigest() != latest[fn]:
            add("metadata-changed", _("{number}: record.json differs from the SM3 digest in its "
                                      "latest audit entry (edited after filing)").format(
                                          number=fn))


def read_anchor(path: str | Path, *, limits: VerifyLimits = VerifyLimits()):
    """The audit head a bundle carries (bag-info.txt Docgen-Audit-Head) and its audit entries,
    read from the zip without extracting it. BadInput (exit 10) when it carries none."""
    from docgen.archive import anchor

    path = Path(path)
    if not path.is_file():
        raise BadInput(_("{path}: no such file — give the bundle's .zip").format(path=path))
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise BadInput(_("{path}: not a readable zip file ({error})").format(
            path=path, error=e)) from None
    with zf:
        if unsafe_entries(zf.infolist(), path.stat().st_size, limits):
            raise BadInput(_("{path}: unsafe zip entries — run `docgen bundle verify` on "
                             "it").format(path=path))
        names = zf.namelist()
        info_name = next((n for n in names if n.count("/") <= 1
                          and n.rsplit("/", 1)[-1] == "bag-info.txt"), None)
        log_name = next((n for n in names if n.endswith(f"data/{AUDIT}")
                         and n.count("/") <= 2), None)
        if info_name is None:
            raise BadInput(_("{path}: no bag-info.txt — not a docgen bundle").format(path=path))
        info = zf.read(info_name)[:1 << 20].decode("utf-8", "replace")
        m = re.search(r"^Docgen-Audit-Head:\s*(\S+)\s*$", info, re.M)
        if not m:
            raise BadInput(_("{path}: its bag-info.txt has no Docgen-Audit-Head (a bundle made "
                             "before docgen recorded it) — use --head SEQ:HASH from a "
                             "receipt").format(path=path))
        head = anchor.parse(m[1], f"{path} Docgen-Audit-Head")
        entries = []
        if log_name is not None:
            with zf.open(log_name) as f:
                raw = f.read(limits.floor_bytes)
            for line in raw.splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict):
                    entries.append(entry)
        return head, entries


def _check_catalogue(path: Path, metas: dict, add) -> None:
    where = f"data/{CATALOGUE_XLSX}"
    if not path.is_file():
        return
    try:
        rows = catalogue.read_xlsx(path)
    except ValueError as e:
        add("catalogue", f"{where}: {e}")
        return
    expected = []
    for i, (fn, (__, meta)) in enumerate(metas.items(), 1):
        try:
            expected.append(catalogue.row(i, meta))
        except (KeyError, ValueError, TypeError) as e:
            add("record", _("{number}: record.json lacks what the catalogue needs "
                            "({error})").format(number=fn, error=e))
    have = {r.filing_number: (n, r) for n, r in enumerate(rows, catalogue.HEADER_ROW + 1)}
    for want in expected:
        if want.filing_number not in have:
            add("catalogue", _("{where}: no row for {number}, which is in data/").format(
                where=where, number=want.filing_number))
            continue
        n, got = have.pop(want.filing_number)
        for col, a, b in zip(catalogue.COLUMNS, got.cells(), want.cells()):
            if a != b:
                add("catalogue", _("{where} row {row} ({number}): {column} is {found}, "
                                   "record.json says {wanted}").format(
                    where=where, row=n, number=want.filing_number, column=col, found=repr(a),
                    wanted=repr(b)))
    for fn, (n, __) in have.items():
        add("catalogue", _("{where} row {row}: {number} is catalogued but not in data/").format(
            where=where, row=n, number=fn))


def _check_merged(path: Path, metas: dict, add) -> None:
    """The 合订本's bookmarks: one per 件 with a PDF, in 档号 order."""
    want = [f"{fn} {meta.get('题名')}" for fn, (__, meta) in metas.items()
            if "pdf" in (meta.get("files") or {})]
    if not want:
        return
    where = f"data/{MERGED}"
    if not path.is_file():
        add("missing", _("{path}: missing").format(path=where))
        return
    import pikepdf

    try:
        with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
            got = [item.title for item in outline.root]
    except pikepdf.PdfError as e:
        add("merged", _("{path}: cannot open it ({error})").format(path=where, error=e))
        return
    if got != want:
        add("merged", _("{path}: its bookmarks do not list the bundled 件 in 档号 order "
                        "({bookmarks} bookmarks, {records} 件 with a PDF)").format(
            path=where, bookmarks=len(got), records=len(want)))
