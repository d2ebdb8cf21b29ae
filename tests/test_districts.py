"""The 关区 hierarchy in the code table: which codes are ports, a customs card's span of the 关区 column,
and the port picker's data (valid ports grouped under their 直属海关)."""
import csv

import pytest

from db import codes


def test_span_of_a_direct_customs_is_its_whole_district_and_of_a_subordinate_its_own_port():
    assert codes.span("5300") == ("5300", "5399")
    assert codes.span("5301") == ("5301", "5301")
    assert codes.span("0000") == ("0000", "0000")  # 海关总署 is no 直属海关 of 00NN
    assert codes.in_span("5300", "5301") and codes.in_span("5300", "5300") and codes.in_span("5300", "5399")
    assert not codes.in_span("5301", "5300") and not codes.in_span("5301", "5304")
    assert not codes.in_span("5700", "5301") and not codes.in_span("5300", None) and not codes.in_span(None, "5300")


def test_the_codes_that_are_no_port():
    rows = list(csv.reader(codes.DISTRICT_CSV.read_text(encoding="utf-8-sig").splitlines()))[1:]
    offices = sorted(code for code, name in rows if codes.office_reason(code, name))
    assert offices == ["0000", "0102", "0105", "0106", "0108", "0119", "2241", "2242", "2243", "5326"]
    # field offices (办事处 / 办处) and bonded zones (保税) are ports
    for code, name in [("2205", "驻车站办事处"), ("0112", "京邮办处"), ("0104", "京关保税"), ("5301", "皇岗海关")]:
        assert codes.office_reason(code, name) is None


@pytest.mark.parametrize(("code", "message"), [
    ("0000", "关区代码 0000 海关总署不是口岸，不能作为使用口岸：海关总署是海关的领导机关，不办理通关；"
             "请输入口岸海关的关区代码（输入 0 回车可选择）"),
    ("5326", "关区代码 5326 深数统处不是口岸，不能作为使用口岸：该代码是海关的内设处室（统计、监管、业务、关税等），"
             "不办理通关；请输入口岸海关的关区代码（输入 0 回车可选择）"),
    ("9999", "关区代码 9999 不存在，请输入正确的关区代码（输入 0 回车可选择）"),
    ("5301", None),
    ("5300", None),
])
def test_port_refusal(demo, code, message):
    with demo.session() as session:
        assert codes.port_refusal(session, code) == message


def test_the_picker_lists_valid_ports_grouped_under_their_direct_customs(demo):
    with demo.session() as session:
        groups = codes.ports(session, "0")
        shenzhen = next(g for g in groups if g.code == "5300")
        assert shenzhen.name == "深圳海关"
        assert shenzhen.ports[:3] == [("5300", "深圳海关"), ("5301", "皇岗海关"), ("5303", "沙头角关")]
        listed = [code for g in groups for code, _ in g.ports]
        assert "0000" not in listed and "5326" not in listed and len(listed) == 181
        assert [g.code for g in groups] == sorted(g.code for g in groups)
        assert all(code[:2] == g.code[:2] for g in groups for code, _ in g.ports)
        found = codes.ports(session, "深圳")
        assert [(g.code, g.ports) for g in found] == [("5300", [("5300", "深圳海关"), ("5345", "深圳湾关")])]
        assert codes.ports(session, "深数") == []
