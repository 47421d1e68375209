"""The archive's settings file: 全宗, units and their codes, filing office, campaign calendar."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from docgen.archive.numbering import CODE
from docgen.errors import ArchiveError
from docgen.vocab import STEP_KEYS, STEPS, Step  # noqa: F401 - Step is part of this module's face
from docgen.i18n import N_
from docgen.i18n import cli_gettext as _

SETTINGS_NAME = "docgen-archive.json"
FORMAT = "docgen-archive/1"


@dataclass(frozen=True)
class Deadline:
    """A step of one campaign year, with its dates resolved."""

    step: Step
    year: int
    due: dt.date
    start: dt.date | None


class Unit(NamedTuple):
    """A unit that files; unpacks as (name, code) like init_archive's `units`."""

    name: str  # 单位名称, e.g. 区建设局规划处
    code: str  # 机构（问题）代码, e.g. GHC


@dataclass(frozen=True)
class Settings:
    fonds_code: str  # 全宗号
    fonds_name: str  # 立档单位名称
    units: tuple[Unit, ...]
    filing_office: str = "局监察科"
    # {"2011": {"commitment": {"due": "2011-05-20", "start": null}}}
    overrides: dict = field(default_factory=dict)
    # 文种 `file --import --kind` accepts besides the calendar's (vocab.canonical_kind)
    extra_kinds: tuple[str, ...] = ()

    def unit_code(self, name: str) -> str | None:
        return next((u.code for u in self.units if u.name == name), None)

    def unit_name(self, code: str) -> str | None:
        return next((u.name for u in self.units if u.code == code), None)

    def calendar(self, year: int) -> list[Deadline]:
        """The filings campaign `year` requires, with this archive's dates."""
        out = []
        changed = self.overrides.get(str(year), {})
        for s in STEPS:
            due = dt.date(year + s.due[0], s.due[1], s.due[2])
            start = dt.date(year + s.start[0], s.start[1], s.start[2]) if s.start else None
            if s.key in changed:
                c = changed[s.key]
                due = dt.date.fromisoformat(c["due"]) if c.get("due") else due
                start = dt.date.fromisoformat(c["start"]) if c.get("start") else start
            out.append(Deadline(s, year, due, start if start is None or start <= due else None))
        return out

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "fonds_code": self.fonds_code,
            "fonds_name": self.fonds_name,
            "filing_office": self.filing_office,
            "units": [{"name": u.name, "code": u.code} for u in self.units],
            "calendar": self.overrides,
            **({"extra_kinds": list(self.extra_kinds)} if self.extra_kinds else {}),
        }

    @classmethod
    def from_json(cls, data: dict, where: str) -> Settings:
        try:
            if data.get("format") != FORMAT:
                raise ValueError(_("format is {found}, expected {wanted}").format(
                    found=repr(data.get("format")), wanted=repr(FORMAT)))
            units = tuple(Unit(u["name"], u["code"]) for u in data["units"])
            s = cls(data["fonds_code"], data["fonds_name"], units, data["filing_office"],
                    dict(data.get("calendar") or {}),
                    tuple(str(k) for k in data.get("extra_kinds") or ()))
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise ArchiveError(_("{where}: the settings are damaged ({error}) — restore "
                                 "docgen-archive.json from a backup; its digest is in "
                                 "audit.jsonl").format(where=where, error=e)) from None
        problems = check(s)
        if problems:
            raise ArchiveError(f"{where}: {problems[0]}")
        return s


def check(s: Settings) -> list[str]:
    """Every wrong value in the settings, as messages a clerk can act on."""
    found = []
    if not CODE.match(s.fonds_code or ""):
        found.append(_("全宗号 {code} must be 1-10 capital letters or digits, e.g. Z109").format(
            code=repr(s.fonds_code)))
    if not (s.fonds_name or "").strip():
        found.append(_("立档单位名称 (fonds name) is empty — give the unit that keeps the "
                       "archive"))
    from docgen.textcheck import text_problem

    named = [("立档单位名称", s.fonds_name), (N_("filing office"), s.filing_office),
             *((N_("unit name"), u.name) for u in s.units)]
    for what, value in named:
        problem = text_problem(value) if isinstance(value, str) else None
        if problem:
            found.append(_("{what} {value} {problem}").format(
                what=_(what), value=repr(value), problem=problem))
    for k in s.extra_kinds:
        if not k.strip() or len(k) > 40:
            found.append(_("extra kind {kind} must be a 文种 of 1-40 characters").format(
                kind=repr(k)))
    seen_codes, seen_names = set(), set()
    for u in s.units:
        if not CODE.match(u.code or ""):
            found.append(_("unit {name}: code {code} must be 1-10 capital letters or digits, "
                           "e.g. GHC").format(name=repr(u.name), code=repr(u.code)))
        if not (u.name or "").strip():
            found.append(_("unit code {code} has no name").format(code=repr(u.code)))
        if u.code in seen_codes:
            found.append(_("unit code {code} is given twice — each unit needs its own "
                           "code").format(code=repr(u.code)))
        if u.name in seen_names:
            found.append(_("unit {name} is given twice").format(name=repr(u.name)))
        seen_codes.add(u.code)
        seen_names.add(u.name)
    for year, steps in s.overrides.items():
        if not (isinstance(year, str) and year.isdigit() and len(year) == 4):
            found.append(_("calendar year {year} is not a four-digit year").format(
                year=repr(year)))
            continue
        for key, c in steps.items():
            if key not in STEP_KEYS:
                found.append(_("calendar {year}: {key} is not a step; use one of "
                               "{steps}").format(year=year, key=repr(key),
                                                 steps=", ".join(STEP_KEYS)))
                continue
            for part in ("due", "start"):
                if c.get(part):
                    try:
                        dt.date.fromisoformat(c[part])
                    except (TypeError, ValueError):
                        found.append(_("calendar {year} {step}: {value} is not a date "
                                       "(YYYY-MM-DD)").format(year=year, step=f"{key}.{part}",
                                                              value=repr(c[part])))
    return found


def load(root: Path) -> Settings:
    path = root / SETTINGS_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArchiveError(_("{root}: not an archive (no {settings}) — create one with "
                             "`docgen init {root}`, or point --archive / DOCGEN_ARCHIVE at an "
                             "existing archive").format(root=root, settings=SETTINGS_NAME)
                           ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ArchiveError(_("{path}: cannot read the settings ({error}) — restore it from a "
                             "backup").format(path=path, error=e)) from None
    return Settings.from_json(data, str(path))


def encode(s: Settings) -> bytes:
    return (json.dumps(s.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
