"""Forms for the layout tests and benchmark: real text, swept so every layout case occurs.

Bodies come from the State Council work reports in corpus/ (full-width text only, so a body of
n characters takes a predictable number of lines); units and titles are real-sounding
government names of 4 to 20 and 10 to 80 characters.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "government_work_reports.jsonl"
EXAMPLES = ROOT / "examples"

UNITS = {  # 发文机关 of 4 to 20 characters
    4: "区建设局",
    7: "区建设局规划处",
    9: "区住房和城乡建设局",
    14: "区住房和城乡建设局住房保障科",
    16: "北京市朝阳区住房和城乡建设委员会",
    18: "河北省石家庄市住房和城乡建设局规划处",
    20: "石家庄市长安区住房和城乡建设局规划管理科",
}
TITLES = [  # 10 to 80 characters
    "民主评议工作实施方案",
    "区建设局规划处2011年民主评议工作实施方案",
    "关于印发《区建设局规划处2011年民主评议工作实施方案》的通知",
    "关于进一步加强和改进新形势下城乡建设领域行政审批制度改革和优化营商环境工作的实施意见",
    "关于印发《区住房和城乡建设局2026年度民主评议政风行风工作实施方案》和《服务承诺书》的通知",
    "关于转发《国务院办公厅关于全面实行行政许可事项清单管理的通知》《关于深化工程建设项目审批制度改革的实施意见》并做好贯彻落实工作的通知",
    "关于转发《国务院办公厅关于全面实行行政许可事项清单管理的通知》《关于深化工程建设项目审批制度改革的实施意见》"
    "和《优化营商环境条例》并进一步做好贯彻落实工作的通知",
]


def corpus_text(n: int, start: int = 0) -> str:
    """n characters of the latest work report's sentences without digits, ending with 。."""
    import re

    with open(CORPUS, encoding="utf-8") as f:
        latest = max((json.loads(line) for line in f), key=lambda r: str(r.get("year") or ""))
    content = latest["content"]
    sentences = [s + "。" for s in re.split(r"[。\s]+", content)
                 if re.fullmatch(r"[\u4e00-\u9fff，、；“”]{8,}", s)]
    text = "".join(sentences)
    text = text[start:start + n - 1]
    while text and text[-1] in "，。、；：“”":
        text = text[:-1] + "务"
    return text + "。"


SIGNERS = ["王建国", "李明", "欧阳振华", "张伟"]  # 签发人, in the issuers' order
ATTACHMENTS = ["区建设局规划处民主评议工作领导小组名单",
               "规划审批事项、依据、程序、时限和收费标准公开目录及办理流程说明"]
MORE_ATTACHMENTS = ["建设工程规划许可证办理情况统计表", "行政审批限时办结制度执行情况报告",
                    "民主评议监督员名单及联系方式", "群众意见建议征集和整改落实情况一览表"]


def summary_form(*, body_chars: int = 120, unit: str = "区建设局规划处",
                 title: str | None = None, attachments: bool | list = True,
                 copy_to: bool = True, signer: bool | int = False, seal: bool = False,
                 issuers: list[str] | None = None) -> dict:
    """A 年度工作总结 form (as a dict) with the given body length and optional parts:
    `issuers` several 发文机关 (联合行文, `unit` first), `signer` True or a number of 签发人,
    `attachments` True or the list of 附件 names."""
    form = {
        "type": "summary",
        "unit": unit, "unit_code": "GHC", "issuer": unit, "addressee": "局监察科",
        "doc_number": "建规〔2011〕21号", "date": "2011-12-02",
        "overview": corpus_text(90, start=4000),
        "fulfilments": [{"commitment": "建设工程规划许可证审批实行限时办结", "status": "已完成",
                         "result": "全年办理建设工程规划许可证156件，按时办结率100%。"}],
        # the last body paragraph, before 附件说明 and 署名: its length moves the end
        "achievements": ["推行行政审批限时办结、超时默许制度，审批时限平均压缩57%。",
                         corpus_text(body_chars)],
        "seal": seal,
    }
    if title:
        form["title"] = title
    if issuers:
        form["issuer"] = issuers
    if attachments:
        form["attachments"] = ATTACHMENTS if attachments is True else attachments
    if copy_to:
        form["copy_to"] = ["区纪委", "区纠风办", "区政府办公室", "区发展和改革委员会",
                           "区财政局", "区审计局", "区住房和城乡建设局各科室"]
    if signer:
        form["signer"] = SIGNERS[:1 if signer is True else signer]
    return form


def write_forms(folder: Path, forms: dict[str, dict]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, form in forms.items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


def matrix() -> dict[str, dict]:
    """Every case of the test matrix, by name."""
    cases = {}
    # the last body line at each of the 22 line positions, with and without the optional parts
    for k in range(24):
        n = 28 * (k + 1) - 4  # 「2.」 and the indent take the rest of the first line
        cases[f"sweep-full-{k:02d}"] = summary_form(body_chars=n)
        cases[f"sweep-bare-{k:02d}"] = summary_form(body_chars=n, attachments=False,
                                                    copy_to=False, signer=True, seal=True)
    for (length, unit), title in zip(UNITS.items(), TITLES):
        cases[f"unit-{length:02d}"] = summary_form(unit=unit, title=title, signer=length % 2 == 0)
    # 联合行文 (7.2.4, 7.3.5): two and three issuers of 4 to 20 characters, 2 to 4 签发人,
    # unsealed and sealed (two short names a row, long ones one a row)
    joint = {
        "joint-2": dict(issuers=[UNITS[7], UNITS[4]], signer=2),
        "joint-2-sealed": dict(issuers=[UNITS[7], UNITS[4]], signer=4, seal=True),
        "joint-3": dict(issuers=[UNITS[20], UNITS[9], UNITS[16]], signer=3, body_chars=400),
        "joint-3-sealed": dict(issuers=[UNITS[14], UNITS[4], UNITS[18]], signer=3, seal=True),
    }
    for name, kw in joint.items():
        cases[name] = summary_form(unit=kw["issuers"][0], **kw)
    cases["signers-4"] = summary_form(signer=4, body_chars=300)
    # a long 附件说明: its lines alone with the 署名 on the last page, unless fitted
    for k in (15, 17):
        cases[f"attachments-{k:02d}"] = summary_form(
            body_chars=28 * k - 4, attachments=ATTACHMENTS + MORE_ATTACHMENTS)
    return cases
