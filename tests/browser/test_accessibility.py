"""axe-core finds no WCAG 2.2 A/AA violation on the forum's pages; pages stay light and local."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from flask import Flask

from forum.accounts.models import Role
from forum.boards.models import Board
from forum.db import db
from forum.moderation import post_actions, reports, thread_actions
from forum.moderation.models import ReportReason
from forum.threads import services as threads
from forum.threads.models import Post, Thread
from tests.browser import playwright_api
from tests.factories import PASSWORD, grant_board_role, make_user

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
        result = World(thread_path=thread.path, board_path=board.path, author=amina.username)
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


def assert_accessible(page: Page, axe_source: str) -> None:
    # Whatever axe checks here is what a person without JavaScript gets: no script on the page.
    assert page.evaluate("document.scripts.length") == 0
    # The page's Content-Security-Policy blocks a <script> tag, not the DevTools protocol.
    page.context.new_cdp_session(page).send("Runtime.evaluate", {"expression": axe_source})
    violations = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert not violations, (
        f"axe found {len(violations)} WCAG violation(s) on {page.url}:\n"
        + format_violations(violations)
    )


def open_page(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path}: HTTP {response.status}"


def submit_bad_registration(page: Page) -> None:
    page.get_by_label("Username").fill("a!")
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat password").fill("different")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("[aria-invalid=true]")).not_to_have_count(0)


@dataclass(frozen=True)
class Case:
    path: str  # may name the world's {thread}, {board} or {author}
    member: bool = False  # log in first
    status: int = 200
    seeded: bool = True  # needs the world's boards, thread and authors
    then: Callable[[Page], None] | None = None  # done on the page before the audit


CASES = {
    "home": Case("/"),
    "board": Case("{board}"),
    "thread-anonymous": Case("{thread}"),
    "thread-member": Case("{thread}", member=True),
    "thread-page-2": Case("{thread}?page=2", member=True),
    "login": Case("/login", seeded=False),
    "register": Case("/register", seeded=False),
    "register-errors": Case("/register", seeded=False, then=submit_bad_registration),
    "new-thread": Case("{board}/new", member=True),
    "profile": Case("/u/{author}"),
    "not-found": Case("/no/such/page", status=404, seeded=False),
}


@pytest.mark.parametrize("name", CASES)
def test_page_has_no_wcag_violations(
    name: str, request: pytest.FixtureRequest, audit_context: BrowserContext, axe_source: str
) -> None:
    case = CASES[name]
    page = audit_context.new_page()
    path = case.path
    if case.seeded:
        world: World = request.getfixturevalue("world")
        path = path.format(thread=world.thread_path, board=world.board_path, author=world.author)
        if case.member:
            log_in(page, world.author)
    open_page(page, path, case.status)
    if case.then:
        case.then(page)
    if name.startswith("thread"):
        expect(page.get_by_role("navigation", name="Pages").first).to_be_visible()
    assert_accessible(page, axe_source)


def test_thread_page_is_light_and_stays_on_this_host(
    world: World, page: Page, offsite: OffsiteGuard
) -> None:
    log_in(page, world.author)  # a member's page is the heavier: reply form, Quote and Edit links
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


# --- moderation and hosting pages ----------------------------------------------------------


@dataclass(frozen=True)
class ModWorld:
    """The world, plus what the moderation and hosting pages list."""

    thread_id: int
    thread_path: str
    board_slug: str
    edited_post_id: int
    reportable_post_id: int
    author: str


@pytest.fixture
def mod_world(world: World, km4b_app: Flask) -> ModWorld:
    with km4b_app.app_context():
        make_user(username="ada", display_name="Ada Admin", role=Role.ADMIN)
        make_user(username="mo", display_name="Mo Moderator", role=Role.MODERATOR)
        make_user(username="newcomer", display_name="New Comer", is_approved=False)
        host = make_user(username="hosta", display_name="Host A")
        admin = db.session.scalars(sa.select(type(host)).filter_by(username="ada")).one()
        mod = db.session.scalars(sa.select(type(host)).filter_by(username="mo")).one()
        han = db.session.scalars(sa.select(type(host)).filter_by(username="han")).one()
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
        # An open report, an edited post, a key insight and a pinned thread (log entries).
        reports.report_post(
            posts[1], reporter=han, reason=ReportReason.OFF_TOPIC, comment="Not about NBSAPs."
        )
        threads.edit_post(posts[0], editor=mod, source=posts[0].source + "\n\nEdited.")
        post_actions.mark_insight(admin, posts[2])
        thread_actions.pin_thread(admin, thread)
        # A post held for review.
        threads.reply(thread, author=han, source="A first post waiting for review.", held=True)
        result = ModWorld(
            thread_id=thread.id,
            thread_path=thread.path,
            board_slug=board.slug,
            edited_post_id=posts[0].id,
            reportable_post_id=posts[4].id,
            author=world.author,
        )
        db.session.remove()
    return result


@dataclass(frozen=True)
class ModCase:
    path: str  # may name the {thread}, {thread_id}, {board}, {edited} or {reportable} post
    user: str  # who logs in: "ada" (admin), "mo" (moderator), "hosta" (host) or "han"
    shows: str  # text on the page: the data under audit is there


MOD_CASES = {
    "mod-dashboard": ModCase("/mod", "mo", "Reported posts"),
    "mod-dashboard-admin": ModCase("/mod", "ada", "Accounts awaiting approval"),
    "mod-reports": ModCase("/mod/reports", "mo", "Not about NBSAPs."),
    "mod-posts": ModCase("/mod/posts", "mo", "A first post waiting for review."),
    "mod-accounts": ModCase("/mod/accounts", "ada", "newcomer"),
    "mod-people": ModCase("/mod/people", "ada", "amina"),
    "mod-person": ModCase("/mod/people/han", "ada", "han"),
    "mod-log": ModCase("/mod/log", "ada", "insight"),
    "thread-moderator": ModCase("{thread}", "mo", "Mark as key insight"),
    "thread-split": ModCase("/t/{thread_id}/split", "mo", "Integrating knowledge"),
    "thread-move": ModCase("/t/{thread_id}/move", "mo", "Integrating knowledge"),
    "thread-merge": ModCase("/t/{thread_id}/merge", "mo", "Integrating knowledge"),
    "post-revisions": ModCase("/p/{edited}/revisions", "mo", "Edited."),
    "post-report": ModCase("/p/{reportable}/report", "han", "Off-topic"),
    "board-edit-host": ModCase("/b/{board}/edit", "hosta", "Webinar"),
    "new-question-host": ModCase("/b/{board}/new?kind=question", "hosta", "question"),
}


@pytest.mark.parametrize("name", MOD_CASES)
def test_moderation_page_has_no_wcag_violations(
    name: str, mod_world: ModWorld, audit_context: BrowserContext, axe_source: str
) -> None:
    case = MOD_CASES[name]
    page = audit_context.new_page()
    log_in(page, case.user)
    path = case.path.format(
        thread=mod_world.thread_path,
        thread_id=mod_world.thread_id,
        board=mod_world.board_slug,
        edited=mod_world.edited_post_id,
        reportable=mod_world.reportable_post_id,
    )
    open_page(page, path)
    expect(page.locator("main")).to_contain_text(case.shows)
    if name == "thread-moderator":  # the tools under audit are on the page
        expect(page.get_by_role("button", name="Mark as key insight").first).to_be_visible()
        expect(page.get_by_role("link", name="Hide").first).to_be_visible()
        # Open the lock and hide forms (<details>), so that axe audits their fields too.
        summaries = page.get_by_role("region", name="Thread tools").locator("summary")
        expect(summaries).not_to_have_count(0)
        for summary in summaries.all():
            summary.click()
        expect(page.get_by_label("Reason, shown to readers (optional)")).to_be_visible()
    assert_accessible(page, axe_source)
