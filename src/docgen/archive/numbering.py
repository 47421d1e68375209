"""档号: 全宗号-门类代码·年度-保管期限代码-机构（问题）代码-件号 (DA/T 22-2015), e.g. Z109-WS·2011-D30-GHC-0001."""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.vocab import RETENTION_BY_CODE, RETENTION_CODES
from docgen.i18n import N_
from docgen.i18n import cli_gettext as _

CLASS_CODE = "WS"  # 文书: the only 门类 docgen files
CODE = re.compile(r"^[A-Z0-9]{1,10}$")
FILING_NUMBER = re.compile(
    r"^(?P<fonds>[A-Z0-9]{1,10})-(?P<cls>WS)·(?P<year>\d{4})-(?P<ret>Y|D30|D10)"
    r"-(?P<unit>[A-Z0-9]{1,10})-(?P<item>\d{4})$")
HELP = N_("a 档号 looks like Z109-WS·2011-D30-GHC-0001 (全宗号-WS·年度-保管期限-机构代码-件号)")


@dataclass(frozen=True, order=True)
class FilingNumber:
    """档号, parsed into its parts; sorts in archive order."""

    fonds: str  # 全宗号
    year: int  # 年度
    retention_code: str  # 保管期限代码: Y, D30, D10
    unit_code: str  # 机构（问题）代码
    item: int  # 件号, from 1

    def __str__(self) -> str:
        return (f"{self.fonds}-{CLASS_CODE}·{self.year}-{self.retention_code}-"
                f"{self.unit_code}-{self.item:04d}")

    @property
    def retention(self) -> str:
        """保管期限 in words: 永久, 定期30年, 定期10年."""
        return RETENTION_BY_CODE[self.retention_code]

    @property
    def group(self) -> tuple[int, str, str]:
        """The sequence a 件号 counts in: (年度, 保管期限, 机构)."""
        return (self.year, self.retention_code, self.unit_code)

    def prefix(self) -> str:
        """Everything before the 件号, ending in '-'."""
        return str(self)[:-4]


def parse(text: str) -> FilingNumber:
    """Parse a 档号; raise ValueError saying what a good one looks like."""
    m = FILING_NUMBER.match(text.strip()) if isinstance(text, str) else None
    if not m or int(m["item"]) == 0:
        raise ValueError(_("{value} is not a 档号; {help}").format(value=repr(text),
                                                                   help=_(HELP)))
    return FilingNumber(m["fonds"], int(m["year"]), m["ret"], m["unit"], int(m["item"]))


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def make(fonds: str, year: int, retention: str, unit_code: str, item: int) -> FilingNumber:
    """Build a 档号 from 保管期限 in words (or its code) and check every part."""
    code = RETENTION_CODES.get(retention, retention)
    if code not in RETENTION_BY_CODE:
        raise ValueError(_("{value} is not a 保管期限; use 永久, 定期30年 or 定期10年").format(
            value=repr(retention)))
    for what, value in (("全宗号", fonds), ("机构代码", unit_code)):
        if not CODE.match(value or ""):
            raise ValueError(_("{what} {value} must be 1-10 capital letters or digits, e.g. "
                               "GHC").format(what=what, value=repr(value)))
    if not 1000 <= year <= 9999:
        raise ValueError(_("年度 {year} is not a four-digit year").format(year=year))
    if not 1 <= item <= 9999:
        raise ValueError(_("件号 {item} is outside 0001-9999").format(item=item))
    return FilingNumber(fonds, year, code, unit_code, item)
