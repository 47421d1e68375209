"""One exception root, an exit code per kind of failure.

The exit codes are a stable interface, documented in README.md; scripts rely on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    failure = 1  # an unexpected error: a bug; rerun with --verbose and report it
    usage = 2  # wrong command-line usage (click's own code)
    bad_form = 3  # a form file is unreadable or invalid
    bad_template = 4  # a template is broken or unsafe
    converter_missing = 5  # LibreOffice (or a font it needs) is not installed
    conversion_failed = 6  # some documents could not be converted
    archive_error = 7  # no archive there, bad settings, or a filing refused
    verify_failed = 8  # the archive (or a bundle) failed an integrity check
    bad_query = 9  # a search query could not be parsed
    bad_input = 10  # some other input file or option value is wrong
    status_incomplete = 11  # `status --strict`: a required filing is missing or overdue
    interrupted = 130


class DocgenError(Exception):
    """Root of every error docgen reports to a user; `exit_code` says which kind."""

    exit_code = ExitCode.failure

    def __init__(self, message: str, details: list | None = None):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def lines(self) -> list[str]:
        """The message, then one line per collected detail; a lone detail is the message."""
        if len(self.details) == 1:
            return [str(self.details[0])]
        return [self.message, *(str(d) for d in self.details)]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, and where: FILE:LINE: field.path: what — how to fix."""

    file: str
    line: int | str | None  # 1-based line, or SHEET!C7 in a workbook
    field: str
    what: str
    fix: str = ""

    def __str__(self) -> str:
        # the what and the fix from docgen's fixed set are shown in the language the CLI
        # installed (docgen.i18n); field names and quoted values stay as written
        from docgen.i18n import cli_gettext as _

        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        fix = f" — {_(self.fix)}" if self.fix else ""
        return f"{where}:{field} {_(self.what)}{fix}"


class FormError(DocgenError):
    """A form file is unreadable or invalid; `details` holds every Problem found."""

    exit_code = ExitCode.bad_form


class TemplateError(DocgenError):
    exit_code = ExitCode.bad_template


class ConverterMissing(DocgenError):
    exit_code = ExitCode.converter_missing


class ConversionFailed(DocgenError):
    exit_code = ExitCode.conversion_failed


class ArchiveError(DocgenError):
    exit_code = ExitCode.archive_error


class VerifyFailed(DocgenError):
    exit_code = ExitCode.verify_failed


class QueryError(DocgenError):
    exit_code = ExitCode.bad_query


class BadInput(DocgenError):
    exit_code = ExitCode.bad_input


class StatusIncomplete(DocgenError):
    exit_code = ExitCode.status_incomplete
