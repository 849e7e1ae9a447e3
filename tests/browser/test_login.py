import pytest
from playwright.sync_api import Page, expect

from clinic.roles import Role
from tests.conftest import PASSWORD

# The live server needs committed data; serialized_rollback brings back the role groups that
# the data migration made, which the flush between transactional tests removes.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HOME_HEADINGS = {
    Role.PATIENT: "Hello Alice",
    Role.RECEPTIONIST: "Front desk",
    Role.DOCTOR: "Dr Rahman",
    Role.MANAGER: "Clinic manager",
}


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("role", list(Role))
def test_each_role_logs_in_and_sees_its_own_home_page(page: Page, people, role):
    log_in(page, people[role].email)
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADINGS[role])


def test_logging_out_from_the_menu_ends_the_session(page: Page, alice):
    log_in(page, alice.email)
    page.get_by_role("button", name="Alice").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.goto("/patient/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
