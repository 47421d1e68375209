"""The generate pipeline: load forms → render → (convert), all-or-nothing on bad input."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from docgen.errors import BadInput, FormError
from docgen.forms import check_forms


@dataclass
class Generated:
    docx: list[Path] = field(default_factory=list)
    pdf: list[Path] = field(default_factory=list)
    failed: dict[Path, str] = field(default_factory=dict)

    @property
    def written(self) -> list[Path]:
        """Each .docx followed by its .pdf, when that was made."""
        pdfs = self.pdf or [None] * len(self.docx)
        return [p for docx, pdf in zip(self.docx, pdfs) for p in (docx, pdf) if p is not None]


def generate_documents(form_paths, out_dir: Path, *, template: Path | None = None,
                       pdf: bool = False, convert_options=None,
                       on_notice: Callable[[str], None] | None = None) -> Generated:
    """Render every form into OUT_DIR/<stem>.docx (and .pdf); write nothing if any is invalid."""
    from docgen.render import _open_template, render_form

    form_paths = [Path(p) for p in form_paths]
    forms, problems = check_forms(form_paths)
    if problems:
        raise FormError(f"{len({p.file for p in problems})} of {len(form_paths)} form file(s) "
                        "invalid; nothing was written", problems)
    targets = [Path(out_dir) / f"{p.stem}.docx" for p in form_paths]
    seen: dict[Path, Path] = {}
    for src, dst in zip(form_paths, targets):
        if dst in seen:
            raise BadInput(f"{src} and {seen[dst]} would both be written to {dst} — "
                           "give the form files different names")
        seen[dst] = src
    if template is not None:
        _open_template(Path(template))  # fail before writing anything
        types = {f.type for f in forms}
        if len(types) > 1:
            raise BadInput(f"--template {template} given for forms of {len(types)} types "
                           f"({', '.join(sorted(types))}) — generate one type at a time")
    if pdf:
        from docgen.convert import ConvertOptions, convert
        from docgen._soffice import require

        require(convert_options or ConvertOptions())  # LibreOffice missing: stop before writing
    result = Generated()
    for form, dst in zip(forms, targets):
        result.docx.append(render_form(form, dst, template))
    if pdf:
        done = convert(result.docx, Path(out_dir), options=convert_options or ConvertOptions())
        result.pdf = [done.converted.get(d) for d in result.docx]
        result.failed = dict(done.failed)
    return result
