"""The `convert` command: Word files to PDF/A-2b through LibreOffice."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli._common import _, conversion_progress, notice
from docgen.errors import ConversionFailed


@click.command()
@click.argument("files", metavar="DOCX...", nargs=-1, required=True,
                type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path),
              help="Folder for the PDFs (default: next to each Word file).")
@click.option("--timeout", type=click.FloatRange(min=1), default=120, show_default=True,
              help="Seconds one document may take before LibreOffice is killed and restarted.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="LibreOffice processes to run at once (default: 2, or 1 on one core).")
@click.pass_context
def convert(ctx, files, out_dir, timeout, workers):
    """Convert Word files (.docx, .doc, .wps, .odt, .rtf) to PDF/A-2b, named STEM.pdf, fonts
    embedded, title and author kept.

    Each PDF is checked before it gets its final name; the files that could not be
    converted are listed on stderr with LibreOffice's reason, and the exit code is 6.

    \b
    Example:
        docgen convert out/plan.docx out/commitment.docx -o pdf/
    """
    from docgen.convert import ConvertOptions
    from docgen.convert import convert as convert_files

    options = ConvertOptions(timeout=timeout, **({"workers": workers} if workers else {}))
    with conversion_progress(ctx, len(files)) as on_done:
        result = convert_files(files, out_dir, options=options, on_done=on_done)
    for src in files:
        if src in result.converted:
            click.echo(result.converted[src])
    for src, why in result.retried.items():
        if src in result.converted:
            notice(ctx, _("docgen: note: %(path)s: converted on the second try (first: "
                          "%(reason)s)") % {"path": src, "reason": why})
    if result.failed:
        raise ConversionFailed(
            _("%(failed)d of %(count)d file(s) could not be converted to PDF/A")
            % {"failed": len(result.failed), "count": len(files)},
            [f"{src}: {why}" for src, why in result.failed.items()])
