"""What enters a 件: the source files checked, then staged (the PDF stamped, the rest copied),
each digested, fsynced and sealed read-only."""

from __future__ import annotations

import shutil
from pathlib import Path

from docgen.archive import digests, records, txn
from docgen.errors import BadInput
from docgen.i18n import cli_gettext as _
from docgen.i18n import cli_ngettext as ngettext


def stage_files(item: Path, number, sources: dict[str, Path]):
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
                raise BadInput(_("{path}: the PDF is not PDF/A (no pdfaid in its XMP) — save "
                                 "it as PDF/A-2b first (a scanner's or LibreOffice's PDF/A "
                                 "export) and file that, or give the PDF/A with --pdf").format(
                                     path=src))
            if not blank:
                notices.append(_("{number}: no blank space for the 归档章 in the top band of "
                                 "page 1; it was put top centre and may cover text — check the "
                                 "filed PDF").format(number=name))
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
            problems.append(_("{path}: no such file ({role}) — check the path").format(
                path=p, role=role))
        elif not p.is_file():
            problems.append(_("{path}: is not a file ({role})").format(path=p, role=role))
        elif p.stat().st_size == 0:
            problems.append(_("{path}: the file is empty ({role})").format(path=p, role=role))
    if problems:
        raise many(BadInput, _("cannot file"), problems)


def many(cls, head: str, problems: list[str]):
    """One problem as the message; several as a count and one line each (`head` translated)."""
    if len(problems) == 1:
        return cls(_("{head}: {problem}").format(head=head, problem=problems[0]))
    return cls(ngettext("{head}: {count} problem", "{head}: {count} problems",
                        len(problems)).format(head=head, count=len(problems)), problems)




def check_suffixes(paths) -> None:
    """Every file is a kind `docgen import` takes (docgen.vocab), or BadInput naming each."""
    from docgen.vocab import IMPORT_SUFFIXES, REFUSED_SUFFIXES

    problems = []
    for p in paths:
        suffix = Path(p).suffix.lower()
        if suffix in REFUSED_SUFFIXES:
            problems.append(f"{p}: {_(REFUSED_SUFFIXES[suffix])}")
        elif suffix not in IMPORT_SUFFIXES:
            problems.append(_("{path}: docgen imports {suffixes} files, not {suffix} — save "
                              "it as PDF, Word or an image").format(
                path=p, suffixes=", ".join(IMPORT_SUFFIXES),
                suffix=suffix or _("files without a suffix")))
    if problems:
        raise many(BadInput, _("cannot import"), problems)
