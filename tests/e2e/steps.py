"""Steps the enterprise's manual sections share: sign in and enter 出口收汇 (§三), open a left-menu
entry, and read what the database says about a form."""
from playwright.sync_api import expect
from sqlmodel import func, select

from db.models import AuditEvent, Form
from tests.e2e.conftest import sign_in


def enter_fx(page, live: str, card_no: str = "1100000000001"):
    sign_in(page, live, card_no)
    page.get_by_role("navigation", name="系统菜单").get_by_role("link", name="出口收汇").click()


def open_admin(page, live: str, menu: str):
    """The data centre's card, its dashboard, then one entry of its left menu."""
    sign_in(page, live, "9900000000001")
    page.goto(f"{live}/admin/")
    open_menu(page, menu)
    expect(page.get_by_role("heading", name=menu, exact=True)).to_be_visible()


def open_menu(page, label: str):
    page.get_by_role("navigation", name="出口收汇菜单").get_by_role("link", name=label, exact=True).click()


def rows(page):
    return page.locator("#rows tbody tr")


def state_of(db, number: str) -> str:
    with db.session() as session:
        return session.exec(select(Form.state).where(Form.number == number)).one()


def events(db, number: str, action: str) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.form_number == number, AuditEvent.action == action)).one()


def stays_on_page(page):
    """Mark the document: a full page load loses the mark, an htmx swap keeps it."""
    page.evaluate("window.samePage = true")
    return lambda: page.evaluate("window.samePage === true")



def settled(page):
    """Wait until htmx has finished its swap and bound the new content's own hx-* attributes: a click
    before that would be the browser's own (a full page load), which no person is quick enough to make."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)
