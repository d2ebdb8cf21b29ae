"""The operating manual as data (db/data/manual.json, made from db/data/manual.txt by
scripts/manual_sections.py), and which section helps on which screen: the one place that says so."""
import json
from functools import cache
from pathlib import Path

from db.words import t

MANUAL = Path(__file__).parent / "data" / "manual.json"

# screen (endpoint) → its section. A new screen needs a line here (tests/test_help.py checks the URL map).
SECTIONS = {
    "auth.login": "3", "auth.password": "3", "portal.home": "3", "portal.card": "10.1",
    "enterprise.home": "2", "enterprise.apply": "4", "enterprise.range_end_field": "4", "enterprise.port": "5.1",
    "enterprise.select_all": "5.2",
    "enterprise.register_list": "5.1", "enterprise.register_form": "5.1", "enterprise.register_deadlines": "5.1",
    "enterprise.batch_register": "5.2",
    "enterprise.revoke_list": "6", "enterprise.revoke_form": "6", "enterprise.revoking": "6",
    "enterprise.submit_list": "7.1", "enterprise.submit_form": "7.1", "enterprise.submit_deadlines": "7.1",
    "enterprise.unreceived": "10.4", "enterprise.batch_submit": "7.2", "enterprise.lost": "8",
    "forms.show": "9.1", "query.search": "9", "query.form": "9.1", "query.declaration": "9.2",
    "legal.home": "10.1", "legal.forms": "9", "legal.cards": "10.1",
    "bureau.home": "2", "bureau.applications": "4", "bureau.application": "4", "bureau.permissions": "10.1",
    "bureau.permission": "10.1", "bureau.receipts": "10.4", "bureau.unreceived": "10.4", "bureau.write_offs": "2",
    "bureau.write_off": "2", "bureau.lost": "8", "bureau.cancel": "2", "bureau.deadline_list": "2",
    "customs.home": "2", "customs.registered": "5.1", "customs.expiring": "5.1", "customs.verify": "2",
    "customs.verify_form": "2", "customs.form": "2", "customs.declarations": "2", "customs.to_close": "2",
    "customs.to_slip": "10.3", "customs.slipped": "10.3", "customs.revocations": "10.2",
    "customs.supplements": "10.3",
    "admin.home": "1", "admin.enroll": "3", "admin.issue": "3", "admin.cards": "3", "admin.locked_cards": "3",
    "admin.unchanged_cards": "3", "admin.audit": "1", "admin.verify": "1", "admin.codes": "5.1",
    "demo.reset": "1", "help.section": "10", "help.index": "10", "exercises.mine": "2", "exercises.trainer": "2",
}

# screen → the 常见问题 (§十) whose situations arise there
FAQ = {
    "portal.home": ["10.1"], "portal.card": ["10.1"], "legal.cards": ["10.1"], "legal.home": ["10.1"],
    "bureau.permissions": ["10.1"], "enterprise.register_list": ["10.2", "10.5"],
    "enterprise.register_form": ["10.2", "10.5"], "enterprise.batch_register": ["10.2", "10.5"],
    "enterprise.revoke_list": ["10.2"], "enterprise.revoke_form": ["10.2"], "enterprise.revoking": ["10.2"],
    "enterprise.submit_list": ["10.3", "10.4"], "enterprise.submit_form": ["10.3", "10.4"],
    "enterprise.batch_submit": ["10.3", "10.4"], "enterprise.unreceived": ["10.4"],
    "query.search": ["10.2", "10.3", "10.4"], "query.form": ["10.3", "10.4"], "forms.show": ["10.3", "10.4"],
    "bureau.receipts": ["10.4"], "bureau.unreceived": ["10.4"], "customs.supplements": ["10.3"],
    "customs.revocations": ["10.2"], "customs.to_slip": ["10.3"], "customs.slipped": ["10.3"],
}


# the sections' titles, the manual's words, as headings a screen in English shows translated (the text
# under them stays the manual's own)
TITLES = {
    "1": t("系统简介"),
    "2": t("业务流程"),
    "3": t("登录操作"),
    "4": t("核销单申请"),
    "5": t("口岸备案"),
    "5.1": t("口岸备案"),
    "5.2": t("批量备案"),
    "6": t("撤销备案"),
    "7": t("企业交单"),
    "7.1": t("企业交单"),
    "7.2": t("批量交单"),
    "8": t("核销单挂失"),
    "9": t("组合查询"),
    "9.1": t("指定核销单查询"),
    "9.2": t("以发单日期查询"),
    "10": t("常见问题解答"),
    "10.1": t("无出口收汇系统权限"),
    "10.2": t("备错口岸"),
    "10.3": t("核销单无法交单"),
    "10.4": t("核销单已交单，但外汇管理局无数据无法核销"),
    "10.5": t("核销单无法进行口岸备案操作"),
}


@cache
def sections() -> dict[str, dict]:
    data = json.loads(MANUAL.read_text(encoding="utf-8"))
    return {section["key"]: section for section in data["sections"]}


def section(key: str) -> dict | None:
    return sections().get(key)


def section_for(endpoint: str | None) -> str | None:
    return SECTIONS.get(endpoint or "")


def faq_for(endpoint: str | None) -> list[dict]:
    return [sections()[key] for key in FAQ.get(endpoint or "", [])]


def steps_grouped(section: dict) -> list[tuple[str, list[str]]]:
    """The blocks with consecutive steps gathered into one list: [(kind, [texts])]."""
    grouped: list[tuple[str, list[str]]] = []
    for block in section["blocks"]:
        if grouped and block["kind"] == grouped[-1][0] == "step":
            grouped[-1][1].append(block["text"])
        else:
            grouped.append((block["kind"], [block["text"]]))
    return grouped


def children(key: str) -> list[dict]:
    """A top section's subsections (§十's questions)."""
    return [s for k, s in sections().items() if "." in k and k.split(".")[0] == key]
