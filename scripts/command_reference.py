"""Write docs/commands.md: every docgen command's --help, generated from click itself.

    python scripts/command_reference.py          # rewrite docs/commands.md
    python scripts/command_reference.py --check  # exit 1 when docs/commands.md is stale

tests/test_cli.py runs the check, so the reference never drifts from the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
OUT = ROOT / "docs" / "commands.md"


def commands():
    """(full name, click command) for every command and subcommand, in help order."""
    import click

    from docgen.cli import cli

    ctx = click.Context(cli, info_name="docgen")
    out = []

    def walk(group, prefix, ctx):
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            if cmd is None or getattr(cmd, "hidden", False):
                continue
            full = f"{prefix} {name}"
            out.append((full, cmd))
            if isinstance(cmd, click.Group):
                walk(cmd, full, click.Context(cmd, info_name=name, parent=ctx))

    walk(cli, "docgen", ctx)
    return out


def render() -> str:
    """The reference in English, whatever the locale (it is committed; a test compares it)."""
    import click

    from docgen.cli import _click_text, cli, translate_help
    from docgen.i18n import use_cli_language

    use_cli_language("en")
    _click_text.install()  # the help as `docgen` prints it: wrapped by display width
    translate_help(cli)

    parts = ["# docgen command reference",
             "",
             "Generated from the commands' own `--help` by `scripts/command_reference.py`; a test",
             "fails when it is stale. Exit codes: see the README.",
             ""]
    names = [("docgen", cli)] + commands()
    for full, cmd in names:
        info = full.split()
        ctx = click.Context(cmd, info_name=info[-1])
        parent = None
        for word in info[:-1]:
            parent = click.Context(cli, info_name=word, parent=parent)
        ctx = click.Context(cmd, info_name=info[-1], parent=parent, terminal_width=100,
                            max_content_width=100)
        parts += [f"## {full}", "", "```", cmd.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not OUT.is_file() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is stale: run python scripts/command_reference.py",
                  file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
