"""A session that ends while a page is open: the next action leads the whole page to the login, and
logging in comes back to that page."""
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def test_an_htmx_action_after_logout_goes_to_the_login_and_back(page, live, browser):
    sign_in(page, live, "1100000000001")
    page.goto(f"{live}/forms/286000011")
    expect(page.get_by_role("heading", name="核销单 286000011")).to_be_visible()
    other = page.context.new_page()  # the same person logs out in another tab
    other.goto(f"{live}/")
    other.get_by_role("button", name="退出").click()
    expect(other.get_by_role("heading", name="用户登录")).to_be_visible()
    page.get_by_role("tab", name="出口报关单").click()  # an htmx swap with the session gone
    expect(page.get_by_role("heading", name="用户登录")).to_be_visible()
    expect(page.locator("header")).not_to_contain_text("张伟")
    expect(page.get_by_text("请先登录")).to_be_visible()
    page.get_by_label("IC卡号").fill("1100000000001")
    page.get_by_label("IC卡密码").fill("88888888")
    page.get_by_role("button", name="确定").click()
    expect(page).to_have_url(f"{live}/forms/286000011")
    expect(page.get_by_role("heading", name="核销单 286000011")).to_be_visible()


def test_a_bookmarked_page_asks_for_login_then_opens(page, live):
    page.goto(f"{live}/forms/286000011?tab=declaration")
    expect(page.get_by_role("heading", name="用户登录")).to_be_visible()
    sign_in_here = page.get_by_label("IC卡号")
    sign_in_here.fill("1100000000001")
    page.get_by_label("IC卡密码").fill("88888888")
    page.get_by_role("button", name="确定").click()
    expect(page).to_have_url(f"{live}/forms/286000011?tab=declaration")


def test_next_never_leads_to_another_site(client):
    from tests.conftest import csrf_of

    token = csrf_of(client.get("/login?next=//evil.example/x").get_data(as_text=True))
    for target in ["//evil.example/x", "https://evil.example/", "/\\evil.example"]:
        response = client.post("/login", data={"card_no": "1100000000001", "password": "88888888",
                                               "csrf_token": token, "next": target})
        assert response.status_code == 303 and "evil" not in response.headers["Location"]
        assert response.headers["Location"].startswith("/")
        token = csrf_of(client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True))
        assert client.post("/logout", data={"csrf_token": token}).status_code == 303  # the session's new token
        token = csrf_of(client.get("/login").get_data(as_text=True))
