"""Commands on forms and templates: form new/check/schema, template check, generate."""

from __future__ import annotations

import json
from pathlib import Path

import click

from docgen.cli._common import conversion_progress
from docgen.errors import BadInput, ConversionFailed, FormError, TemplateError
from docgen.models import FORM_TYPES

TYPES = click.Choice(sorted(FORM_TYPES))


@click.group()
def form():
    """Write, check and describe form files.

    \b
    Example:
        docgen form new plan > plan.yaml
        docgen form check plan.yaml
        docgen form schema commitment > commitment.schema.json
    """


@form.command("new")
@click.argument("form_type", metavar="TYPE", type=TYPES)
def form_new(form_type):
    """Print a commented starter form of TYPE (plan, commitment, summary).

    \b
    Example:
        docgen form new commitment > 承诺书.yaml
    """
    from docgen.starters import starter

    click.echo(starter(form_type), nl=False)


@form.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def form_check(files):
    """Validate form files; list every problem as FILE:LINE: field: what — fix.

    \b
    Example:
        docgen form check examples/*.yaml
    """
    from docgen.forms import load_form

    problems, bad = [], 0
    for path in files:
        try:
            f = load_form(path)
        except FormError as e:
            bad += 1
            problems.extend(e.details or [e.message])
            continue
        click.echo(f"{path}: ok ({f.type}, {f.display_title})")
    if problems:
        raise FormError(f"{len(problems)} problem(s) in {bad} of {len(files)} form file(s)",
                        problems)


@form.command("schema")
@click.argument("form_type", metavar="TYPE", type=TYPES)
def form_schema(form_type):
    """Print the JSON Schema of TYPE, for editors that validate as you type.

    \b
    Example:
        docgen form schema plan > plan.schema.json
    """
    schema = FORM_TYPES[form_type].model_json_schema(mode="validation")
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
              help="The form type it is for (default: guessed from the file name).")
def template_check(path, form_type):
    """Report broken tags (with their paragraph) and variables the form type does not define.

    \b
    Example:
        docgen template check templates/plan.docx
    """
    from docgen.render import check_template

    if form_type is None:
        if path.stem not in FORM_TYPES:
            raise BadInput(f"{path}: cannot tell the form type from the name — add "
                           f"--type {'|'.join(FORM_TYPES)}")
        form_type = path.stem
    report = check_template(path, form_type)
    for name in report.unused:
        click.echo(f"{path}: note: the {form_type} form's field {name!r} is not shown")
    problems = report.syntax_errors + [
        f"{path}: uses {{{{ {name} }}}}, which the {form_type} form does not define — "
        f"see `docgen form schema {form_type}`" for name in report.unknown]
    if problems:
        raise TemplateError(f"{path}: {len(problems)} problem(s) in the template", problems)
    click.echo(f"{path}: ok ({form_type})")


@click.command()
@click.argument("forms", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("."),
              show_default=True, help="Folder for the documents.")
@click.option("--template", type=click.Path(path_type=Path),
              help="A .docx template to use instead of the bundled one for the form's type.")
@click.option("--pdf", is_flag=True, help="Also convert each document to PDF/A (LibreOffice).")
@click.option("--duplex", is_flag=True,
              help="With --pdf: for double-sided printing, the 版记 goes on an even page.")
@click.pass_context
def generate(ctx, forms, out_dir, template, pdf, duplex):
    """Render form files into official Word documents (GB/T 9704), named FORM-STEM.docx.

    All forms are checked first; when any is invalid, nothing is written.

    \b
    Example:
        docgen generate examples/plan.yaml examples/commitment.yaml -o out/ --pdf
    """
    from docgen.pipeline import generate_documents

    with conversion_progress(ctx, len(forms) if pdf else 0) as on_converted:
        result = generate_documents(forms, out_dir, template=template, pdf=pdf,
                                    on_converted=on_converted, duplex=duplex)
    for path in result.written:
        click.echo(path)
    for line in result.layout:
        click.echo(f"docgen: warning: {line}", err=True)
    if result.failed:
        raise ConversionFailed(f"{len(result.failed)} of {len(result.docx)} document(s) could "
                               "not be converted to PDF/A",
                               [f"{p}: {why}" for p, why in result.failed.items()])
