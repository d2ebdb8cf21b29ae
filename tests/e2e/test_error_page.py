"""An error page tells the user the request's number to give the administrator, the one its log line has."""
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def test_error_page_shows_the_request_id(page, live):
    sign_in(page, live, "1100000000001")
    response = page.goto(f"{live}/no/such/page")
    assert response.status == 404
    request_id = response.headers["x-request-id"]
    expect(page.get_by_role("heading", name="未找到该页面或单据")).to_be_visible()
    expect(page.get_by_text("请将此编号告知管理员")).to_contain_text(request_id)
