"""The whole journey of a new member, in a real browser with JavaScript switched off."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask

from forum.db import db
from forum.threads import services as threads
from forum.threads.models import Thread
from tests.browser import playwright_api
from tests.factories import make_user

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser
expect = playwright_api().expect

NAME = "Ngozi Okafor"
USERNAME = "ngozi.okafor"
EMAIL = "ngozi@example.org"
PASSWORD = "mangrove-restoration-2023"
TITLE = "Mapping who holds which biodiversity data"
OPENING = "Before the next webinar: which national institutions hold **species occurrence** data?"
REPLY = "In our network the herbarium and the statistics office hold most of it."


def post_id(locator: Locator) -> int:
    """Return the id of the post a `li.post` locator points at (its element id is p<id>)."""
    return int(str(locator.get_attribute("id")).removeprefix("p"))


def assert_lands_on(page: Page, pid: int, page_number: int) -> None:
    """The browser is on the right page of the thread, scrolled to post `pid`."""
    query = f"\\?page={page_number}" if page_number > 1 else ""
    expect(page).to_have_url(re.compile(rf"/t/\d+/[\w-]+{query}#p{pid}$"))
    assert page.evaluate("document.querySelector(':target')?.id") == f"p{pid}"
    expect(page.locator(f"#p{pid}")).to_be_in_viewport()


def add_replies_by_someone_else(app: Flask, thread_id: int, count: int) -> None:
    """Let another member reply meanwhile, so the thread runs onto a second page."""
    with app.app_context():
        other = make_user(username="amina", display_name="Amina Diallo")
        thread = db.session.get(Thread, thread_id)
        assert thread is not None
        for n in range(count):
            threads.reply(thread, author=other, source=f"Our experience, part {n + 1}.")
        db.session.remove()


def test_a_new_member_registers_discusses_and_logs_back_in_without_javascript(
    page: Page, app: Flask, tmp_path: Path
) -> None:
    # The home page lists the ten webinar boards; 8 to 10 are still to be announced.
    response = page.goto("/")
    assert response is not None and response.ok
    assert page.evaluate("document.scripts.length") == 0
    expect(page.get_by_role("heading", level=1)).to_have_text("KM4B webinar discussions")
    boards = page.locator("li.board")
    expect(boards).to_have_count(10)
    for number in range(1, 11):
        heading = page.get_by_role("heading", name=re.compile(rf"^Webinar {number}\b"))
        board = boards.filter(has=heading)
        expect(board).to_have_count(1)
        badge = board.get_by_text("To be announced", exact=True)
        if number >= 8:
            expect(board.get_by_role("link")).to_have_text(
                f"Webinar {number} (title to be announced)"
            )
            expect(badge).to_be_visible()
        else:
            expect(badge).to_have_count(0)

    # Register; a first attempt with differing passwords keeps what was typed.
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Register").click()
    expect(page).to_have_url(re.compile(r"/register$"))
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Display name (optional)").fill(NAME)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD + "!")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct what is marked below")
    expect(page.get_by_text("The two passwords differ.")).to_be_visible()
    expect(page.get_by_label("Repeat password")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Username")).to_have_value(USERNAME)
    expect(page.get_by_label("Email")).to_have_value(EMAIL)
    expect(page.get_by_label("Display name (optional)")).to_have_value(NAME)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text(f"Welcome, {NAME}!")
    account_nav = page.get_by_role("navigation", name="Account")
    expect(account_nav.get_by_role("link", name=NAME)).to_be_visible()

    # Open a webinar board and start a thread; an empty message keeps the typed title.
    page.get_by_role("link", name=re.compile(r"^Webinar 4: ")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Webinar 4: Implementing")
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_role("button", name="Start thread").click()
    expect(page.get_by_text("Please write something.")).to_be_visible()
    expect(page.get_by_label("Your message")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    page.get_by_label("Your message").fill(OPENING)
    page.get_by_role("button", name="Start thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("li.post strong")).to_have_text("species occurrence")
    thread_id = int(re.search(r"/t/(\d+)/", page.url).group(1))  # type: ignore[union-attr]
    opening_id = post_id(page.locator("li.post").first)

    # Reply from the form under the thread; an empty reply is refused with a message.
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_text("Please write something.")).to_be_visible()
    expect(page.get_by_label("Your reply")).to_be_focused()
    page.get_by_label("Your reply").fill(REPLY)
    page.get_by_role("button", name="Post reply").click()
    reply = page.locator("li.post").filter(has_text=REPLY)
    expect(reply).to_have_count(1)
    reply_id = post_id(reply)
    assert_lands_on(page, reply_id, 1)

    # Meanwhile someone else replies, so the thread runs onto a second page.
    add_replies_by_someone_else(app, thread_id, 19)

    # Quote the opening post into a reply: it lands on page 2, scrolled to the new post.
    page.goto(f"/t/{thread_id}")
    page.get_by_role("link", name="Quote post 1", exact=True).click()
    body = page.get_by_label("Your reply")
    expect(body).to_have_value(re.compile(rf"^> \*\*{re.escape(USERNAME)}\*\* \[wrote\]"))
    expect(body).to_have_value(re.compile("species occurrence"))
    body.fill(body.input_value() + "The national CHM could link them all.")
    page.get_by_role("button", name="Post reply").click()
    quoting = page.locator("li.post").last
    expect(quoting.locator("blockquote")).to_contain_text("species occurrence")
    expect(quoting.locator(".body > p")).to_have_text("The national CHM could link them all.")
    quoting_id = post_id(quoting)
    assert_lands_on(page, quoting_id, 2)
    expect(page.get_by_role("navigation", name="Pages").first).to_be_visible()
    screenshot = tmp_path / "thread-page.png"
    page.screenshot(path=screenshot, full_page=True)
    print(f"\nscreenshot of the thread page: {screenshot}")

    # Edit my own reply: the post says it was edited.
    page.goto(f"/p/{reply_id}")
    mine = page.locator(f"#p{reply_id}")
    mine.get_by_role("link", name="Edit post 2").click()
    page.get_by_label("Text").fill(REPLY + " The museum too.")
    page.get_by_role("button", name="Save").click()
    assert_lands_on(page, reply_id, 1)
    expect(mine.locator(".body")).to_have_text(REPLY + " The museum too.")
    expect(mine.locator(".edited")).to_contain_text("edited")

    # Permalinks open the right page at the right post.
    for pid, page_number in ((opening_id, 1), (reply_id, 1), (quoting_id, 2)):
        page.goto(f"/p/{pid}")
        assert_lands_on(page, pid, page_number)

    # Log out with the button in the header.
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")
    account_nav = page.get_by_role("navigation", name="Account")
    expect(account_nav.get_by_role("link", name="Log in")).to_be_visible()
    expect(account_nav.get_by_role("link", name=NAME)).to_have_count(0)

    # Log in again, asking to be remembered: the session outlives the session cookie.
    page.goto(f"/t/{thread_id}")
    account_nav.get_by_role("link", name="Log in").click()
    page.get_by_label("Username or email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Keep me logged in on this device").check()
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/t/{thread_id}/[\w-]+$"))
    expect(account_nav.get_by_role("link", name=NAME)).to_be_visible()
    cookies = {c["name"] for c in page.context.cookies()}
    assert "remember_token" in cookies, cookies
    page.context.clear_cookies(name="session")
    page.reload()
    expect(account_nav.get_by_role("link", name=NAME)).to_be_visible()
    expect(page.get_by_label("Your reply")).to_be_visible()
