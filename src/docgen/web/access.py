"""What an account may see: its units, and records (anything else is "not found")."""

from __future__ import annotations

from docgen.errors import DocgenError
from docgen.web.app import NotFound


def units_for(account, arc):
    """The archive's units whose records the account may read (a clerk: its own)."""
    scope = account.unit_scope()
    return [u for u in arc.settings.units if scope is None or u.code in scope]


def record_for(ctx, arc, number: str):
    """The record, or NotFound: no such 档号, a malformed one, or out of the account's sight."""
    try:
        rec = arc.record(number)
    except DocgenError:
        raise NotFound from None
    if not ctx.account.may_see(rec):
        raise NotFound
    return rec


def visible(ctx, arc, number: str) -> bool:
    try:
        return ctx.account.may_see(arc.record(number))
    except DocgenError:
        return False


def int_or_none(value) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
