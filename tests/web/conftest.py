"""A bureau's archive with five accounts and three records, served by the web app in-process."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
PASSWORD = "密码password1"
UNITS = [("区建设局规划处", "GHC"), ("区建设局办公室", "BGS")]
# name -> (role, units, classified grant)
PEOPLE = {
    "zhang": ("clerk", ["GHC"], False),
    "wang": ("clerk", ["BGS"], False),
    "chen": ("archivist", [], False),
    "li": ("inspector", [], False),
    "zhao": ("inspector", [], True),
}


class Clock:
    def __init__(self):
        self.now = dt.datetime.now(dt.timezone.utc)

    def __call__(self):
        return self.now


class Site:
    """The app, its archive and accounts, and a logged-in client per account name."""

    def __init__(self, app, arc, accounts, clock, records):
        self.app, self.arc, self.accounts, self.clock = app, arc, accounts, clock
        self.records = records  # ghc, bgs, secret -> 档号
        self.started: list = []  # jobs handed to the pool (not run: no LibreOffice here)

    def client(self, name: str | None = None, **kw):
        from starlette.testclient import TestClient

        c = TestClient(self.app, follow_redirects=False, **kw)
        if name:
            token, csrf = self.accounts.start_session(name)
            c.cookies.set("docgen_session", token)
            c.csrf = csrf
        return c


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.fixture(scope="session")
def bureau(tmp_path_factory, pdfa_source):
    """An archive with three filed records and five accounts, made once; tests copy it."""
    from docgen.accounts import Accounts
    from docgen.archive import init_archive

    base = tmp_path_factory.mktemp("bureau")
    arc = init_archive(base / "archive", fonds_code="Z109", fonds_name="区建设局", units=UNITS)
    year = dt.date.today().year
    records = {}
    for key, unit, classification, title in (
            ("ghc", "区建设局规划处", "公开", "规划处听证会纪要 行政审批"),
            ("bgs", "区建设局办公室", "公开", "办公室听证会纪要 行政审批"),
            ("secret", "区建设局规划处", "秘密", "规划处涉密纪要 行政审批")):
        rec = arc.file_import(Path(pdfa_source) / "plan.pdf", type="other", kind="听证会纪要",
                              title=title, date=f"{year}-06-10", unit=unit,
                              classification=classification, by="测试员")
        records[key] = rec.filing_number
    accounts = Accounts.beside(arc.root, hasher=FAST)
    for name, (role, units, classified) in PEOPLE.items():
        accounts.add(name, role=role, units=units, password=PASSWORD)
        if classified:
            accounts.grant(name, classified=True)
    return arc.root, records


def _site(tmp_path, bureau, **options):
    from docgen.accounts import Accounts
    from docgen.archive import Archive
    from docgen.web import WebOptions, create_app

    root, records = bureau
    shutil.copytree(root, tmp_path / "archive")
    arc = Archive(tmp_path / "archive")
    clock = Clock()
    accounts = Accounts.beside(arc.root, hasher=FAST, clock=clock)
    app = create_app(WebOptions(arc.root, workdir=tmp_path / "work", **options),
                     accounts=accounts)
    return Site(app, arc, accounts, clock, dict(records))


@pytest.fixture
def site(tmp_path, bureau, monkeypatch):
    s = _site(tmp_path, bureau, max_import_bytes=200_000)
    monkeypatch.setattr(s.app.state.jobs, "start", lambda job, work: s.started.append(job) or job)
    return s


@pytest.fixture
def live_site(tmp_path, bureau):
    """Jobs really run (LibreOffice converts)."""
    return _site(tmp_path, bureau)


def example_form(year: int, **changes) -> dict:
    """A 承诺书 of 规划处 as posted by the form page."""
    data = {"unit": "区建设局规划处", "unit_code": "GHC", "issuer": "区建设局规划处",
            "addressee": "局监察科", "doc_number": f"建规〔{year}〕5号", "date": f"{year}-05-10",
            "preamble": "为深入开展民主评议活动，我处向社会作出如下承诺。",
            "items.0.content": "建设工程规划许可证审批实行限时办结",
            "items.0.target": "办结时限由20个工作日压缩至10个工作日",
            "items.0.deadline": f"{year}-06-30", "classification": "公开",
            "retention": "定期30年"}
    data.update(changes)
    return data


@pytest.fixture
def pdf_bytes(pdfa_source) -> bytes:
    return (Path(pdfa_source) / "plan.pdf").read_bytes()
