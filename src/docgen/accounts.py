"""Accounts of the web pages: who may read and file what (roles, units, 涉密 grant), and sessions.

    accounts = Accounts.beside(archive_root)        # ARCHIVE/accounts.sqlite3
    accounts.add("zhang", role="clerk", units=["GHC"], password="…")
    who = accounts.login("zhang", "…")              # LoginRefused when wrong, locked or disabled
    token = accounts.start_session(who.name)

One SQLite file kept with the archive's settings, outside what 四性检测 counts as records.
Passwords are hashed with Argon2id; session tokens are stored as their SHA-256 only, so a copy
of the file lets nobody in. Failed logins are counted in the same file (per account name and
per client address), so a restart or a second server on the archive does not forget them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import BadInput
from docgen.i18n import cli_gettext as _
from docgen.vocab import OPEN_CLASSIFICATIONS

ACCOUNTS_NAME = "accounts.sqlite3"
# role -> its Chinese name
ROLES: dict[str, str] = {"clerk": "经办人", "archivist": "档案员", "inspector": "检查人员"}
MIN_PASSWORD = 8
MAX_FAILURES = 5  # consecutive wrong passwords before the account is locked for LOCKOUT
LOCKOUT = dt.timedelta(minutes=15)
ADDRESS_FAILURES = 10  # failed logins from one client address within ADDRESS_WINDOW …
ADDRESS_WINDOW = dt.timedelta(minutes=5)  # … block that address until the window has passed
FORGET_FAILURES = dt.timedelta(days=1)  # failures older than this (and no lock) are forgotten
SESSION_IDLE = dt.timedelta(minutes=30)
SESSION_MAX = dt.timedelta(hours=10)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, units TEXT NOT NULL DEFAULT '',
    classified INTEGER NOT NULL DEFAULT 0, disabled INTEGER NOT NULL DEFAULT 0,
    password TEXT NOT NULL, failures INTEGER NOT NULL DEFAULT 0, locked_until TEXT,
    created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    token_sha256 TEXT PRIMARY KEY, name TEXT NOT NULL REFERENCES accounts(name),
    csrf TEXT NOT NULL, started TEXT NOT NULL, last_seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS login_failures (
    scope TEXT NOT NULL, key TEXT NOT NULL, failures INTEGER NOT NULL,
    first_failed TEXT NOT NULL, locked_until TEXT, PRIMARY KEY (scope, key));
"""
# login_failures.scope: "account" (any name typed, known or not, so a lock tells nobody which
# names exist) or "address" (the client's address, whatever names it tries)


class AccountError(BadInput):
    """An account command cannot be done (exit 10): unknown name, bad role, weak password."""


class LoginRefused(AccountError):
    """Wrong name or password, a disabled account, a name locked after repeated failures, or
    an address with too many failures (`reason`: wrong, disabled, locked, throttled)."""

    def __init__(self, message: str, *, reason: str = "wrong",
                 locked_until: dt.datetime | None = None):
        super().__init__(message)
        self.reason = reason
        self.locked_until = locked_until


@dataclass(frozen=True)
class Account:
    name: str
    role: str  # clerk, archivist, inspector
    units: tuple[str, ...]  # 机构代码 a clerk works for (empty for the other roles)
    classified: bool  # an inspector's explicit grant to read 秘密 and above
    disabled: bool

    @property
    def role_name(self) -> str:
        return ROLES[self.role]

    def may_see(self, record) -> bool:
        """Whether the record exists for this account (everything else is 'not found')."""
        if record.classification not in OPEN_CLASSIFICATIONS:
            if not (self.role == "archivist" or (self.role == "inspector" and self.classified)):
                return False
        return self.role != "clerk" or record.unit_code in self.units

    def may_file(self, unit_code: str) -> bool:
        """Fill, generate, file and import for a unit."""
        return self.role == "archivist" or (self.role == "clerk" and unit_code in self.units)

    @property
    def may_file_any(self) -> bool:
        return self.role == "archivist" or (self.role == "clerk" and bool(self.units))

    @property
    def may_correct(self) -> bool:
        """撤回 and 更正 (supersede)."""
        return self.role == "archivist"

    @property
    def may_inspect(self) -> bool:
        """四性检测 and 打包."""
        return self.role in ("archivist", "inspector")

    @property
    def sees_classified(self) -> bool:
        return self.role == "archivist" or (self.role == "inspector" and self.classified)

    def unit_scope(self) -> tuple[str, ...] | None:
        """The unit codes whose records it may read; None for all units."""
        return self.units if self.role == "clerk" else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(t: dt.datetime) -> str:
    """UTC, always with microseconds: these strings are compared in SQL."""
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """The accounts file; each call opens its own connection, so threads may share one."""

    def __init__(self, path: str | Path, *, hasher=None, clock=None):
        from argon2 import PasswordHasher, Type

        self.path = Path(path)
        self.hasher = hasher or PasswordHasher(type=Type.ID)
        self.clock = clock or _now
        with closing(self._connect()) as db, db:
            db.executescript(_SCHEMA)
        try:
            self.path.chmod(0o600)
        except OSError:
            pass

    @classmethod
    def beside(cls, archive_root: str | Path, **kw) -> Accounts:
        """The accounts of the archive at archive_root (created empty when missing)."""
        root = Path(archive_root)
        if not root.is_dir():
            raise AccountError(_("{path}: no archive there — create it with `docgen init`")
                               .format(path=root))
        return cls(root / ACCOUNTS_NAME, **kw)

    def _connect(self, write: bool = True) -> sqlite3.Connection:
        """A connection inside a transaction (`with db:` commits it, or rolls back)."""
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout = 10000")
        db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        return db

    # --- accounts ----------------------------------------------------------------------
    def add(self, name: str, *, role: str, password: str, units=()) -> Account:
        name = (name or "").strip()
        problems = []
        if not name or any(c.isspace() for c in name) or len(name) > 64:
            problems.append(_("name {name!r}: 1-64 characters, no spaces").format(name=name))
        if role not in ROLES:
            problems.append(_("role {role!r} is not one of {roles}").format(
                role=role, roles=", ".join(ROLES)))
        units = tuple(dict.fromkeys(u.strip() for u in units if u.strip()))
        if role == "clerk" and not units:
            problems.append(_("a clerk works for at least one unit: give --unit CODE"))
        if role != "clerk" and units:
            problems.append(_("only clerks are assigned units; a {role} reads all units").format(
                role=_(role)))
        problems += _password_problems(password)
        if problems:
            raise AccountError(_("cannot add {name!r}: {problems}").format(
                name=name, problems="; ".join(problems)))
        with closing(self._connect()) as db, db:
            if db.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
                raise AccountError(_("account {name!r} exists already — `docgen user passwd` "
                                     "changes its password").format(name=name))
            db.execute("INSERT INTO accounts (name, role, units, password, created) "
                       "VALUES (?, ?, ?, ?, ?)", (name, role, " ".join(units),
                                                  self.hasher.hash(password),
                                                  self.clock().isoformat()))
        return self.get(name)

    def get(self, name: str) -> Account:
        with closing(self._connect(write=False)) as db, db:
            row = db.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountError(_no_account(name))
        return _account(row)

    def list(self) -> list[Account]:
        with closing(self._connect(write=False)) as db, db:
            rows = db.execute("SELECT * FROM accounts ORDER BY name").fetchall()
        return [_account(r) for r in rows]

    def locks(self) -> dict[str, dt.datetime]:
        """The names locked now by failed logins (known or not), with when each lock ends;
        `set_password` lifts one."""
        now = _iso(self.clock())
        with closing(self._connect(write=False)) as db, db:
            rows = db.execute("SELECT key, locked_until FROM login_failures WHERE scope = "
                              "'account' AND locked_until > ?", (now,)).fetchall()
        return {key: dt.datetime.fromisoformat(until) for key, until in rows}

    def set_disabled(self, name: str, disabled: bool = True) -> Account:
        """Disable (or enable) an account; a disabled one's sessions end at once."""
        with closing(self._connect()) as db, db:
            self._update(db, name, "disabled = ?", (int(disabled),))
            if disabled:
                db.execute("DELETE FROM sessions WHERE name = ?", (name,))
        return self.get(name)

    def set_password(self, name: str, password: str) -> Account:
        """A new password; clears a lockout and ends the account's sessions."""
        problems = _password_problems(password)
        if problems:
            raise AccountError(_("password of {name!r} not changed: {problems}").format(
                name=name, problems="; ".join(problems)))
        with closing(self._connect()) as db, db:
            self._update(db, name, "password = ?, failures = 0, locked_until = NULL",
                         (self.hasher.hash(password),))
            db.execute("DELETE FROM sessions WHERE name = ?", (name,))
            db.execute("DELETE FROM login_failures WHERE scope = 'account' AND key = ?",
                       (name,))
        return self.get(name)

    def grant(self, name: str, *, classified: bool) -> Account:
        """The explicit grant an inspector needs to read records of 秘密 and above."""
        account = self.get(name)
        if classified and account.role != "inspector":
            raise AccountError(_("{name!r} is a {role}: only inspectors take the classified "
                                 "grant (archivists read every record, clerks none "
                                 "classified)").format(name=name, role=_(account.role)))
        with closing(self._connect()) as db, db:
            self._update(db, name, "classified = ?", (int(classified),))
        return self.get(name)

    @staticmethod
    def _update(db, name: str, assignment: str, values: tuple) -> None:
        cur = db.execute(f"UPDATE accounts SET {assignment} WHERE name = ?", (*values, name))
        if cur.rowcount == 0:
            raise AccountError(_no_account(name))

    # --- logging in --------------------------------------------------------------------
    def login(self, name: str, password: str, *, address: str | None = None) -> Account:
        """The account when the password is right; LoginRefused otherwise.

        An unknown name and a wrong password read the same. MAX_FAILURES wrong passwords in
        a row lock the name (known or not) for LOCKOUT; ADDRESS_FAILURES failed logins from
        one `address` within ADDRESS_WINDOW block that address for the window. While locked
        or blocked the password is not even checked: a right one is refused with the same
        words as a wrong one. The counts live in the file, so they hold across restarts and
        server processes. The slow Argon2 check runs outside any transaction, so logins
        never queue on the file's write lock.
        """
        from argon2.exceptions import InvalidHashError, VerificationError

        now = self.clock()
        keys = [("account", name)] + ([("address", address)] if address else [])
        blocked = self._blocked(keys, now)
        if blocked is not None:
            self._failed(keys[1:], now)  # tries against a lock still count for the address
            raise blocked
        with closing(self._connect(write=False)) as db, db:
            row = db.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
        if row is None:
            self.hasher.hash(password or "x")  # the same time as a real check
            right = False
        else:
            try:
                self.hasher.verify(row["password"], password or "")
                right = True
            except (VerificationError, InvalidHashError):
                right = False
        if not right:
            raise self._failed(keys, now) or _wrong()
        if row["disabled"]:
            self._failed(keys[1:], now)
            raise LoginRefused(_("this account is disabled — ask an archivist"),
                               reason="disabled")
        rehashed = (self.hasher.hash(password) if self.hasher.check_needs_rehash(row["password"])
                    else row["password"])
        with closing(self._connect()) as db, db:
            db.execute("UPDATE accounts SET password = ? WHERE name = ? AND password = ?",
                       (rehashed, name, row["password"]))
            db.execute("DELETE FROM login_failures WHERE scope = 'account' AND key = ?",
                       (name,))
        return _account(row)

    def _blocked(self, keys, now: dt.datetime) -> LoginRefused | None:
        """The refusal for a locked name or a blocked address among `keys`, if any."""
        with closing(self._connect(write=False)) as db, db:
            for scope, key in keys:
                row = db.execute("SELECT locked_until FROM login_failures WHERE scope = ? AND "
                                 "key = ? AND locked_until > ?",
                                 (scope, key, _iso(now))).fetchone()
                if row is not None:
                    return _refusal(scope, dt.datetime.fromisoformat(row[0]), now)
        return None

    def _failed(self, keys, now: dt.datetime) -> LoginRefused | None:
        """Count one failure for each key, in one transaction; the refusal for the first key
        this failure locks, if any. A lock running stays as it is; one that ended, or an
        address's window that passed, starts the count again."""
        limits = {"account": (MAX_FAILURES, LOCKOUT, None),
                  "address": (ADDRESS_FAILURES, ADDRESS_WINDOW, ADDRESS_WINDOW)}
        locked = None
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM login_failures WHERE first_failed < ? AND "
                       "(locked_until IS NULL OR locked_until < ?)",
                       (_iso(now - FORGET_FAILURES), _iso(now)))
            for scope, key in keys:
                limit, lock_for, window = limits[scope]
                row = db.execute("SELECT * FROM login_failures WHERE scope = ? AND key = ?",
                                 (scope, key)).fetchone()
                failures, first = 1, now
                if row is not None:
                    until = row["locked_until"] and dt.datetime.fromisoformat(row["locked_until"])
                    if until and until > now:
                        continue
                    first = dt.datetime.fromisoformat(row["first_failed"])
                    if not until and not (window is not None and now - first > window):
                        failures = row["failures"] + 1
                    else:
                        first = now
                until = now + lock_for if failures >= limit else None
                db.execute("INSERT OR REPLACE INTO login_failures VALUES (?, ?, ?, ?, ?)",
                           (scope, key, failures, _iso(first), until and _iso(until)))
                if until is not None and locked is None:
                    locked = _refusal(scope, until, now)
        return locked

    # --- sessions ----------------------------------------------------------------------
    def start_session(self, name: str) -> tuple[str, str]:
        """(session token for the cookie, CSRF token for the forms)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.clock().isoformat()
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM sessions WHERE last_seen < ?",
                       ((self.clock() - SESSION_IDLE).isoformat(),))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                       (_sha256(token), name, csrf, now, now))
        return token, csrf

    def session(self, token: str | None) -> tuple[Account, str] | None:
        """(account, CSRF token) of a live session; None when unknown, expired or disabled.

        Idle for SESSION_IDLE or older than SESSION_MAX: expired and removed.
        """
        if not token:
            return None
        now = self.clock()
        key = _sha256(token)
        with closing(self._connect(write=False)) as db, db:
            row = db.execute(
                "SELECT s.csrf, s.started, s.last_seen, a.* FROM sessions s "
                "JOIN accounts a ON a.name = s.name WHERE s.token_sha256 = ?", (key,)).fetchone()
        if row is None:
            return None
        started = dt.datetime.fromisoformat(row["started"])
        seen = dt.datetime.fromisoformat(row["last_seen"])
        if row["disabled"] or now - seen > SESSION_IDLE or now - started > SESSION_MAX:
            self.end_session(token)
            return None
        if (now - seen).total_seconds() > 30:  # not one write per page view
            with closing(self._connect()) as db, db:
                db.execute("UPDATE sessions SET last_seen = ? WHERE token_sha256 = ?",
                           (now.isoformat(), key))
        return _account(row), row["csrf"]

    def end_session(self, token: str | None) -> None:
        if token:
            with closing(self._connect()) as db, db:
                db.execute("DELETE FROM sessions WHERE token_sha256 = ?", (_sha256(token),))


def _password_problems(password: str | None) -> list[str]:
    if not password or len(password) < MIN_PASSWORD:
        return [_("the password needs at least {n} characters").format(n=MIN_PASSWORD)]
    if password != password.strip():
        return [_("the password starts or ends with a space (a copy-paste slip?)")]
    return []


def _no_account(name: str) -> str:
    return _("no account {name!r} — `docgen user list` shows them").format(name=name)


def _wrong() -> LoginRefused:
    return LoginRefused(_("wrong account name or password"))


def _refusal(scope: str, until: dt.datetime, now: dt.datetime) -> LoginRefused:
    """The words for a locked name or a blocked address: the same whatever password was
    typed, with the minutes left (rounded up)."""
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    if scope == "account":
        return LoginRefused(_("locked after repeated wrong passwords: try again in {minutes} "
                              "min, or ask an archivist to reset the password").format(
                                  minutes=minutes), reason="locked", locked_until=until)
    return LoginRefused(_("too many failed logins from this computer: try again in {minutes} "
                          "min").format(minutes=minutes), reason="throttled", locked_until=until)


def _account(row) -> Account:
    return Account(row["name"], row["role"], tuple(row["units"].split()),
                   bool(row["classified"]), bool(row["disabled"]))
