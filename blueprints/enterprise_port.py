"""使用口岸 / 备案口岸 (manual §5.1): a 关区代码 turns into its name; 0 (or part of a code or name)
lists the ports to pick from, grouped under their 直属海关 (db.codes.ports)."""
from dataclasses import dataclass

from db import codes
from db.engine import get_session
from db.words import t


@dataclass
class Port:
    code: str = ""
    name: str = ""
    error: str = ""
    choices: list[codes.PortGroup] | None = None  # the picker (valid ports by 直属海关), when shown


def port_lookup(values, quiet: bool = False) -> Port:
    """What the 使用口岸 field shows after Enter (or a pick). `quiet`: no complaint about an empty or
    unknown code (a re-render after 全选 or an action keeps what was typed)."""
    code = (values.get("pick") or values.get("port") or "").strip()[:20]
    session = get_session()
    name = codes.name_of(session, "district", code)
    if name or quiet:  # a known code that is no port (海关总署, an office) is refused as it is typed
        return Port(code, name or "", error="" if quiet or not name else codes.port_refusal(session, code) or "")
    if not code:
        return Port(error=t("请输入关区代码（输入 0 回车可选择）"))
    choices = codes.ports(session, code, limit=1000)
    if code == "0":
        return Port(code, choices=choices)
    unknown = t("关区代码 %(code)s 不存在，请输入正确的关区代码（输入 0 回车可选择）", code=code)
    return Port(code, error="" if choices else unknown, choices=choices or None)
