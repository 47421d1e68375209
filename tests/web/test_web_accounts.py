"""Accounts (docgen.accounts) and the `docgen user` commands."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from argon2 import PasswordHasher, Type

from docgen.accounts import (
    LOCKOUT,
    MAX_FAILURES,
    SESSION_IDLE,
    AccountError,
    Accounts,
    LoginRefused,
)

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)


class Clock:
    def __init__(self):
        self.now = dt.datetime(2011, 5, 1, 9, 0, tzinfo=dt.timezone.utc)

    def __call__(self):
        return self.now


@pytest.fixture
def accounts(tmp_path):
    clock = Clock()
    a = Accounts(tmp_path / "accounts.sqlite3", hasher=FAST, clock=clock)
    a.clock_ = clock
    return a


def test_passwords_are_argon2id_and_never_stored(accounts):
    accounts.add("zhang", role="clerk", units=["GHC"], password="correct horse")
    stored = sqlite3.connect(accounts.path).execute("SELECT password FROM accounts").fetchone()[0]
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert accounts.login("zhang", "correct horse").units == ("GHC",)


def test_wrong_password_and_unknown_name_read_the_same(accounts):
    accounts.add("zhang", role="clerk", units=["GHC"], password="correct horse")
    with pytest.raises(LoginRefused) as a:
        accounts.login("zhang", "wrong")
    with pytest.raises(LoginRefused) as b:
        accounts.login("nobody", "wrong")
    assert str(a.value) == str(b.value)


def test_lockout_after_repeated_failures_then_it_lifts(accounts):
    accounts.add("zhang", role="clerk", units=["GHC"], password="correct horse")
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            accounts.login("zhang", "wrong")
    with pytest.raises(LoginRefused, match="locked"):
        accounts.login("zhang", "correct horse")  # even the right password
    accounts.clock_.now += LOCKOUT + dt.timedelta(seconds=1)
    assert accounts.login("zhang", "correct horse").name == "zhang"


def test_sessions_expire_when_idle_and_end_when_disabled(accounts):
    accounts.add("zhang", role="clerk", units=["GHC"], password="correct horse")
    token, csrf = accounts.start_session("zhang")
    account, csrf_again = accounts.session(token)
    assert account.name == "zhang" and csrf_again == csrf
    accounts.clock_.now += SESSION_IDLE + dt.timedelta(seconds=1)
    assert accounts.session(token) is None
    token, _ = accounts.start_session("zhang")
    accounts.set_disabled("zhang")
    assert accounts.session(token) is None
    with pytest.raises(LoginRefused, match="disabled"):
        accounts.login("zhang", "correct horse")


@pytest.mark.parametrize("kw, match", [
    (dict(role="clerk", units=[]), "at least one unit"),
    (dict(role="inspector", units=["GHC"]), "only clerks"),
    (dict(role="boss", units=[]), "not one of"),
    (dict(role="archivist", units=[], password="short"), "at least 8"),
])
def test_add_refuses_bad_accounts(accounts, kw, match):
    with pytest.raises(AccountError, match=match):
        accounts.add("x", **{"password": "long enough", **kw})


def test_classified_grant_only_for_inspectors(accounts):
    accounts.add("li", role="inspector", password="long enough")
    accounts.add("zhang", role="clerk", units=["GHC"], password="long enough")
    assert accounts.grant("li", classified=True).sees_classified
    with pytest.raises(AccountError, match="only inspectors"):
        accounts.grant("zhang", classified=True)


def test_user_commands(arc, docgen, monkeypatch):
    import docgen.accounts as mod

    monkeypatch.setattr(mod, "Accounts", _fast_accounts(mod.Accounts))
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO("a good password\n"))
    code, out, err = docgen("user", "add", "zhang", "--role", "clerk", "--unit", "GHC",
                            "--password-stdin", "--archive", arc.root)
    assert code == 0, err
    monkeypatch.setattr(sys, "stdin", io.StringIO("a good password\n"))
    code, out, err = docgen("user", "add", "wang", "--role", "clerk", "--unit", "XYZ",
                            "--password-stdin", "--archive", arc.root)
    assert code == 10 and "XYZ" in err
    code, out, _ = docgen("user", "list", "--archive", arc.root)
    assert out.split("\t")[:3] == ["zhang", "clerk", "GHC"]
    assert docgen("user", "disable", "zhang", "--archive", arc.root)[0] == 0
    assert "disabled" in docgen("user", "list", "--archive", arc.root)[1]
    # the accounts file lives with the settings and is no stray file for 四性检测
    assert (arc.root / "accounts.sqlite3").is_file()
    assert arc.verify().ok, arc.verify().problems


def test_user_add_asks_the_password_twice(arc, run, monkeypatch):
    import docgen.accounts as mod

    monkeypatch.setattr(mod, "Accounts", _fast_accounts(mod.Accounts))
    result = run("user", "add", "li", "--role", "inspector", "--archive", arc.root,
                 input="first password\nsecond password\nfirst password\nfirst password\n")
    assert result.exit_code == 0
    assert "do not match" in result.output
    assert "first password" not in result.output


def _fast_accounts(cls):
    class Fast(cls):
        def __init__(self, path, **kw):
            super().__init__(path, **{"hasher": FAST, **kw})

    return Fast
