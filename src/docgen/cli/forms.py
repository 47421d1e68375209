"""Commands on forms and templates: form new/check/schema, template check, generate."""

from __future__ import annotations

import json
from pathlib import Path

import click

from docgen.cli._common import _, conversion_progress, form_types, notice, table
from docgen.errors import BadInput, ConversionFailed, FormError, TemplateError
from docgen.vocab import FORM_TYPES

TYPES = form_types()


@click.group()
def form():
    """Write, check and describe form files.

    \b
    Example:
        docgen form new plan > plan.yaml
        docgen form check plan.yaml
        docgen form schema commitment > commitment.schema.json
    """


def _archive_option(f):
    return click.option(
        "--archive", "archive_root", type=click.Path(path_type=Path), metavar="ARCHIVE",
        help="Check against this archive: its calendar, and the filed 承诺书 a 践诺情况报告 or "
             "年度工作总结 must report on.")(f)


def _context(archive_root):
    from docgen.archive.commitments import check_context

    if archive_root is None:
        return check_context(None)
    from docgen.archive import Archive

    return check_context(Archive(archive_root))


def _notices(ctx, context) -> None:
    for n in context.notices:
        notice(ctx, _("docgen: warning: %(notice)s") % {"notice": n})


@form.command("new")
@click.argument("form_type", metavar="TYPE", type=TYPES)
@click.option("--xlsx", "as_xlsx", is_flag=True,
              help="Write an Excel workbook (a sheet of fields, a sheet per table); needs -o.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to this file instead of stdout (nothing is overwritten).")
@_archive_option
@click.option("--year", type=int, help="With --archive: the campaign year of the 承诺书.")
@click.option("--unit", help="With --archive: the unit (name or 机构代码) of the 承诺书.")
@click.pass_context
def form_new(ctx, form_type, as_xlsx, output, archive_root, year, unit):
    """Print a commented starter form of TYPE (plan, opinions, commitment, hearing,
    fulfillment, assessment, summary, results — or its 文种, e.g. 承诺书).

    With --archive, --year and --unit, a fulfillment (or summary) lists the commitments of
    the filed 承诺书 of that year and unit, ready to report on.

    \b
    Example:
        docgen form new commitment > 承诺书.yaml
        docgen form new 承诺书 --xlsx -o 承诺书.xlsx
        docgen form new fulfillment --archive archive --year 2011 --unit GHC > 践诺.yaml
    """
    from docgen.starters import starter_data, starter_yaml

    if (year or unit) and archive_root is None:
        raise BadInput(_("--year and --unit go with --archive (they find the filed 承诺书)"))
    if as_xlsx and output is None:
        raise BadInput(_("--xlsx writes a workbook: name it with -o, e.g. -o 承诺书.xlsx"))
    if output is not None and output.exists():
        raise BadInput(_("%(path)s: already exists — choose another name or delete it first")
                       % {"path": output})
    if output is not None and as_xlsx != (output.suffix.lower() == ".xlsx"):
        raise BadInput(_("%(path)s: an .xlsx name goes with --xlsx, a .yaml name without it")
                       % {"path": output})
    prefill = None
    if archive_root is not None:
        from docgen.archive import Archive
        from docgen.archive.commitments import filed_commitment

        if form_type not in ("fulfillment", "summary"):
            raise BadInput(_("--archive pre-fills a fulfillment or summary from the filed 承诺书"))
        if not (year and unit):
            raise BadInput(_("--archive needs --year and --unit, e.g. --year 2011 --unit GHC"))
        try:
            prefill = filed_commitment(Archive(archive_root), year, unit)
        except LookupError as e:
            raise BadInput(_("%(problem)s — file the 承诺书 first") % {"problem": e.args[0]}) \
                from None
    data = starter_data(form_type, prefill)
    if as_xlsx:
        from docgen.xlsx_forms import write

        write(form_type, data, output)
        click.echo(output)
        return
    text = starter_yaml(form_type, data)
    if output is None:
        click.echo(text, nl=False)
    else:
        from docgen._files import write_atomic

        write_atomic(output, text.encode("utf-8"))
        click.echo(output)


@form.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_archive_option
@click.pass_context
def form_check(ctx, files, archive_root):
    """Validate form files (.yaml, .json, .toml or .xlsx); list every problem as
    FILE:LINE: field: what — fix (FILE.xlsx:SHEET!C7 for a workbook).

    \b
    Example:
        docgen form check examples/*.yaml
        docgen form check --archive archive 践诺情况报告.xlsx
    """
    from docgen.forms import load_form

    context = _context(archive_root)
    problems, bad = [], 0
    for path in files:
        try:
            f = load_form(path, context)
        except FormError as e:
            bad += 1
            problems.extend(e.details or [e.message])
            continue
        click.echo(_("%(path)s: ok (%(type)s, %(title)s)")
                   % {"path": path, "type": f.type, "title": f.display_title})
    _notices(ctx, context)
    if problems:
        raise FormError(_("%(problems)d problem(s) in %(bad)d of %(count)d form file(s)")
                        % {"problems": len(problems), "bad": bad, "count": len(files)}, problems)


@form.command("schema")
@click.argument("form_type", metavar="TYPE", type=TYPES)
def form_schema(form_type):
    """Print the JSON Schema of TYPE, for editors that validate as you type.

    \b
    Example:
        docgen form schema plan > plan.schema.json
    """
    from docgen.models import FORM_MODELS

    schema = FORM_MODELS[form_type].model_json_schema(mode="validation")
    click.echo(json.dumps(schema, ensure_ascii=False, indent=2))


@click.group()
def template():
    """Check a Word template against the form types.

    \b
    Example:
        docgen template check my-plan.docx --type plan
    """


@template.command("check")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--type", "form_type", type=TYPES,
              help="The form type it is for (default: the template's own category property "
                   "docgen:TYPE, else its file name).")
def template_check(path, form_type):
    """Report broken or unsafe tags (by paragraph), variables the form type does not define,
    and what a bounded trial render of the example form hits — all that generate refuses.

    \b
    Example:
        docgen template check templates/plan.docx
    """
    from docgen.render import check_template, template_type

    if form_type is None:
        if not path.is_file():
            raise BadInput(_("%(path)s: no such template — check the path") % {"path": path})
        form_type = template_type(path)
        if form_type is None:
            raise BadInput(_("{path}: the template does not say which form it is for (core "
                             "property category docgen:TYPE) and its name does not tell — add "
                             "--type {types}").format(path=path, types="|".join(FORM_TYPES)))
    report = check_template(path, form_type)
    for name in report.unused:
        click.echo(_("%(path)s: note: the %(type)s form's field %(field)r is not shown")
                   % {"path": path, "type": form_type, "field": name})
    problems = report.syntax_errors + [
        _("{path}: uses {{{{ {name} }}}}, which the {type} form does not define — see "
          "`docgen form schema {type}`").format(path=path, name=name, type=form_type)
        for name in report.unknown] + list(
        report.render_errors)
    if problems:
        raise TemplateError(_("%(path)s: %(count)d problem(s) in the template")
                            % {"path": path, "count": len(problems)}, problems)
    click.echo(_("%(path)s: ok (%(type)s)") % {"path": path, "type": form_type})


@template.command("vars")
@click.argument("form_type", metavar="TYPE", type=TYPES)
def template_vars(form_type):
    """List every variable a template of TYPE may use, with what it holds.

    A template is any .docx with {{ name }} tags; it renders in a sandbox and sees these
    names only. Set its core property category to docgen:TYPE (Word: File > Info >
    Properties) and docgen knows which form it is for, whatever the file is called.

    \b
    Example:
        docgen template vars commitment
    """
    from docgen.render import template_vars as names

    for line in table((_("variable"), _("what it holds")),
                      names(form_type)):
        click.echo(line)


@click.command()
@click.argument("forms", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("."),
              show_default=True, help="Folder for the documents.")
@click.option("--template", type=click.Path(path_type=Path),
              help="A .docx template to use instead of the bundled one for the form's type.")
@click.option("--pdf", is_flag=True, help="Also convert each document to PDF/A (LibreOffice).")
@click.option("--force", is_flag=True, help="Overwrite documents already in the output folder "
              "(refused by default: a clerk may have edited them in Word).")
@click.option("--duplex", is_flag=True,
              help="With --pdf: for double-sided printing, the 版记 goes on an even page.")
@click.pass_context
def generate(ctx, forms, out_dir, template, pdf, force, duplex):
    """Render form files into official Word documents (GB/T 9704), named FORM-STEM.docx.

    All forms are checked first; when any is invalid, nothing is written. An existing
    document of the same name is not overwritten (exit 10) unless --force.

    \b
    Example:
        docgen generate examples/plan.yaml examples/commitment.yaml -o out/ --pdf
    """
    from docgen.pipeline import generate_documents

    context = _context(None)
    with conversion_progress(ctx, len(forms) if pdf else 0) as on_converted:
        result = generate_documents(forms, out_dir, template=template, pdf=pdf, force=force,
                                    on_converted=on_converted, context=context, duplex=duplex)
    _notices(ctx, context)
    for path in result.written:
        click.echo(path)
    for line in result.layout:
        click.echo(_("docgen: warning: %(notice)s") % {"notice": line}, err=True)
    if result.failed:
        raise ConversionFailed(_("%(failed)d of %(count)d document(s) could not be converted "
                                 "to PDF/A") % {"failed": len(result.failed),
                                                "count": len(result.docx)},
                               [f"{p}: {why}" for p, why in result.failed.items()])
