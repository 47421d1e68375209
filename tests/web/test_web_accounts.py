"""Accounts (docgen.accounts) and the `docgen user` commands."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from argon2 import PasswordHasher, Type

from docgen.accounts import (
    ADDRESS_FAILURES,
    ADDRESS_WINDOW,
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


def test_locks_lists_the_locked_names_until_their_time_and_passwd_lifts_one(accounts):
    accounts.add("zhang", role="clerk", units=["GHC"], password="correct horse")
    accounts.add("li", role="clerk", units=["GHC"], password="another horse")
    assert accounts.locks() == {}
    for _ in range(MAX_FAILURES):
        _refusal(accounts, "zhang", "wrong")
        _refusal(accounts, "li", "wrong")
    assert set(accounts.locks()) == {"zhang", "li"}
    assert accounts.locks()["zhang"] == accounts.clock_.now + LOCKOUT
    accounts.set_password("li", "a brand new horse")
    assert set(accounts.locks()) == {"zhang"}
    accounts.clock_.now += LOCKOUT + dt.timedelta(seconds=1)
    assert accounts.locks() == {}


def _again(accounts):
    """Another server process on the same accounts file (same clock)."""
    return Accounts(accounts.path, hasher=FAST, clock=accounts.clock_)


def _refusal(accounts, name, password, address=None) -> LoginRefused:
    with pytest.raises(LoginRefused) as e:
        accounts.login(name, password, address=address)
    return e.value


def test_lockout_survives_a_restart_and_ends_after_its_time(accounts):
    accounts.add("zhang", role="clerk", units=["GHC"], password="correct horse")
    for _ in range(MAX_FAILURES - 1):
        assert _refusal(accounts, "zhang", "wrong").reason == "wrong"
    locked = _refusal(_again(accounts), "zhang", "wrong")  # the count went on in the file
    assert locked.reason == "locked" and str(locked).startswith("locked")
    later = _again(accounts)  # a restart: still locked, whatever the password
    right, wrong = _refusal(later, "zhang", "correct horse"), _refusal(later, "zhang", "nope")
    assert str(right) == str(wrong) == str(locked) and right.reason == wrong.reason == "locked"
    accounts.clock_.now += LOCKOUT - dt.timedelta(seconds=1)
    assert _refusal(later, "zhang", "correct horse").reason == "locked"
    accounts.clock_.now += dt.timedelta(seconds=2)
    assert _refusal(later, "zhang", "wrong").reason == "wrong"  # a new count, not a new lock
    assert later.login("zhang", "correct horse").name == "zhang"
    for _ in range(MAX_FAILURES - 1):  # a success started the count again
        assert _refusal(later, "zhang", "wrong").reason == "wrong"


def test_unknown_names_lock_like_real_ones(accounts):
    """A lock tells nobody which account names exist."""
    accounts.add("zhang", role="clerk", units=["GHC"], password="correct horse")
    for name in ("zhang", "nobody"):
        for _ in range(MAX_FAILURES):
            last = _refusal(accounts, name, "wrong")
        assert last.reason == "locked"
    assert str(_refusal(accounts, "zhang", "x")) == str(_refusal(accounts, "nobody", "x"))


def test_an_address_with_too_many_failures_waits_its_window(accounts):
    accounts.add("zhang", role="clerk", units=["GHC"], password="correct horse")
    accounts.add("chen", role="archivist", password="correct horse")
    for i in range(ADDRESS_FAILURES):  # many names, one address: no name reaches its lock
        _refusal(accounts, f"guess{i}", "wrong", address="10.0.0.9")
    blocked = _refusal(_again(accounts), "chen", "correct horse", address="10.0.0.9")
    assert blocked.reason == "throttled"
    assert str(blocked) == str(_refusal(accounts, "chen", "wrong", address="10.0.0.9"))
    assert accounts.login("chen", "correct horse", address="10.0.0.8").name == "chen"
    accounts.clock_.now += ADDRESS_WINDOW + dt.timedelta(seconds=1)
    assert _again(accounts).login("chen", "correct horse", address="10.0.0.9").name == "chen"


def test_failures_outside_the_window_do_not_add_up_for_an_address(accounts):
    accounts.add("chen", role="archivist", password="correct horse")
    for _ in range(3):
        for i in range(ADDRESS_FAILURES - 1):
            _refusal(accounts, f"guess{i}", "wrong", address="10.0.0.9")
        accounts.clock_.now += ADDRESS_WINDOW + dt.timedelta(seconds=1)
    assert accounts.login("chen", "correct horse", address="10.0.0.9").name == "chen"


def test_a_new_password_lifts_the_lock(accounts):
    accounts.add("zhang", role="clerk", units=["GHC"], password="correct horse")
    for _ in range(MAX_FAILURES):
        _refusal(accounts, "zhang", "wrong")
    accounts.set_password("zhang", "another horse")
    assert accounts.login("zhang", "another horse").name == "zhang"


def test_refusals_in_chinese_through_the_docgen_catalog(accounts):
    from docgen import i18n

    accounts.add("zhang", role="clerk", units=["GHC"], password="correct horse")
    with i18n.language("zh"):
        assert str(_refusal(accounts, "zhang", "wrong")) == "账户名或密码错误"
        for _ in range(MAX_FAILURES - 1):
            last = _refusal(accounts, "zhang", "wrong")
        assert str(last) == "密码多次输入错误，账户已锁定：请 15 分钟后再试，或请档案员重置密码"
        with pytest.raises(AccountError, match="密码至少需要 8 个字符"):
            accounts.add("li", role="inspector", password="short")
    with i18n.language("en"):
        assert str(_refusal(accounts, "zhang", "wrong")).startswith("locked after repeated")


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
    assert json.loads(docgen("user", "list", "--json", "--archive", arc.root)[1])[0][
        "locked_until"] is None
    store = mod.Accounts.beside(arc.root)  # failed logins on the web page lock the name
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            store.login("zhang", "wrong")
    assert docgen("user", "list", "--archive", arc.root)[1].rstrip("\n").split("\t")[3] == (
        "disabled locked")
    listed = json.loads(docgen("user", "list", "--json", "--archive", arc.root)[1])[0]
    assert listed["locked_until"] is not None
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
