"""Code tables (关区代码 and the small customs tables): loading, lookup, CSV import with a preview,
and the 关区 hierarchy.

关区 hierarchy. A 关区代码 is four digits: `xx00` is a 直属海关 (5300 深圳海关), `xxNN` one of its 隶属海关
(5301 皇岗海关, 5304 蛇口海关 …). A 直属海关's card works the forms of its whole 关区 (xx00–xx99), a
隶属海关's card only its own port (`span`). A code that is no port cannot be a form's 使用口岸
(`port_refusal`): 0000 海关总署 (the administration), and the offices of a 海关 that clear no goods,
told by their names in the code table — a 处 (division: 深数统处 statistics, 京监管处, 沪业一处 …) but not
an 办事处 / 办处 (a field office, which is a port), and the tax offices (京关关税, 旅检征税; a 保税
zone such as 京关保税 is a port).
"""
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import bindparam
from sqlmodel import Session, select

from db.models import Code
from db.words import t

DISTRICT_CSV = Path(__file__).parent / "data" / "customs_districts.csv"

TABLES = {
    "district": t("关区代码"),
    "transport": t("运输方式"),
    "trade": t("贸易方式"),
    "settlement": t("结汇方式"),
    "deal": t("成交方式"),
    "currency": t("币制"),
    "country": t("国别（地区）"),
}

SMALL_TABLES = {
    "transport": [("0", "非保税区"), ("1", "监管仓库"), ("2", "水路运输"), ("3", "铁路运输"),
                  ("4", "公路运输"), ("5", "航空运输"), ("6", "邮件运输"), ("7", "保税区"),
                  ("8", "保税仓库"), ("9", "其他运输")],
    "trade": [("0110", "一般贸易"), ("0214", "来料加工"), ("0615", "进料对口"), ("0715", "进料非对口"),
              ("1233", "保税仓库货物"), ("1523", "租赁贸易"), ("3010", "货样广告品A"),
              ("3339", "其他进出口免费"), ("9610", "电子商务")],
    "settlement": [("1", "信汇"), ("2", "电汇"), ("3", "票汇"), ("4", "付款交单"), ("5", "承兑交单"),
                   ("6", "信用证"), ("7", "先出后结"), ("8", "先结后出"), ("9", "其他")],
    "deal": [("1", "CIF"), ("2", "CFR"), ("3", "FOB")],
    "currency": [("110", "港币"), ("116", "日本元"), ("132", "新加坡元"), ("142", "人民币"),
                 ("300", "欧元"), ("303", "英镑"), ("501", "加拿大元"), ("502", "美元"),
                 ("601", "澳大利亚元")],
    "country": [("110", "中国香港"), ("116", "日本"), ("121", "中国澳门"), ("132", "新加坡"),
                ("133", "韩国"), ("303", "英国"), ("304", "德国"), ("305", "法国"),
                ("344", "俄罗斯联邦"), ("501", "加拿大"), ("502", "美国"), ("601", "澳大利亚")],
}

CODE_WIDTH = {"district": 4, "country": 3}  # 关区代码 5700 拱北关区, 国别（地区） 502 美国

HEADQUARTERS = "0000"  # 海关总署
OFFICE_NAME = re.compile(r"(?<!办)(?<!办事)处$|关税$|征税$")  # a 处 or tax office, not an 办事处 (see above)


def is_head(code: str) -> bool:
    """A 直属海关: `xx00` (not 0000 海关总署)."""
    return len(code) == 4 and code.endswith("00") and code != HEADQUARTERS


def head_of(code: str) -> str:
    """The 直属海关 over a 关区代码 (itself for a 直属海关)."""
    return code[:2] + "00"


def span(district: str) -> tuple[str, str]:
    """The 使用口岸 codes a customs card of `district` works, as a range of the 关区 column: its whole
    关区 for a 直属海关 (5300 → 5300..5399), its own port for a 隶属海关 (5301 → 5301..5301)."""
    return (district, district[:2] + "99") if is_head(district) else (district, district)


def in_span(district: str | None, code: str | None) -> bool:
    """`code` (a form's 使用口岸, a declaration's 出口口岸) is within a customs card's `district`."""
    if not district or not code:
        return False
    low, high = span(district)
    return low <= code <= high


def office_reason(code: str, name: str) -> str | None:
    """Why a known 关区 is no port (None when it is one)."""
    if code == HEADQUARTERS:
        return t("海关总署是海关的领导机关，不办理通关")
    if OFFICE_NAME.search(name):
        return t("该代码是海关的内设处室（统计、监管、业务、关税等），不办理通关")
    return None


def port_refusal(session: Session, code: str | None, label: str = t("使用口岸")) -> str | None:
    """None when `code` is a port a form may be registered to; else why not, in Chinese."""
    code = (code or "").strip()
    name = name_of(session, "district", code)
    if name is None:
        return t("关区代码 %(code)s 不存在，请输入正确的关区代码（输入 0 回车可选择）", code=code[:10])
    reason = office_reason(code, name)
    if reason:
        return t("关区代码 %(code)s %(name)s不是口岸，不能作为%(label)s：%(reason)s；"
                 "请输入口岸海关的关区代码（输入 0 回车可选择）", code=code, name=name, label=label, reason=reason)
    return None


@dataclass
class PortGroup:
    """A 直属海关 and the ports under it (itself first when it is a port), for the 关区 picker."""

    code: str
    name: str
    ports: list[tuple[str, str]] = field(default_factory=list)


def ports(session: Session, text: str = "", limit: int | None = None) -> list[PortGroup]:
    """The valid ports whose code starts with, or whose name contains, `text` (0 or nothing: all),
    grouped under their 直属海关, in code order; at most `limit` ports in all."""
    table = names(session, "district")
    groups: dict[str, PortGroup] = {}
    shown = 0
    for code, name in search(session, "district", text, limit=None):
        if office_reason(code, name) or (limit is not None and shown >= limit):
            continue
        head = head_of(code)
        group = groups.setdefault(head, PortGroup(head, table.get(head, head)))
        group.ports.append((code, name))
        shown += 1
    return list(groups.values())


def load_defaults(session: Session) -> int:
    """Fill empty tables with the shipped codes; never overwrite what the admin changed."""
    added = 0
    rows = {"district": read_csv(DISTRICT_CSV.read_text(encoding="utf-8-sig"))[0], **SMALL_TABLES}
    for kind, pairs in rows.items():
        if session.exec(select(Code).where(Code.kind == kind).limit(1)).first():
            continue
        session.add_all(Code(kind=kind, code=code, name=name) for code, name in pairs)
        added += len(pairs)
    return added


def names(session: Session, kind: str) -> dict[str, str]:
    """The whole table as {code: name}, read once per session (a code table has at most a few
    thousand rows; screens look up many codes per page)."""
    cache = session.info.setdefault("codes", {})
    if kind not in cache:
        cache[kind] = dict(session.exec(select(Code.code, Code.name).where(Code.kind == kind)).all())
    return cache[kind]


def names_for(session: Session, kind: str, wanted: set[str]) -> dict[str, str]:
    """{code: name} for `wanted` alone: a page of 20 rows reads its few codes by key, not the table."""
    cached = session.info.get("codes", {}).get(kind)
    if cached is not None or not wanted:
        return {code: cached[code] for code in wanted if code in cached} if cached else {}
    return dict(session.connection().execute(_NAMES_FOR, {"kind": kind, "codes": sorted(wanted)}).all())


# built once: a page's few codes through Core (no ORM result machinery for two plain columns)
_NAMES_FOR = select(Code.code, Code.name).where(Code.kind == bindparam("kind"),
                                                Code.code.in_(bindparam("codes", expanding=True)))


def name_of(session: Session, kind: str, code: str | None) -> str | None:
    if not code:
        return None
    return names(session, kind).get(code.strip())


def search(session: Session, kind: str, text: str, limit: int = 50) -> list[tuple[str, str]]:
    """Codes whose code starts with, or whose name contains, `text` (the 关区 picker)."""
    text = (text or "").strip()
    rows = sorted(names(session, kind).items())
    if text and text != "0":
        rows = [(c, n) for c, n in rows if c.startswith(text) or text in n]
    return rows[:limit] if limit is not None else rows


@dataclass
class ImportRow:
    line: int
    code: str
    name: str
    error: str | None = None


def read_csv(text: str, kind: str = "district") -> tuple[list[tuple[str, str]], list[ImportRow]]:
    """Parse `code,name` rows (a header row is allowed). Returns the good pairs and every row checked."""
    checked, good, seen = [], [], set()
    width = CODE_WIDTH.get(kind)
    for line_no, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        code, name = (row + ["", ""])[0].strip(), (row + ["", ""])[1].strip()
        if line_no == 1 and code.lower() == "code":
            continue
        error = None
        if not code.isascii() or not code.isalnum() or len(code) > 8:
            error = t("代码应为不超过 8 位的数字或字母")
        elif width and (len(code) != width or not code.isdigit()):
            error = t("代码应为 %(width)s 位数字", width=width)
        elif not name or len(name) > 60:
            error = t("名称不能为空，且不超过 60 个字")
        elif code in seen:
            error = t("代码在文件中重复")
        seen.add(code)
        checked.append(ImportRow(line_no, code[:20], name[:60], error))
        if error is None:
            good.append((code, name))
    return good, checked


def apply_import(session: Session, kind: str, pairs: list[tuple[str, str]]) -> tuple[int, int]:
    """Insert new codes and rename existing ones. Returns (added, changed)."""
    existing = names(session, kind)
    added = changed = 0
    for code, name in pairs:
        if code not in existing:
            session.add(Code(kind=kind, code=code, name=name))
            added += 1
        elif existing[code] != name:
            session.get(Code, (kind, code)).name = name
            changed += 1
    session.info.get("codes", {}).pop(kind, None)
    return added, changed


# ── import from the screen: a preview first, then the same rows written in one transaction ───

IMPORT_ACTION = "代码表导入"


@dataclass
class Preview:
    kind: str
    text: str = ""  # the file as text, carried to the confirmation so nothing is kept on the server
    rows: list[ImportRow] = field(default_factory=list)
    effects: dict[str, str] = field(default_factory=dict)  # code → 新增 / 修改（原名称…） / 不变
    message: str = ""  # why the file as a whole cannot be imported

    @property
    def errors(self) -> int:
        return sum(1 for row in self.rows if row.error)

    @property
    def ok(self) -> bool:
        return not self.message and bool(self.rows) and not self.errors

    def count(self, effect: str) -> int:
        return sum(1 for value in self.effects.values() if value.startswith(effect))


def decode(data: bytes) -> str | None:
    """The uploaded file as text, or None when it is not UTF-8 (with or without a BOM)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def preview(session: Session, kind: str, text: str | None) -> Preview:
    """Check every row of a `code,name` CSV and say what importing it would do. Writes nothing."""
    if kind not in TABLES:
        return Preview(kind, message=t("请选择代码表"))
    if text is None:
        return Preview(kind, message=t("文件不是 UTF-8 编码，请用 UTF-8 编码另存为 CSV 后重新上传"))
    if not text.strip():
        return Preview(kind, message=t("请选择要导入的 CSV 文件（每行：代码,名称）"))
    try:
        good, rows = read_csv(text.lstrip("\ufeff"), kind)
    except csv.Error:
        return Preview(kind, text, message=t("文件不是有效的 CSV，请检查后重新上传"))
    existing = names(session, kind)
    effects = {}
    for code, name in good:
        old = existing.get(code)
        effects[code] = (t("新增") if old is None else t("不变") if old == name
                         else t("修改（原名称：%(old)s）", old=old))
    message = "" if rows else t("文件中没有代码")
    return Preview(kind, text, rows, effects, message)


def import_csv(*, db, actor, kind: str, text: str):
    """代码表导入: check the file again and, only if every row is good, write it in one transaction
    with its audit event. Returns (Result, Preview)."""
    from db import audit
    from db.models import CardKind
    from db.transaction import Result

    if actor.kind is not CardKind.ADMIN:
        return Result(False, t("本卡无权进行此操作")), Preview(kind)
    with db.write() as session:
        audit.lock_head(session)  # first, as every writer does
        checked = preview(session, kind, text)
        if not checked.ok:
            why = checked.message or t("文件中有 %(n)s 行错误，未导入任何代码", n=checked.errors)
            return Result(False, why), checked
        good = [(row.code, row.name) for row in checked.rows]
        added, changed = apply_import(session, kind, good)
        summary = f"{TABLES[kind]}：新增 {added}，修改 {changed}，不变 {len(good) - added - changed}"
        audit.append(session, actor=actor, action=IMPORT_ACTION, detail=summary)
    return Result(True, t("导入成功。%(table)s：新增 %(added)s，修改 %(changed)s，不变 %(same)s", table=TABLES[kind],
                          added=added, changed=changed, same=len(good) - added - changed)), checked


def page_of(session: Session, kind: str, text: str = "", *, after: str = "", before: str = ""):
    """One page (db.queries.PAGE_SIZE) of a code table, searched as `search` does, by key like every
    list. The table is read whole once per session anyway (`names`), so it is paged from that."""
    from bisect import bisect_left, bisect_right

    from db.queries import PAGE_SIZE, Page

    rows = search(session, kind, text, limit=None)
    keys = [code for code, _ in rows]
    if before:
        end = bisect_left(keys, before)
        start = max(end - PAGE_SIZE, 0)
    else:
        start = bisect_right(keys, after) if after else 0
        end = start + PAGE_SIZE
    chosen = rows[start:end]
    return Page(rows=chosen,
                after=chosen[-1][0] if chosen and end < len(rows) else None,
                before=chosen[0][0] if chosen and start > 0 else None)
