"""The archive: filing under DA/T 22, metadata under DA/T 46, 四性检测 under DA/T 70.

    arc = init_archive(Path("archive"), fonds_code="Z109", fonds_name="区建设局",
                       units=[("区建设局规划处", "GHC")])
    rec = arc.file_form(form, form_path, docx, pdf)     # 档号, 归档章, record.json, audit entry
    arc.verify().ok

On disk (the source of truth; everything else is derived from it):

    ARCHIVE/docgen-archive.json          settings: 全宗, units and codes, filing office, calendar
    ARCHIVE/audit.jsonl                  every change, each entry chained to the one before
    ARCHIVE/records/<年度>/<档号>/        one 件: <档号>.original.docx, <档号>.pdf (PDF/A, stamped),
                                         <档号>.form.yaml, record.json (DA/T 46 metadata), all 0444
    ARCHIVE/index/                       the search index (derived; verify ignores it)
    ARCHIVE/.tmp/ and .lock              changes being staged, and the filing lock

Modules: settings (file, units, calendar), numbering (档号), digests (SM3, SHA-256), audit
(the chained log), ledger (what the log issued), stamp (归档章), records (record.json), txn
(kill-safe changes), reading (ArchiveReader: open, list, read), filing (Archive: file, import,
withdraw, supersede), options (what a filing is asked to do), intake (source files into a 件),
create (init_archive), verify (四性检测), status (the calendar rule).
"""

from docgen.archive.records import Record
from docgen.archive.create import init_archive
from docgen.archive.filing import Archive
from docgen.archive.options import FilingOptions, ImportOptions
from docgen.archive.reading import ArchiveReader
from docgen.archive.verify import VerifyProblem, VerifyReport

__all__ = ["Archive", "ArchiveReader", "init_archive", "FilingOptions", "ImportOptions", "Record",
           "VerifyProblem", "VerifyReport"]
