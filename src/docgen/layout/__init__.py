"""GB/T 9704-2012 layout: measure what a PDF holds, judge it rule by rule, compose the end.

`check(pdf)` returns a Report (rule, measured, expected, ok per rule); `title.break_title`
breaks a 标题 between words; `fit` adjusts a document whose end LibreOffice laid out badly.
"""

from docgen.layout.rules import Finding, Report, check

__all__ = ["Finding", "Report", "check"]
