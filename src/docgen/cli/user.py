"""Command `user`: the accounts of `docgen serve` (add, list, disable, passwd, grant)."""

from __future__ import annotations

import sys

import click

from docgen.cli._common import N_, _, echo_json, tsv
from docgen.cli.archive import archive_option
from docgen.errors import BadInput

# the roles as a message names them (clerk → 经办人); the code stays what --role takes
ROLE_NAMES = (N_("clerk"), N_("archivist"), N_("inspector"))
ROLE_HELP = N_("clerk 经办人 (its units), archivist 档案员 (all units), inspector 检查人员 "
               "(reads all)")


def _accounts(archive_root):
    from docgen.accounts import Accounts
    from docgen.archive import Archive

    Archive(archive_root)  # a clear message when there is no archive there
    return Accounts.beside(archive_root)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(_("Password"), hide_input=True, confirmation_prompt=True, err=True)


@click.group()
def user():
    """Manage the accounts that log in to `docgen serve`.

    Accounts live in ARCHIVE/accounts.sqlite3 (passwords hashed with Argon2id); the audit
    log names the account that filed, withdrew or superseded each 件.

    \b
    Example:
        docgen user add zhang --role clerk --unit GHC
        docgen user add li --role inspector && docgen user grant li --classified
        docgen user list
    """


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["clerk", "archivist", "inspector"]), required=True,
              help=ROLE_HELP)
@click.option("--unit", "units", multiple=True, metavar="CODE",
              help="A clerk's unit, by 机构代码 (repeatable).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of stdin (for scripts).")
@archive_option
def user_add(name, role, units, password_stdin, archive_root):
    """Add an account; the password is asked twice (never given on the command line).

    \b
    Example:
        docgen user add zhang --role clerk --unit GHC
        printf '%s\\n' "$PW" | docgen user add wang --role archivist --password-stdin
    """
    accounts = _accounts(archive_root)
    from docgen.archive import Archive

    settings = Archive(archive_root).settings
    unknown = [u for u in units if settings.unit_name(u) is None]
    if unknown:
        known = ", ".join(f"{u.code} ({u.name})" for u in settings.units) or _("none")
        raise BadInput(_("--unit %(units)s: not a unit code of the archive — use one of: "
                         "%(known)s") % {"units": ", ".join(unknown), "known": known})
    account = accounts.add(name, role=role, units=units, password=_password(password_stdin))
    click.echo(_("{name}: account added ({role}; units: {units})").format(
        name=account.name, role=_(account.role), units=" ".join(account.units) or "-"))


@user.command("list")
@archive_option
@click.option("--json", "as_json", is_flag=True, help="Print the accounts as JSON.")
def user_list(archive_root, as_json):
    """List the accounts: name, role, units, classified grant, disabled, locked.

    An account is locked for a while after repeated failed logins on the web page
    (`locked`; its end in --json); `docgen user passwd NAME` lifts the lock.

    \b
    Example:
        docgen user list --archive archive
    """
    store = _accounts(archive_root)
    accounts, locks = store.list(), store.locks()
    if as_json:
        echo_json([{"name": a.name, "role": a.role, "units": list(a.units),
                    "classified": a.classified, "disabled": a.disabled,
                    "locked_until": locks[a.name].isoformat() if a.name in locks else None}
                   for a in accounts])
        return
    for a in accounts:  # name, role, units, flags: codes on tab-separated lines, as --tsv
        flags = [flag for flag, on in (("classified", a.classified), ("disabled", a.disabled),
                                       ("locked", a.name in locks)) if on]
        click.echo(tsv(a.name, a.role, " ".join(a.units) or "-", " ".join(flags) or "-"))


@user.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="Enable the account again instead.")
@archive_option
def user_disable(name, enable, archive_root):
    """Disable an account (its sessions end at once); --enable undoes it.

    \b
    Example:
        docgen user disable zhang
    """
    account = _accounts(archive_root).set_disabled(name, not enable)
    message = (_("{name}: account disabled") if account.disabled
               else _("{name}: account enabled"))
    click.echo(message.format(name=account.name))


@user.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="Read the new password from the first line of stdin.")
@archive_option
def user_passwd(name, password_stdin, archive_root):
    """Set a new password (asked twice); clears a lockout and ends the account's sessions.

    \b
    Example:
        docgen user passwd zhang
    """
    accounts = _accounts(archive_root)
    accounts.get(name)
    account = accounts.set_password(name, _password(password_stdin))
    click.echo(_("{name}: password changed").format(name=account.name))


@user.command("grant")
@click.argument("name")
@click.option("--classified/--no-classified", required=True,
              help="Let an inspector read records of 秘密 and above (or take it back).")
@archive_option
def user_grant(name, classified, archive_root):
    """Give an inspector (or take back) the grant to read classified records.

    \b
    Example:
        docgen user grant li --classified
    """
    account = _accounts(archive_root).grant(name, classified=classified)
    message = (_("{name}: may read classified records") if account.classified
               else _("{name}: may no longer read classified records"))
    click.echo(message.format(name=account.name))
