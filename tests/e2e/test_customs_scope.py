"""A customs card of 5300 深圳海关 cannot see or act on a form registered to 5700 拱北关区, by screen or
by URL: every customs list, page and action, by GET and by POST, with forms of 5700 ready for each."""
from playwright.sync_api import expect
from sqlmodel import select

from db import workflow
from db.models import Declaration, DeclarationStatus, Form, FormState
from tests.e2e.test_customs_verify import enter, menu
from tests.test_customs_workflow import LINE, forms_where, header

LISTS = ["/customs/registered", "/customs/registered/expiring", "/customs/verify", "/customs/revocations",
         "/customs/supplements", "/customs/declarations", "/customs/declarations/released",
         "/customs/declarations/closed", "/customs/declarations/slipped"]
BATCH = {"/customs/revocations": "CONFIRM_REVOKE", "/customs/supplements": "SUPPLEMENT",
         "/customs/declarations": "RELEASE", "/customs/declarations/released": "CLOSE",
         "/customs/declarations/closed": "ISSUE_SLIP", "/customs/declarations/slipped": "REISSUE_SLIP"}
FORM_ACTIONS = ["RELEASE", "CLOSE", "ISSUE_SLIP", "REISSUE_SLIP", "SUPPLEMENT", "CONFIRM_REVOKE", "REJECT_REVOKE"]
VIAS = ["registered", "expiring", "verify", "revocations", "supplements", "declarations", "to_close", "to_slip",
        "slipped"]


def targets(demo, actors) -> dict[str, str]:
    """A 5700 form for every customs action, each one the 5700 officer could take now."""
    declared = forms_where(demo, "5700", FormState.USED, decl_status=DeclarationStatus.DECLARED)
    assert workflow.release(db=demo, actor=actors["customs5700"], numbers=[declared[1]])[0].ok
    return {
        "VERIFY": forms_where(demo, "5700", FormState.REGISTERED, with_declaration=False)[0],
        "RELEASE": declared[0],
        "CLOSE": declared[1],
        "ISSUE_SLIP": forms_where(demo, "5700", FormState.USED, decl_status=DeclarationStatus.CLOSED, slip=False)[0],
        "REISSUE_SLIP": forms_where(demo, "5700", FormState.USED, decl_status=DeclarationStatus.CLOSED, slip=True)[0],
        "SUPPLEMENT": forms_where(demo, "5700", FormState.REGISTERED, verified=False)[0],
        "CONFIRM_REVOKE": forms_where(demo, "5700", FormState.REVOKING)[0],
    }


def snapshot(demo) -> list:
    """Everything about 5700's forms and declarations that an action could change."""
    with demo.session() as session:
        forms = session.exec(select(Form.number, Form.state, Form.version, Form.port_code)
                             .where(Form.port_code == "5700").order_by(Form.number)).all()
        decls = session.exec(select(Declaration.number, Declaration.status, Declaration.fx_slip_count,
                                    Declaration.verified).where(Declaration.district_code == "5700")
                             .order_by(Declaration.number)).all()
    return [tuple(row) for row in forms] + [tuple(row) for row in decls]


def test_5300_cannot_see_or_act_on_5700_forms(page, live, demo, actors):
    numbers = targets(demo, actors)
    before = snapshot(demo)
    enter(page, live, "3300000000002")

    # by screen: the lists do not have them, 查找 says not found, their pages are not found
    for label in ("备案数据", "报关验核", "撤销确认", "补验"):
        menu(page, label)
        shown = page.locator("#rows").inner_text()
        assert not any(number in shown for number in numbers.values()), label
        page.get_by_label("核销单号").fill(numbers["VERIFY"])
        page.get_by_role("button", name="开始查找").click()
        expect(page.get_by_text(f"未找到核销单 {numbers['VERIFY']}")).to_be_visible()
    menu(page, "报关单")
    for tab in ("已申报（待放行）", "已放行（待结关）", "待签发结汇联", "已签发结汇联"):
        page.get_by_role("tab", name=tab).click()
        shown = page.locator("#rows").inner_text()
        assert not any(number in shown for number in numbers.values()), tab
    page.goto(f"{live}/customs/verify/{numbers['VERIFY']}")
    expect(page.get_by_role("heading", name="未找到该页面或单据")).to_be_visible()

    # by URL, GET: every list narrowed to each number, every page of each number
    request = page.request
    for url in LISTS:
        for number in numbers.values():
            response = request.get(f"{live}{url}?number={number}")
            assert response.status == 200 and f"未找到核销单 {number}" in response.text(), (url, number)
    for number in numbers.values():
        for path in [f"/customs/verify/{number}", f"/customs/forms/{number}", f"/forms/{number}",
                     f"/forms/{number}?tab=declaration",
                     *(f"/customs/forms/{number}?via={via}&tab=declaration" for via in VIAS)]:
            assert request.get(f"{live}{path}").status == 404, path
            assert request.get(f"{live}{path}", headers={"HX-Request": "true"}).status == 404, path

    # by URL, POST: every action of every page and every batch list
    page.goto(f"{live}/customs/supplements")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    entry = {**header(), **LINE, "rows": "3"}
    for number in numbers.values():
        for button in ("verify", "add_line", "recalc"):
            response = request.post(f"{live}/customs/verify/{number}",
                                    form={"csrf_token": token, button: "", **entry})
            assert response.status == 404, (number, button)
        for action in FORM_ACTIONS:
            response = request.post(f"{live}/customs/forms/{number}?via=declarations",
                                    form={"csrf_token": token, action: "", "reason": "越权"})
            assert response.status == 404, (number, action)
    for url, action in BATCH.items():
        for number in numbers.values():
            for extra in ({action: ""}, {"select_all": ""}):
                response = request.post(f"{live}{url}", form={"csrf_token": token, "number": number, **extra})
                assert response.status == 200, (url, number)
                if action in extra:
                    assert f"未找到核销单 {number}" in response.text(), (url, number)
                assert f'value="{number}"' not in response.text(), (url, number)

    assert snapshot(demo) == before  # nothing of 5700 moved


def test_each_officer_sees_only_its_own_district(page, live, demo):
    """The same screens for 5700 do show 5700's forms: the scope is the 关区, not a blanket refusal."""
    number = forms_where(demo, "5700", FormState.REVOKING)[0]
    enter(page, live, "3300000000001")
    menu(page, "撤销确认")
    expect(page.get_by_role("link", name=number)).to_be_visible()
    for other in forms_where(demo, "5300", FormState.REVOKING):
        expect(page.get_by_role("link", name=other)).to_have_count(0)
