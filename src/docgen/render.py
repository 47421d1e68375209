"""Forms into GB/T 9704 Word documents through docxtpl, in a sandboxed Jinja environment.

Templates are untrusted input (a clerk's own Word or WPS file): they render with autoescaping,
so `& < >` and `{{ }}` typed in a form come out as text, and in a sandbox, so a template cannot
reach Python internals. A template may use only the variables of `context(form)`.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docgen._files import replacing
from docgen.dates import format_cn
from docgen.errors import TemplateError
from docgen.i18n import N_
from docgen.i18n import cli_gettext as _
from docgen.models import FORM_MODELS, Form
from docgen.sandbox import LIMITS, Limits
from docgen import render_campaign

CN_DIGITS = "零一二三四五六七八九"
SECTION_TITLES = {
    "plan": [("guiding_ideology", "指导思想"), ("key_problems", "拟解决的重点问题"),
             ("measures", "主要做法"), ("steps", "评议步骤"), ("requirements", "工作要求"),
             ("contact", "信息反馈")],
    "commitment": [],
    "summary": [("fulfilments", "承诺践诺情况"), ("achievements", "主要做法和成效"),
                ("problems", "存在的问题"), ("next_steps", "下一步打算")],
}
# names a template may use besides the form's own fields (`docgen template vars TYPE`)
DERIVED_HELP = {
    "title": N_("标题: the form's title, or 单位 + 年度 + 民主评议 + 文种"),
    "title_lines": N_("the title broken into lines for the 2号 title (梯形/菱形), a list"),
    "date_cn": N_("成文日期 as GB/T 9704 prints it: 2011年4月20日"),
    "print_date_cn": N_("印发日期 the same way (default: 成文日期)"),
    "issuer": N_("发文机关; several (联合行文) joined with 「、」"),
    "issuers": N_("发文机关 as a list, 主办机关 first (one name when not a joint document)"),
    "signature": N_("署名 (default: issuer); several joined with 「、」"),
    "signatures": N_("署名 as a list, one per issuer, 主办机关 first"),
    "signature_rows": N_("署名 rows: one name a row; sealed, up to two short names a row "
                         "(7.3.5.1)"),
    "signer_lines": N_("签发人 in lines of two names (7.2.6), a list of lists"),
    "printed_by": N_("印发机关 (default: issuer, the 主办机关 when several)"),
    "kind": N_("文种 in Chinese, e.g. 承诺书"),
    "year": N_("年度: the year of 成文日期"),
    "heads": N_("section headings numbered 一、二、… for the sections present, by field name"),
    "cn": N_("cn(n): a Chinese numeral for heading numbers, cn(12) → 十二"),
    "loop": N_("Jinja's loop variable inside {% for %}: loop.index, loop.first …"),
    "items[].deadline_cn": N_("(commitment) each item's 完成时限 as 2011年6月30日"),
}
DERIVED = {name for name in DERIVED_HELP if "[" not in name} - {"title", "signature",
                                                                 "printed_by", "issuer"}
TYPE_PROPERTY = "docgen:"  # a template's core property `category`, e.g. docgen:plan
SECTION_TITLES.update(render_campaign.SECTION_TITLES)
DERIVED |= set(render_campaign.DERIVED)
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


SEALED_PAIR_CHARS = 8  # sealed, two 署名 share a row when neither is wider than this


def signature_rows(names: list[str], *, seal: bool) -> list[list[str]]:
    """The 署名 in rows: one a row (7.3.5.2); sealed, two short names side by side, each
    under its own seal (7.3.5.1), the last row's last name over the 成文日期."""
    from docgen.layout.title import width

    if not seal or len(names) < 2 or max(width(n) for n in names) > SEALED_PAIR_CHARS:
        return [[n] for n in names]
    return [names[i:i + 2] for i in range(0, len(names), 2)]


def template_type(template: Path) -> str | None:
    """The form type a template declares (core property category "docgen:TYPE"), else the one
    its file name names (plan.docx, 工作方案模板.docx), else None."""
    from docgen.vocab import FORM_TYPES, form_type_code

    try:
        import docx

        category = (docx.Document(str(template)).core_properties.category or "").strip()
    except Exception:  # noqa: BLE001 - an unreadable template is reported when it is opened
        category = ""
    if category.startswith(TYPE_PROPERTY):
        code = form_type_code(category[len(TYPE_PROPERTY):])
        if code:
            return code
    stem = Path(template).stem
    if form_type_code(stem):
        return form_type_code(stem)
    named = [code for code, kind in FORM_TYPES.items() if kind in stem or code in stem.lower()]
    return named[0] if len(named) == 1 else None


def template_vars(form_type: str) -> list[tuple[str, str]]:
    """(name, what it is) of every variable a template of this type may use."""
    model = FORM_MODELS[form_type]
    out = [(name, _(f.description) if f.description
            else _("form type: {type}").format(type=form_type))
           for name, f in model.model_fields.items()]
    fields = {name for name, __ in out}
    for name, what in DERIVED_HELP.items():
        if name.startswith("items[]") and "items" not in fields:
            continue
        if name in fields:
            out = [(n, _("{field} — in a template: {use}").format(field=d, use=_(what))
                    if n == name else d) for n, d in out]
        else:
            out.append((name, _(what)))
    return out


def default_template(form_type: str) -> Path:
    from docgen import resources

    return resources.template(form_type)


def context(form: Form) -> dict:
    """Everything a template may use: the form's fields, with GB/T 9704 dates and defaults."""
    data = form.model_dump(mode="python")
    data["title"] = form.display_title
    data["title_lines"] = title_lines(form.display_title)
    data["issuer"] = form.issuer_names
    data["issuers"] = form.issuers
    data["signature"] = "、".join(form.signatures)
    data["signatures"] = form.signatures
    data["signature_rows"] = signature_rows(form.signatures, seal=form.seal)
    data["signer_lines"] = [form.signer[i:i + 2] for i in range(0, len(form.signer), 2)]
    data["printed_by"] = form.printed_by or form.issuers[0]
    data["date_cn"] = format_cn(form.date)
    data["print_date_cn"] = format_cn(form.print_date or form.date)
    data["kind"] = form.kind
    data["year"] = form.year
    data["cn"] = cn
    present = [(key, title) for key, title in SECTION_TITLES[form.type] if data.get(key)]
    data["heads"] = dict.fromkeys((key for key, __ in SECTION_TITLES[form.type]), "")
    data["heads"].update({key: f"{cn(i)}、{title}" for i, (key, title) in enumerate(present, 1)})
    if form.type in render_campaign.SECTION_TITLES:
        render_campaign.extend(form, data)
    for item in data.get("items", []):
        if "deadline" in item:
            item["deadline_cn"] = format_cn(item["deadline"])
    return data


def _sandbox(limits: Limits = LIMITS):
    """The bounded sandbox (docgen.sandbox): one per document, its budgets count per use."""
    from docgen.sandbox import environment

    return environment(limits)


def render_form(form: Form, out_path: Path, template: Path | None = None, *,
                limits: Limits = LIMITS) -> Path:
    """Render `form` into `out_path` (.docx), written atomically; return the path.

    In this process: the sandbox bounds what a template may ask for, but only
    `render_documents` (a child process) bounds time and memory.
    """
    from jinja2 import TemplateError as JinjaError
    from jinja2.exceptions import SecurityError

    from docgen.sandbox import TemplateLimit

    template = Path(template) if template else default_template(form.type)
    tpl = open_template(template, limits)
    try:
        tpl.render({**context(form), **render_campaign.images(form, tpl)},
                   jinja_env=_sandbox(limits), autoescape=True)
    except TemplateLimit as e:
        raise TemplateError(_("{template}{near}: {problem} — simplify the template").format(
            template=template, near=_where(e), problem=e)) from None
    except SecurityError as e:
        raise TemplateError(_("{template}: the template tried something unsafe ({problem}) — "
                              "templates may only use the form's values").format(
                                  template=template, problem=e)) from None
    except JinjaError as e:
        raise TemplateError(_("{template}{near}: {problem} — run `docgen template check "
                              "{template} --type {type}`").format(
                                  template=template, near=_where(e), problem=e.message or e,
                                  type=form.type)) from None
    except RecursionError:
        raise TemplateError(_("{template}: the template calls itself too deep (a recursive "
                              "macro?) — simplify the template").format(template=template)) \
            from None
    except MemoryError:
        raise TemplateError(_("{template}: the template needed more memory than rendering may "
                              "use — simplify the template").format(template=template)) from None
    except Exception as e:  # noqa: BLE001 - the template's own code failed ({{ 1/0 }})
        raise TemplateError(_("{template}: the template failed: {problem} — run `docgen "
                              "template check {template} --type {type}`").format(
                                  template=template, problem=f"{type(e).__name__}: "
                                  f"{str(e)[:200]}", type=form.type)) from None
    from docgen.layout.compose import compose

    compose(tpl.docx, seal=form.seal)  # mark size, 署名/日期 places, generation time
    core = tpl.docx.core_properties
    core.title = form.display_title
    core.author = form.issuer_names
    core.subject = form.kind
    core.keywords = f"民主评议 {form.year} {form.doc_number}"
    core.identifier = form.doc_number
    core.language = "zh-CN"
    core.comments = f"docgen {form.type}"
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(out_path) as tmp:  # 0644: a document is read by others
        tpl.save(str(tmp))
    return out_path


def open_template(template: Path, limits: Limits = LIMITS):
    from docxtpl import DocxTemplate

    from docgen.sandbox import check_package

    if not template.is_file():
        raise TemplateError(_("{template}: no such template — give a .docx made in Word or "
                              "WPS, or leave out --template to use the bundled one").format(
                                  template=template))
    if not zipfile.is_zipfile(template):
        raise TemplateError(_("{template}: not a Word .docx file (not a zip) — save it as .docx")
                            .format(template=template))
    check_package(template, limits)  # before python-docx unpacks anything
    try:
        tpl = DocxTemplate(str(template))
        tpl.init_docx()
    except Exception as e:  # python-docx raises a zoo of types for broken packages
        raise TemplateError(_("{template}: Word cannot open it as a .docx ({problem}) — re-save "
                              "it in Word or WPS as .docx").format(template=template, problem=e)) \
            from None
    return tpl


def _where(e) -> str:
    lines = [line.strip() for line in getattr(e, "docx_context", None) or [] if line.strip()]
    return _(" (near: {text})").format(text=" / ".join(lines)[:120]) if lines else ""


@dataclass(frozen=True)
class TemplateReport:
    """What `template check` found: broken or unsafe tags, unknown variables, unused fields,
    and what a trial render with the example form hit (a limit, a runtime error)."""

    path: Path
    form_type: str
    syntax_errors: list[str]
    unknown: list[str]  # used by the template, not defined by the form type
    unused: list[str]  # fields of the form type the template never shows
    render_errors: list[str] = ()  # from rendering the bundled example in the sandbox

    @property
    def ok(self) -> bool:
        return not self.syntax_errors and not self.unknown and not self.render_errors


# block tags that need an end tag; `set` only in its block form ({% set x %}…{% endset %})
_OPENERS = {"for", "if", "macro", "call", "filter", "with", "autoescape", "block", "set",
            "raw", "trans"}
# the parts of a template a problem is found in, as messages name them
PART_NAMES = (N_("body"), N_("header"), N_("footer"), N_("footnotes"))
_SYNTAX_FIX = N_("fix the tag: {{ name }}, {% if … %}…{% endif %}")
_UNSAFE_FIX = N_("templates may only use the form's values, without include, import or `_` "
                 "names")


def check_template(template: Path, form_type: str, *, limits: Limits = LIMITS,
                   trial: bool = True) -> TemplateReport:
    """Check a template as `generate` would use it: its package (sizes), every part's tags
    (broken or unsafe, by paragraph, at the tag that opens a broken block), its variables,
    then — when those pass and `trial` — a bounded render of the bundled example form."""
    from docx.oxml import parse_xml
    from jinja2 import TemplateSyntaxError, meta

    if form_type not in FORM_MODELS:
        raise TemplateError(_("--type {type!r} is not a form type — use one of: {types}").format(
            type=form_type, types=", ".join(FORM_MODELS)))
    template = Path(template)
    tpl = open_template(template, limits)
    env = _sandbox(limits)
    parts = [("body", tpl.xml_to_string(tpl.docx._element.body))]
    for uri, label in ((tpl.HEADER_URI, "header"), (tpl.FOOTER_URI, "footer")):
        for rel in tpl.docx._part.rels.values():
            if rel.reltype == uri and rel.target_part.blob:
                parts.append((label, tpl.xml_to_string(parse_xml(rel.target_part.blob))))
    for part in tpl.docx.part.package.parts:
        if part.content_type.endswith("wordprocessingml.footnotes+xml"):
            parts.append(("footnotes", part.blob.decode("utf-8", "replace")))
    core = tpl.docx.core_properties
    for prop in ("author", "comments", "identifier", "language", "subject", "title"):
        if getattr(core, prop, None):
            parts.append((_("document property {name}").format(name=prop), getattr(core, prop)))
    errors, used = [], set()
    for label, xml in parts:
        src = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))
        try:
            used |= meta.find_undeclared_variables(env.parse(src))
        except TemplateSyntaxError as e:
            lineno = e.lineno
            if (e.message or "").startswith("Unexpected end of template"):
                lineno = _unclosed_block(env, src) or lineno
            lines = src.splitlines()
            text = re.sub(r"<[^>]+>", "", lines[lineno - 1]) if 0 < lineno <= len(lines) else ""
            para = sum(1 for line in lines[:lineno] if line.startswith("<w:p"))
            where = (_("{part} paragraph {number}").format(part=_(label), number=para)
                     if label in ("body", "header", "footer", "footnotes") else _(label))
            fix = _UNSAFE_FIX if "not allowed" in e.message or "(unsafe)" in e.message else (
                _SYNTAX_FIX)
            errors.append(f"{template}: {where} {text.strip()[:60]!r}: {e.message} — {_(fix)}")
    fields = set(FORM_MODELS[form_type].model_fields)
    unknown = sorted(used - fields - DERIVED)
    shown = used | {name[: -len("_cn")] for name in used if name.endswith("_cn")}
    unused = sorted(fields - shown - NOT_PRINTED)
    failed = []
    if trial and not errors and not unknown:
        failed = _trial_render(template, form_type, limits)
    return TemplateReport(template, form_type, errors, unknown, unused, failed)


def _unclosed_block(env, src: str) -> int | None:
    """The line of the innermost block tag left open at the end of `src`."""
    try:
        tokens = [t for t in env.lex(src) if t[1] not in ("whitespace", "data")]
    except Exception:  # noqa: BLE001 - a lexer error: keep Jinja's own line
        return None
    stack: list[int] = []
    for i, (lineno, kind, value) in enumerate(tokens):
        if kind != "block_begin" or i + 1 >= len(tokens) or tokens[i + 1][1] != "name":
            continue
        name = tokens[i + 1][2]
        if name == "set":  # `{% set x = … %}` is a statement, not a block
            head = []
            for t in tokens[i + 2:]:
                if t[1] == "block_end":
                    break
                head.append(t[1:])
            if ("operator", "=") in head:
                continue
        if name in _OPENERS:
            stack.append(lineno)
        elif name.startswith("end") and stack:
            stack.pop()
    return stack[-1] if stack else None


def _trial_render(template: Path, form_type: str, limits: Limits) -> list[str]:
    """Render the bundled example form with the template, bounded; what went wrong, if any."""
    from docgen import forms, resources

    example = resources.example(form_type)
    data, positions = forms.parse(example.read_text(encoding="utf-8"), Path(example.name))
    form = forms.validate(data, positions, example.name)
    with tempfile.TemporaryDirectory(prefix="docgen-check-") as tmp:
        try:
            render_documents([(form, Path(tmp) / "trial.docx")], template, limits=limits)
        except TemplateError as e:
            return [_("rendering the example {type} form: {problem}").format(
                type=form_type, problem=line) for line in e.lines()]
    return []


@dataclass(frozen=True)
class RenderJob:
    form: Form
    out_path: Path  # where the child writes (a staging folder); the parent moves it
    template: Path | None
    limits: Limits


def render_documents(jobs: list[tuple[Form, Path]], template: Path | None = None, *,
                     limits: Limits = LIMITS) -> list[Path]:
    """Render each (form, out_path) in one child process bounded in time and memory
    (docgen.sandbox.run_bounded); return the paths. All or nothing: the child writes into a
    hidden staging folder beside each output, and files are moved to their names only
    when every document rendered. A template past a bound is TemplateError (exit 4).
    """
    import shutil

    from docgen.sandbox import run_bounded

    if template is not None:
        open_template(Path(template), limits)  # a bad package fails here, before the fork
    staged: list[RenderJob] = []
    stages: dict[Path, Path] = {}
    made: list[Path] = []  # output folders this call created: gone again on failure
    done = False
    try:
        for i, (form, out) in enumerate(jobs):
            folder = Path(out).parent
            if folder not in stages:
                missing = [p for p in (folder, *folder.parents) if not p.exists()]
                folder.mkdir(parents=True, exist_ok=True)
                made += missing
                stages[folder] = Path(tempfile.mkdtemp(prefix=".docgen-render-", dir=folder))
            staged.append(RenderJob(form, stages[folder] / f"{i:04d}.docx",
                                    Path(template) if template else None, limits))
        # titles break between words (docgen.layout.title, jieba): load the dictionary once
        # in this process, so every child forked from it has it (0.7 s each time otherwise)
        from docgen.search.analysis import load_jieba

        load_jieba()
        results = run_bounded(_render_job, staged, limits=limits, what="rendering")
        for (__, out), path in zip(jobs, results):
            os.replace(path, out)
        done = True
        return [Path(out) for __, out in jobs]
    finally:
        for stage in stages.values():
            shutil.rmtree(stage, ignore_errors=True)
        for folder in made if not done else ():
            with contextlib.suppress(OSError):
                folder.rmdir()  # deepest first; only when empty


def _render_job(job: RenderJob) -> Path:
    return render_form(job.form, job.out_path, job.template, limits=job.limits)
