"""Forms into GB/T 9704 Word documents through docxtpl, in a sandboxed Jinja environment.

Templates are untrusted input (a clerk's own Word or WPS file): they render with autoescaping,
so `& < >` and `{{ }}` typed in a form come out as text, and in a sandbox, so a template cannot
reach Python internals. A template may use only the variables of `context(form)`.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docgen.dates import format_cn
from docgen.errors import TemplateError
from docgen.models import FORM_TYPES, Form

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CN_DIGITS = "零一二三四五六七八九"
SECTION_TITLES = {
    "plan": [("guiding_ideology", "指导思想"), ("key_problems", "拟解决的重点问题"),
             ("measures", "主要做法"), ("steps", "评议步骤"), ("requirements", "工作要求"),
             ("contact", "信息反馈")],
    "commitment": [],
    "summary": [("fulfilments", "承诺践诺情况"), ("achievements", "主要做法和成效"),
                ("problems", "存在的问题"), ("next_steps", "下一步打算")],
}
# names a template may use besides the form's own fields
DERIVED = {"date_cn", "print_date_cn", "heads", "cn", "kind", "year", "loop", "title_lines"}
# fields that belong to the filing, not to the printed page
NOT_PRINTED = {"type", "unit", "unit_code", "classification", "retention", "seal"}


def cn(n: int) -> str:
    """Chinese numeral for heading numbers: 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def title_lines(title: str) -> list[str]:
    """A long 标题 in lines broken between words, 梯形 or 菱形 (docgen.layout.title)."""
    from docgen.layout.title import break_title

    return break_title(title)


def default_template(form_type: str) -> Path:
    return TEMPLATES / f"{form_type}.docx"


def context(form: Form) -> dict:
    """Everything a template may use: the form's fields, with GB/T 9704 dates and defaults."""
    data = form.model_dump(mode="python")
    data["title"] = form.display_title
    data["title_lines"] = title_lines(form.display_title)
    data["signature"] = form.signature or form.issuer
    data["printed_by"] = form.printed_by or form.issuer
    data["date_cn"] = format_cn(form.date)
    data["print_date_cn"] = format_cn(form.print_date or form.date)
    data["kind"] = form.kind
    data["year"] = form.year
    data["cn"] = cn
    present = [(key, title) for key, title in SECTION_TITLES[form.type] if data.get(key)]
    data["heads"] = dict.fromkeys((key for key, _ in SECTION_TITLES[form.type]), "")
    data["heads"].update({key: f"{cn(i)}、{title}" for i, (key, title) in enumerate(present, 1)})
    for item in data.get("items", []):
        item["deadline_cn"] = format_cn(item["deadline"])
    return data


def _sandbox():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def render_form(form: Form, out_path: Path, template: Path | None = None) -> Path:
    """Render `form` into `out_path` (.docx), written atomically; return the path."""
    from jinja2 import TemplateError as JinjaError
    from jinja2.exceptions import SecurityError

    template = Path(template) if template else default_template(form.type)
    tpl = open_template(template)
    try:
        tpl.render(context(form), jinja_env=_sandbox(), autoescape=True)
    except SecurityError as e:
        raise TemplateError(f"{template}: the template tried something unsafe ({e}) — "
                            "templates may only use the form's values") from None
    except JinjaError as e:
        where = _where(e)
        raise TemplateError(f"{template}{where}: {e.message or e} — run "
                            f"`docgen template check {template} --type {form.type}`") from None
    from docgen.layout.compose import compose

    compose(tpl.docx, seal=form.seal)  # mark size, 署名/日期 places, generation time
    core = tpl.docx.core_properties
    core.title = form.display_title
    core.author = form.issuer
    core.subject = form.kind
    core.keywords = f"民主评议 {form.year} {form.doc_number}"
    core.identifier = form.doc_number
    core.language = "zh-CN"
    core.comments = f"docgen {form.type}"
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".docx.part", dir=out_path.parent)
    os.close(fd)
    try:
        tpl.save(tmp)
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out_path


def open_template(template: Path):
    from docxtpl import DocxTemplate

    if not template.is_file():
        raise TemplateError(f"{template}: no such template — give a .docx made in Word or WPS, "
                            f"or leave out --template to use the bundled one")
    if not zipfile.is_zipfile(template):
        raise TemplateError(f"{template}: not a Word .docx file (not a zip) — save it as .docx")
    try:
        tpl = DocxTemplate(str(template))
        tpl.init_docx()
    except Exception as e:  # python-docx raises a zoo of types for broken packages
        raise TemplateError(f"{template}: Word cannot open it as a .docx ({e}) — "
                            "re-save it in Word or WPS as .docx") from None
    return tpl


def _where(e) -> str:
    lines = [line.strip() for line in getattr(e, "docx_context", None) or [] if line.strip()]
    return f" (near: {' / '.join(lines)[:120]})" if lines else ""


@dataclass(frozen=True)
class TemplateReport:
    """What `template check` found: broken tags, unknown variables, unused fields."""

    path: Path
    form_type: str
    syntax_errors: list[str]
    unknown: list[str]  # used by the template, not defined by the form type
    unused: list[str]  # fields of the form type the template never shows

    @property
    def ok(self) -> bool:
        return not self.syntax_errors and not self.unknown


def check_template(template: Path, form_type: str) -> TemplateReport:
    """Parse every part of a template; report broken tags by paragraph and variable mismatches."""
    from docx.oxml import parse_xml
    from jinja2 import TemplateSyntaxError, meta

    if form_type not in FORM_TYPES:
        raise TemplateError(f"--type {form_type!r} is not a form type — use one of: "
                            f"{', '.join(FORM_TYPES)}")
    template = Path(template)
    tpl = open_template(template)
    env = _sandbox()
    parts = [("body", tpl.xml_to_string(tpl.docx._element.body))]
    for uri, label in ((tpl.HEADER_URI, "header"), (tpl.FOOTER_URI, "footer")):
        for rel in tpl.docx._part.rels.values():
            if rel.reltype == uri and rel.target_part.blob:
                parts.append((label, tpl.xml_to_string(parse_xml(rel.target_part.blob))))
    errors, used = [], set()
    for label, xml in parts:
        src = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))
        try:
            used |= meta.find_undeclared_variables(env.parse(src))
        except TemplateSyntaxError as e:
            lines = src.splitlines()
            text = re.sub(r"<[^>]+>", "", lines[e.lineno - 1]) if e.lineno <= len(lines) else ""
            para = sum(1 for line in lines[: e.lineno] if line.startswith("<w:p"))
            errors.append(f"{template}: {label} paragraph {para} {text.strip()[:60]!r}: "
                          f"{e.message} — fix the tag: {{{{ name }}}}, {{% if … %}}…{{% endif %}}")
    fields = set(FORM_TYPES[form_type].model_fields)
    unknown = sorted(used - fields - DERIVED)
    shown = used | {name[: -len("_cn")] for name in used if name.endswith("_cn")}
    unused = sorted(fields - shown - NOT_PRINTED)
    return TemplateReport(template, form_type, errors, unknown, unused)

