"""axe-core finds no WCAG 2.2 A/AA violation on the forum's pages; pages stay light and local."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from flask import Flask, template_rendered

from forum.accounts.models import Role
from forum.boards.models import Board
from forum.db import db, utcnow
from forum.moderation import post_actions, reports, thread_actions
from forum.moderation.models import ReportReason
from forum.threads import services as threads
from forum.threads.models import Post, Thread, ThreadKind
from tests.browser import playwright_api
from tests.browser.pages import visits
from tests.factories import PASSWORD, grant_board_role, make_user
from tests.paths import board_address, thread_address

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import OffsiteGuard

pytestmark = pytest.mark.browser
expect = playwright_api().expect

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, preload: false});
  return result.violations;
}"""
PAGE_WEIGHT_LIMIT = 60_000  # bytes over the wire for the thread page, HTML and CSS together

# Posts of the length and shape people write after a webinar: a paragraph or two, sometimes
# a list, a quote, a link or a line of code.
BODIES = [
    "Thank you for the webinar. In Ghana we started by listing which agencies hold biodiversity "
    "data and who is allowed to share it; that list alone took three months, but it made the "
    "**NBSAP** discussion much easier because everyone could see the gaps.",
    "Three things worked for our national CHM:\n\n"
    "1. one focal point per institution,\n2. a shared vocabulary (we reused the GBF indicator "
    "names),\n3. a quarterly call where people show what they published.\n\n"
    "The third one mattered most.",
    "> a shared vocabulary\n\nCould you say more about how you agreed on it? Our ministries each "
    "use their own terms for the same protected-area categories, and mapping them is slow.",
    "We published the mapping as a small table on the CHM: `protected_area_category` on one side, "
    "each ministry's term on the other. The slides of webinar 4 have an example; see "
    "[the CBD page](https://www.cbd.int/km/) for the recording.",
    "For what it is worth, EuropaBON found the same: people share data once they trust how it "
    "will be cited. A short data-sharing agreement template helped more than any platform.",
]


@dataclass(frozen=True)
class World:
    """What the pages under audit show: a long thread on a board, its authors."""

    thread_path: str
    board_path: str
    author: str


@pytest.fixture
def world(km4b_app: Flask) -> World:
    with km4b_app.app_context():
        amina = make_user(
            username="amina",
            display_name="Amina Diallo",
            country="Senegal",
            organisation="Ministry of Environment",
            network_role="National CHM focal point",
            bio="Knowledge management for the national biodiversity strategy.\nBased in Dakar.",
        )
        han = make_user(username="han", display_name="Han De Koeijer", country="Belgium")
        board = db.session.scalars(sa.select(Board).filter_by(slug="webinar-4")).one()
        thread = threads.start_thread(
            board,
            author=amina,
            title="Integrating knowledge management into NBSAPs",
            source=BODIES[0],
        )
        for n in range(1, 25):  # 25 posts: two pages of 20
            author = han if n % 2 else amina
            threads.reply(thread, author=author, source=BODIES[n % len(BODIES)])
        threads.start_thread(
            board, author=han, title="Recording of webinar 4", source="Where is it?"
        )
        result = World(
            thread_path=thread_address(thread),
            board_path=board_address(board),
            author=amina.username,
        )
        db.session.remove()
    return result


@pytest.fixture
def audit_context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    # axe.run needs timers, which a context without JavaScript never fires. The forum sends no
    # script at all (checked on every audited page), so its pages render as with JS off.
    return new_context(javascript=True)


def log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}\n  {v['helpUrl']}")
        for node in v["nodes"][:8]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            lines.append(f"      {summary}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page: Page, axe_source: str, where: str = "") -> None:
    # Whatever axe checks here is what a person without JavaScript gets: no script on the page.
    assert page.evaluate("document.scripts.length") == 0
    # The page's Content-Security-Policy blocks a <script> tag, not the DevTools protocol.
    page.context.new_cdp_session(page).send("Runtime.evaluate", {"expression": axe_source})
    violations = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert not violations, (
        f"axe found {len(violations)} WCAG violation(s) on {page.url} {where}:\n"
        + format_violations(violations)
    )


def open_page(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path}: HTTP {response.status}"


PHONE = {"width": 360, "height": 740}  # a small phone, in CSS pixels
# The outermost elements that reach past the window's right edge, to name in a failure.
TOO_WIDE = """(width) => {
  const wide = [...document.querySelectorAll('body *')].filter(
    (e) => e.getBoundingClientRect().right > width + 0.5);
  return wide.filter((e) => !wide.includes(e.parentElement)).slice(0, 8).map((e) =>
    `${e.tagName.toLowerCase()}${e.className ? '.' + e.className : ''} ` +
    `"${e.textContent.trim().slice(0, 40)}" (${Math.round(e.getBoundingClientRect().right)} px)`);
}"""


@dataclass(frozen=True)
class Site:
    """The world, plus what the moderation and hosting pages list (see tests/browser/pages.py)."""

    thread: str
    thread_id: int
    board: str
    board_slug: str
    author: str
    edited: int  # a post a moderator edited
    reportable: int  # a post by amina that han may report
    own_reply: int  # a reply by amina, which she may edit or delete
    question_id: int  # a host's question, scheduled to appear next week


@pytest.fixture
def site(world: World, km4b_app: Flask) -> Site:
    with km4b_app.app_context():
        make_user(username="ada", display_name="Ada Admin", role=Role.ADMIN)
        make_user(username="mo", display_name="Mo Moderator", role=Role.MODERATOR)
        make_user(username="newcomer", display_name="New Comer", is_approved=False)
        host = make_user(username="hosta", display_name="Host A")
        users = {u.username: u for u in db.session.scalars(sa.select(type(host)))}
        admin, mod, han = users["ada"], users["mo"], users["han"]
        board = db.session.scalars(sa.select(Board).filter_by(slug="webinar-4")).one()
        grant_board_role(host, board, "host")
        thread = db.session.scalars(
            sa.select(Thread).filter_by(title="Integrating knowledge management into NBSAPs")
        ).one()
        posts = db.session.scalars(
            sa.select(Post)
            .options(sa.orm.joinedload(Post.thread))
            .filter_by(thread_id=thread.id)
            .order_by(Post.position)
        ).all()
        assert posts[6].author_id == users[world.author].id
        # An open report, an edited post, a key insight and a pinned thread (log entries).
        reports.report_post(
            posts[1], reporter=han, reason=ReportReason.OFF_TOPIC, comment="Not about NBSAPs."
        )
        threads.edit_post(posts[0], editor=mod, source=posts[0].source + "\n\nEdited.")
        post_actions.mark_insight(admin, posts[2])
        thread_actions.pin_thread(admin, thread)
        # A post held for review, and a question the host scheduled for next week.
        threads.reply(thread, author=han, source="A first post waiting for review.", held=True)
        question = threads.start_thread(
            board,
            author=host,
            title="What will you change after this webinar?",
            source="Tell us one thing.",
            kind=ThreadKind.QUESTION,
            publish_at=utcnow() + timedelta(days=7),
        )
        result = Site(
            thread=thread_address(thread),
            thread_id=thread.id,
            board=board_address(board),
            board_slug=board.slug,
            author=world.author,
            edited=posts[0].id,
            reportable=posts[4].id,
            own_reply=posts[6].id,
            question_id=question.id,
        )
        db.session.remove()
    return result


@pytest.fixture
def rendered(km4b_app: Flask) -> Iterator[list[str]]:
    """The names of the templates the live server renders, in order."""
    names: list[str] = []

    def record(sender: Flask, template: Any, context: dict[str, Any], **extra: Any) -> None:
        names.append(str(template.name))

    with template_rendered.connected_to(record, km4b_app):
        yield names


VISITS = visits()


@pytest.mark.parametrize("key", VISITS)
def test_page_has_no_wcag_violations_on_desktop_and_phone(
    key: str,
    site: Site,
    rendered: list[str],
    audit_context: BrowserContext,
    axe_source: str,
) -> None:
    template, visit = VISITS[key]
    page = audit_context.new_page()
    if visit.user:
        log_in(page, visit.user)
    path = visit.path.format(**asdict(site))
    rendered.clear()
    open_page(page, path, visit.status)
    if visit.shows:
        expect(page.locator("main")).to_contain_text(visit.shows)
    if visit.then:
        visit.then(page)
    assert template in rendered, f"{path} rendered {rendered}, not {template}"

    assert_accessible(page, axe_source)
    page.set_viewport_size(PHONE)
    assert_accessible(page, axe_source, "at 360 px")
    # Reflow (WCAG 1.4.10), which axe does not check: nothing makes a phone scroll sideways.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (
        f"{path} is {width} px wide at {PHONE['width']} px; too wide: "
        + ", ".join(page.evaluate(TOO_WIDE, PHONE["width"]))
    )


def test_thread_page_is_light_and_stays_on_this_host(
    world: World, page: Page, offsite: OffsiteGuard
) -> None:
    log_in(page, world.author)  # a member's page is the heavier: reply form, Quote and Edit links
    # The page log_in lands on must finish loading first: its stylesheet, still in flight when
    # the network is watched, would be counted without a type (seen as "Other" once in CI).
    page.wait_for_load_state("load")
    cdp = page.context.new_cdp_session(page)
    types: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.responseReceived", lambda e: types.update({e["requestId"]: e["type"]}))
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.update({e["requestId"]: int(e["encodedDataLength"])}),
    )
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    open_page(page, world.thread_path)
    expect(page.locator("li.post")).to_have_count(20)
    expect(page.get_by_role("navigation", name="Pages").first).to_be_visible()
    expect(page.get_by_label("Your reply")).to_be_visible()
    page.wait_for_load_state("load")

    by_type: dict[str, int] = {}
    for request_id, size in sizes.items():
        kind = types.get(request_id, "Other")
        by_type[kind] = by_type.get(kind, 0) + size
    assert set(by_type) == {"Document", "Stylesheet"}, by_type
    total = sum(by_type.values())
    print(f"\nthread page weight: {total:,} bytes {by_type}")
    assert total < PAGE_WEIGHT_LIMIT, f"thread page weighs {total:,} bytes: {by_type}"
    assert offsite.blocked == []
