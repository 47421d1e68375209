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


@dataclass
class BundleCheck:
    """What `bundle verify` found; `ok` when no problem."""

    path: Path
    problems: list[str] = field(default_factory=list)
    info: dict = field(default_factory=dict)  # bag-info.txt
    records: int = 0  # 件 folders in the bag

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unverified(self) -> bool:
        """Made with --allow-unverified from an archive that failed 四性检测."""
        return str(self.info.get("Docgen-Archive-Verified", "")).startswith("no")

    def to_json(self) -> dict:
        return {"path": str(self.path), "ok": self.ok, "records": self.records,
                "unverified": self.unverified, "problems": self.problems,
                "bag_info": self.info}


def verify_bundle(path: str | Path, *, limits: VerifyLimits = VerifyLimits(),
                  workdir: Path | None = None) -> BundleCheck:
    """Check a bundle; raise VerifyFailed (exit 8) naming every problem, else return it."""
    result = check_bundle(path, limits=limits, workdir=workdir)
    if not result.ok:
        raise VerifyFailed(f"{result.path}: the bundle fails verification "
                           f"({len(result.problems)} problem(s))",
                           [*result.problems, "the bundle is not as docgen wrote it: ask for a "
                            "fresh one (`docgen bundle`) from the archive"])
    return result


def check_bundle(path: str | Path, *, limits: VerifyLimits = VerifyLimits(),
                 workdir: Path | None = None) -> BundleCheck:
    """Every problem with a bundle zip, as a BundleCheck; raises only when there is no file."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"{path}: no such file — give the bundle's .zip")
    result = BundleCheck(path)
    try:
        zf = zipfile.ZipFile(path)
    except Exception as e:  # noqa: BLE001 - zipfile raises many kinds on crafted input
        result.problems.append(f"{path}: not a readable zip file ({type(e).__name__}: {e}) "
                               "— the bundle is damaged or is not a bundle")
        return result
    with zf:
        refused = unsafe_entries(zf.infolist(), path.stat().st_size, limits)
        if refused:
            result.problems += [*refused, "nothing was extracted"]
            return result
        with tempfile.TemporaryDirectory(prefix="docgen-verify-", dir=workdir) as tmp:
            dest = Path(tmp)
            result.problems += _extract(zf, dest)
            bag = _bag_root(zf.namelist(), dest)
            if bag is None:
                result.problems.append(f"{path}: no bagit.txt at the top of the zip or of its "
                                       "one folder — not a BagIt bundle")
                return result
            try:
                check_bag(bag, result)
            except Exception as e:  # noqa: BLE001 - bundle verify reports, it never crashes
                result.problems.append(f"{path}: the bundle could not be checked completely "
                                       f"({type(e).__name__}: {str(e)[:200]})")
    return result


def unsafe_entries(infos: list[zipfile.ZipInfo], zip_size: int,
                   limits: VerifyLimits = VerifyLimits()) -> list[str]:
    """Why these zip entries must not be extracted (empty when they are safe)."""
    found, seen, total = [], set(), 0
    if len(infos) > limits.max_entries:
        found.append(f"the zip has {len(infos)} entries, more than the limit of "
                     f"{limits.max_entries}")
    files = {i.filename for i in infos if not i.is_dir()}
    folders = {"/".join(i.filename.split("/")[:k]) for i in infos
               for k in range(1, i.filename.rstrip("/").count("/") + 1)}
    folders |= {i.filename.rstrip("/") for i in infos if i.is_dir()}
    for name in sorted(files & folders):
        found.append(f"{name}: both a file and a folder in the zip")
    for info in infos:
        name = info.filename
        parts = re.split(r"[\\/]", name)
        inner = parts[:-1] if info.is_dir() else parts
        if any(len(p.encode("utf-8", "surrogatepass")) > 255 for p in parts):
            found.append(f"{name[:80]}…: a name in the path is longer than 255 bytes")
        elif any(p in ("", ".") for p in inner) and not name.startswith(("/", "\\")):
            found.append(f"{name!r}: an empty or '.' part in the path")
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
            found.append(f"{name}: absolute path in the zip (would write outside the "
                         "extraction folder)")
        elif ".." in parts:
            found.append(f"{name}: '..' in the path (would write outside the extraction "
                         "folder)")
        elif "\\" in name or "\x00" in name:
            found.append(f"{name!r}: backslash or NUL in the name")
        mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_ISLNK(mode):
            found.append(f"{name}: a symbolic link; a bundle holds only regular files")
        elif info.create_system == 3 and stat.S_IFMT(mode) not in (0, stat.S_IFREG,
                                                                     stat.S_IFDIR):
            found.append(f"{name}: not a regular file (mode {oct(mode)})")
        if info.flag_bits & 0x1:
            found.append(f"{name}: encrypted entry")
        if name in seen:
            found.append(f"{name}: appears twice in the zip")
        seen.add(name)
        total += info.file_size
    bound = limits.bound(zip_size)
    if total > bound:
        found.append(f"the entries declare {total} bytes unpacked, past the bound of {bound} "
                     f"bytes for a {zip_size}-byte zip (a zip bomb, or a bundle bigger than "
                     "VerifyLimits allows)")
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
            problems.append(f"{info.filename}: cannot be unpacked ({type(e).__name__}: {e}) "
                            "— the zip is damaged")
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
        result.problems.append(f"not a valid bag: {e}")
        return result
    result.info = {k: (v[0] if isinstance(v, list) else v) for k, v in b.info.items()}
    result.problems += _bagit_problems(b)
    _check_docgen(bag, b, result)
    return result


def _bagit_problems(b) -> list[str]:
    """Every problem bagit finds; it stops at its first failing stage, so run the rest too."""
    import bagit

    found: list = []
    try:
        b.validate(processes=1)
        return []
    except bagit.BagValidationError as e:
        found += e.details or [_words(e.message)]
        stopped_early = not any(isinstance(d, bagit.ChecksumMismatch) for d in e.details)
    except bagit.BagError as e:
        return [f"bagit: {e}"]
    if stopped_early:
        missing, extra = set(), set()
        try:
            only_manifest, only_disk = b.compare_manifests_with_fs()
            missing = set(only_manifest)
            found += [bagit.FileMissing(p) for p in only_manifest]
            found += [bagit.UnexpectedFile(p) for p in only_disk]
            extra = set(only_disk)
        except (bagit.BagError, OSError) as e:
            found.append(f"bagit: {e}")
        try:
            b._validate_entries(1)  # the digest stage (bagit has no public call for it alone)
        except bagit.BagValidationError as e:
            found += [d for d in e.details if getattr(d, "path", None) not in missing | extra]
        except (bagit.BagError, OSError) as e:
            found.append(f"bagit: {e}")
    out = []
    for d in found:
        text = _detail(d)
        if text not in out:
            out.append(text)
    return out


def _detail(d) -> str:
    import bagit

    if isinstance(d, bagit.ChecksumMismatch):
        return (f"{d.path}: {d.algorithm} digest differs from the manifest (changed after "
                f"bundling): expected {d.expected}, found {d.found}")
    if isinstance(d, bagit.FileMissing):
        return f"{d.path}: listed in the manifest but missing from the bundle (deleted)"
    if isinstance(d, bagit.UnexpectedFile):
        return f"{d.path}: in the bundle but in no manifest (added after bundling)"
    return d if isinstance(d, str) else f"bagit: {d}"


def _words(message: str) -> str:
    if message.startswith("Payload-Oxum"):
        return (f"bag-info.txt Payload-Oxum: {message} — files were added to or removed "
                "from data/")
    return f"bagit: {message}"


def _check_docgen(bag: Path, b, result: BundleCheck) -> None:
    """record.json against the manifest, audit entries, catalogue; appends to result."""
    add = result.problems.append
    info = result.info
    if info.get("Docgen-Bundle-Format") != FORMAT:
        add(f"bag-info.txt: Docgen-Bundle-Format is {info.get('Docgen-Bundle-Format')!r}, "
            f"not {FORMAT!r} — not a docgen bundle, so its catalogue cannot be checked")
        return
    _check_tag_files(bag, add)
    data = bag / "data"
    metas = _records(data, b, add)
    result.records = len(metas)
    claimed = info.get("Docgen-Records-Bundled")
    if claimed != str(len(metas)):
        add(f"bag-info.txt: Docgen-Records-Bundled says {claimed}, but data/ holds "
            f"{len(metas)} 件")
    if info.get("Docgen-Classified-Included") == "no":
        from docgen.vocab import OPEN_CLASSIFICATIONS

        for fn, (__, meta) in metas.items():
            if meta.get("密级") not in OPEN_CLASSIFICATIONS:
                add(f"{fn}: 密级 {meta.get('密级')} in a bundle made without "
                    "--include-classified")
    for name in sorted(TOP_FILES - {MERGED}):
        if not (data / name).is_file():
            add(f"data/{name}: missing")
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
            add(f"{p.name}: a {'folder' if p.is_dir() else 'file'} where a bag has "
                f"{'a file' if p.is_dir() else 'the data/ folder'}")
        else:
            names.add(p.name)
    for name in sorted(names - {"bagit.txt", "bag-info.txt", "data"}):
        if not re.fullmatch(r"(tag)?manifest-[a-z0-9]+\.txt", name):
            add(f"{name}: not part of a docgen bundle (a bag's top holds only bagit.txt, "
                "bag-info.txt, the manifests and data/)")
    for name in sorted(n for n in names if n.startswith("manifest-")):
        if f"tag{name}" not in names:
            add(f"tag{name}: missing — the bag-info and manifests are covered by no digest")
    must = {"bagit.txt", "bag-info.txt"} | {n for n in names if n.startswith("manifest-")}
    for name in sorted(n for n in names if n.startswith("tagmanifest-")):
        try:
            text = (bag / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            add(f"{name}: cannot be read ({e})")
            continue
        listed = {parts[1].strip() for line in text.splitlines()
                  if len(parts := line.strip().split(None, 1)) == 2}
        for missing in sorted(must - listed):
            add(f"{name}: does not list {missing}, so no digest covers it")


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
                raise TypeError("not a JSON object")
            fn = meta["档号"]
            if not isinstance(fn, str):
                raise TypeError(f"档号 is a {type(fn).__name__}")
            n = numbering.parse(fn)
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as e:
            add(f"{rel}/{RECORD}: cannot read the record ({type(e).__name__}: {e})")
            continue
        try:
            _check_record_files(folder, rel, fn, n, meta, manifest, add)
        except Exception as e:  # noqa: BLE001 - one malformed 件 must not hide the rest
            add(f"{rel}/{RECORD}: cannot be checked ({type(e).__name__}: {str(e)[:200]})")
        found[fn] = (raw, meta)
    folders = {data / str(m.get("年度")) / str(m.get("机构代码")) / fn
               for fn, (__, m) in found.items()}
    for p in sorted(data.rglob("*")):
        if p.is_file() and not (p.parent == data and p.name in TOP_FILES
                                or p.parent in folders):
            add(f"{p.relative_to(data.parent).as_posix()}: not part of a docgen bundle "
                "(neither a 件's file nor one of its lists)")
    return dict(sorted(found.items(), key=lambda kv: numbering.parse(kv[0])))


def _check_record_files(folder: Path, rel: str, fn: str, n, meta: dict, manifest, add) -> None:
    """One 件 folder: where it sits, each file its record.json names, nothing else."""
    if (folder.name, folder.parent.name, folder.parent.parent.name) != (
            fn, meta.get("机构代码"), str(meta.get("年度"))):
        add(f"{rel}: the folder does not match its record ({n.year}/{n.unit_code}/{fn} "
            "expected)")
    listed = {RECORD}
    files = meta.get("files")
    if not isinstance(files, dict):
        add(f"{rel}/{RECORD}: its files entry is not an object")
        files = {}
    for role, fi in sorted(files.items()):
        name = fi.get("计算机文件名", "") if isinstance(fi, dict) else None
        if (not isinstance(name, str) or not name or "/" in name or "\\" in name
                or "\0" in name or name in (".", "..")):
            add(f"{rel}/{RECORD}: the {role} file's name {str(name)[:80]!r} is not a "
                "plain file name")
            continue
        listed.add(name)
        rel_file = f"{rel}/{name}"
        if not (folder / name).is_file():
            add(f"{rel_file}: the {role} file named in record.json is missing")
            continue
        recorded = fi.get("digests") if isinstance(fi.get("digests"), dict) else {}
        want = recorded.get("SHA-256")
        have = (manifest.get(rel_file) or {}).get("sha256")
        if want and have and want != have:
            add(f"{rel_file}: SHA-256 differs from the digest recorded at filing in "
                "record.json (replaced, then re-bagged)")
    for p in sorted(folder.iterdir()):
        if p.name not in listed:
            add(f"{rel}/{p.name}: not named in the 件's record.json")


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
            add(f"data/{AUDIT}:{no}: not a JSON object")
            continue
        seq += 1
        if not ok:
            add(f"data/{AUDIT}:{no}: entry {entry.get('seq')!r} does not match its own SM3 "
                "hash (edited)")
        if entry.get("prev") != prev:
            add(f"data/{AUDIT}:{no}: entry {entry.get('seq')!r} does not link to the entry "
                "before it (entries removed, inserted or reordered)")
        if entry.get("seq") != seq:
            add(f"data/{AUDIT}:{no}: entry number {entry.get('seq')!r} where {seq} was expected")
        prev, last = entry.get("hash"), entry
        records_map = entry.get("records")
        if records_map is not None and not isinstance(records_map, dict):
            add(f"data/{AUDIT}:{no}: records is a {type(records_map).__name__}, not an object")
            continue
        for fn, digest in (records_map or {}).items():
            latest[fn] = digest
    if head is not None:
        found = f"{last.get('seq')}:{last.get('hash')}" if isinstance(last, dict) else "none"
        if found != head:
            add(f"data/{AUDIT}: its last entry is {found}, but bag-info.txt records the audit "
                f"head {head} (the log in the bundle was cut or rewritten)")
    for fn, (raw, __) in metas.items():
        if fn not in latest:
            add(f"{fn}: no audit entry records its record.json")
        elif digests.sm3(raw).hexdigest() != latest[fn]:
            add(f"{fn}: record.json differs from the SM3 digest in its latest audit entry "
                "(edited after filing)")


def read_anchor(path: str | Path, *, limits: VerifyLimits = VerifyLimits()):
    """The audit head a bundle carries (bag-info.txt Docgen-Audit-Head) and its audit entries,
    read from the zip without extracting it. BadInput (exit 10) when it carries none."""
    from docgen.archive import anchor

    path = Path(path)
    if not path.is_file():
        raise BadInput(f"{path}: no such file — give the bundle's .zip")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise BadInput(f"{path}: not a readable zip file ({e})") from None
    with zf:
        if unsafe_entries(zf.infolist(), path.stat().st_size, limits):
            raise BadInput(f"{path}: unsafe zip entries — run `docgen bundle verify` on it")
        names = zf.namelist()
        info_name = next((n for n in names if n.count("/") <= 1
                          and n.rsplit("/", 1)[-1] == "bag-info.txt"), None)
        log_name = next((n for n in names if n.endswith(f"data/{AUDIT}")
                         and n.count("/") <= 2), None)
        if info_name is None:
            raise BadInput(f"{path}: no bag-info.txt — not a docgen bundle")
        info = zf.read(info_name)[:1 << 20].decode("utf-8", "replace")
        m = re.search(r"^Docgen-Audit-Head:\s*(\S+)\s*$", info, re.M)
        if not m:
            raise BadInput(f"{path}: its bag-info.txt has no Docgen-Audit-Head (a bundle made "
                           "before docgen recorded it) — use --head SEQ:HASH from a receipt")
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
        add(f"{where}: {e}")
        return
    expected = []
    for i, (fn, (__, meta)) in enumerate(metas.items(), 1):
        try:
            expected.append(catalogue.row(i, meta))
        except (KeyError, ValueError, TypeError) as e:
            add(f"{fn}: record.json lacks what the catalogue needs ({e})")
    have = {r.filing_number: (n, r) for n, r in enumerate(rows, catalogue.HEADER_ROW + 1)}
    for want in expected:
        if want.filing_number not in have:
            add(f"{where}: no row for {want.filing_number}, which is in data/")
            continue
        n, got = have.pop(want.filing_number)
        for col, a, b in zip(catalogue.COLUMNS, got.cells(), want.cells()):
            if a != b:
                add(f"{where} row {n} ({want.filing_number}): {col} is {a!r}, record.json "
                    f"says {b!r}")
    for fn, (n, __) in have.items():
        add(f"{where} row {n}: {fn} is catalogued but not in data/")


def _check_merged(path: Path, metas: dict, add) -> None:
    """The 合订本's bookmarks: one per 件 with a PDF, in 档号 order."""
    want = [f"{fn} {meta.get('题名')}" for fn, (__, meta) in metas.items()
            if "pdf" in (meta.get("files") or {})]
    if not want:
        return
    where = f"data/{MERGED}"
    if not path.is_file():
        add(f"{where}: missing")
        return
    import pikepdf

    try:
        with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
            got = [item.title for item in outline.root]
    except pikepdf.PdfError as e:
        add(f"{where}: cannot open it ({e})")
        return
    if got != want:
        add(f"{where}: its bookmarks do not list the bundled 件 in 档号 order "
            f"({len(got)} bookmarks, {len(want)} 件 with a PDF)")
