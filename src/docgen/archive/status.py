"""The 归档备案 rule as a check: each filing the campaign calendar requires, and its state."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from docgen.errors import BadInput
from docgen.i18n import cli_gettext as _

ON_TIME, LATE, MISSING, DUE = "filed on time", "filed late", "missing", "due"


@dataclass(frozen=True)
class StatusRow:
    unit: str
    unit_code: str
    step: str  # calendar key, e.g. plan
    stage: str  # 阶段, e.g. 部署动员
    kind: str  # 文种
    due: dt.date
    start: dt.date | None
    state: str  # filed on time, filed late, missing, due
    days: int | None  # days late, or days left when due
    filed_on: dt.date | None
    filing_numbers: tuple[str, ...]  # current 档号 that satisfy it
    form_type: str = "other"  # the form type that makes it (vocab.Step.type)
    command: str = ""  # how to make it, e.g. docgen form new hearing

    @property
    def label(self) -> str:
        """The state in English words, for `--json` (which stays English); the CLI shows it
        translated."""
        if self.state == DUE:
            return f"due in {self.days} day{'s' if self.days != 1 else ''}"
        if self.state == LATE:
            return f"filed late ({self.days} day{'s' if self.days != 1 else ''})"
        if self.state == MISSING:
            return f"missing ({self.days} days overdue)"
        return self.state

    @property
    def satisfied(self) -> bool:
        return self.state in (ON_TIME, LATE)

    def to_json(self) -> dict:
        d = asdict(self)
        d["label"] = self.label
        d["filing_numbers"] = list(self.filing_numbers)
        d["deadline"] = d["due"]
        return d


def default_year(archive, today: dt.date) -> int:
    """The latest campaign year with anything filed, else this year."""
    years = [r.campaign_year for r in archive.records()]
    return max(years) if years else today.year


def status(archive, year: int | None = None, *, unit: str | None = None,
           today: dt.date | None = None) -> tuple[int, list[StatusRow]]:
    """(year, rows): one row per unit and required filing, in calendar order."""
    today = today or archive.clock().date()
    year = year or default_year(archive, today)
    units = list(archive.settings.units)
    if unit is not None:
        units = [u for u in units if unit in (u.name, u.code)]
        if not units:
            names = ", ".join(f"{u.name} ({u.code})" for u in archive.settings.units)
            raise BadInput(_("unit {unit} is not in the archive's settings — use one of: "
                             "{names}").format(unit=repr(unit), names=names))
    filed = [r for r in archive.records() if r.campaign_year == year and r.status != "withdrawn"]
    rows = []
    for u in units:
        mine = [r for r in filed if r.unit_code == u.code]
        for d in archive.settings.calendar(year):
            step = d.step
            match = [r for r in mine if r.kind in step.kinds
                     or (step.type != "other" and r.type == step.type)]
            current = tuple(r.filing_number for r in match if r.status == "filed")
            how = dict(form_type=step.type, command=step.command)
            if match:
                first = min(r.submitted_on for r in match)
                late = (first - d.due).days
                state, days = (LATE, late) if late > 0 else (ON_TIME, None)
                rows.append(StatusRow(u.name, u.code, step.key, step.stage, step.kind, d.due,
                                      d.start, state, days, first, current, **how))
            elif today > d.due:
                rows.append(StatusRow(u.name, u.code, step.key, step.stage, step.kind, d.due,
                                      d.start, MISSING, (today - d.due).days, None, (), **how))
            else:
                rows.append(StatusRow(u.name, u.code, step.key, step.stage, step.kind, d.due,
                                      d.start, DUE, (d.due - today).days, None, (), **how))
    return year, rows
