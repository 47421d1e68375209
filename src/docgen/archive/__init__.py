"""The archive: filing under DA/T 22, metadata under DA/T 46, 四性检测 under DA/T 70.

    arc = init_archive(Path("archive"), fonds_code="Z109", fonds_name="区建设局",
                       units=[("区建设局规划处", "GHC")])
    rec = arc.file_form(form, form_path, docx, pdf)     # 档号, 归档章, record.json, audit entry
    arc.verify().ok

The folder on disk is the source of truth; the search index under index/ is derived from it.
"""

from docgen.archive.records import Record
from docgen.archive.store import Archive, init_archive
from docgen.archive.verify import VerifyProblem, VerifyReport

__all__ = ["Archive", "init_archive", "Record", "VerifyProblem", "VerifyReport"]
