"""Every full page the forum renders, and how to reach it: the registry the axe audits walk.

One entry per page template (templates/**/*.html extending base.html; partials start with
`_`). tests/browser/test_page_registry.py fails when a page template is missing here, so a
new page gets its accessibility audit, at desktop and at phone width, from one line:

    "boards/new.html": Visit("/boards/new", user="ada", shows="New webinar board"),

A path may name what the site fixture of tests/browser/test_accessibility.py makes (see
`Site`): {thread}, {thread_id}, {board}, {board_slug}, {author}, {edited}, {reportable},
{own_reply}, {question_id}. `user` logs in first: "amina" (a member who wrote the thread and
{own_reply}), "han" (another member), "hosta" (host of {board}), "mo" (moderator) or "ada"
(administrator). The audit also checks the page was rendered from the template it is listed
under, so an entry cannot silently audit another page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page


@dataclass(frozen=True)
class Visit:
    """How to reach a page: where, as whom, and what must be on it before the audit."""

    path: str
    user: str | None = None  # who logs in first (None: a guest)
    shows: str = ""  # text that must be in <main>: the data under audit is there
    status: int = 200
    then: Callable[[Page], None] | None = None  # done on the page before the audit
    name: str = ""  # tells apart several visits of one template


def _expect():  # type: ignore[no-untyped-def]
    from tests.browser import playwright_api

    return playwright_api().expect


def pages_navigation_shown(page: Page) -> None:
    _expect()(page.get_by_role("navigation", name="Pages").first).to_be_visible()


def submit_bad_registration(page: Page) -> None:
    expect = _expect()
    page.get_by_label("Username").fill("a!")
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat password").fill("different")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("[aria-invalid=true]")).not_to_have_count(0)


def submit_empty_reply(page: Page) -> None:
    expect = _expect()
    page.get_by_label("Your reply").fill("")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("[aria-invalid=true]")).not_to_have_count(0)


def open_thread_tools(page: Page) -> None:
    """Show a moderator's tools, and open the lock and hide forms (<details>) for axe."""
    expect = _expect()
    pages_navigation_shown(page)
    expect(page.get_by_role("button", name="Mark as key insight").first).to_be_visible()
    expect(page.get_by_role("link", name="Hide").first).to_be_visible()
    summaries = page.get_by_role("region", name="Thread tools").locator("summary")
    expect(summaries).not_to_have_count(0)
    for summary in summaries.all():
        summary.click()
    expect(page.get_by_label("Reason, shown to readers (optional)")).to_be_visible()


PAGES: dict[str, Visit | tuple[Visit, ...]] = {
    # boards
    "boards/index.html": Visit("/", shows="Webinar"),
    "boards/show.html": Visit("{board}", shows="Recording of webinar 4"),
    "boards/edit.html": Visit("/b/{board_slug}/edit", user="hosta", shows="Webinar"),
    "boards/new.html": Visit("/boards/new", user="ada", shows="New webinar board"),
    "boards/title.html": Visit("/b/{board_slug}/title", user="ada", shows="title"),
    "boards/close.html": Visit("/b/{board_slug}/close", user="ada", shows="Close"),
    # threads
    "threads/show.html": (
        Visit("{thread}", then=pages_navigation_shown, name="guest"),
        Visit("{thread}", user="amina", then=pages_navigation_shown, name="member"),
        Visit("{thread}?page=2", user="amina", then=pages_navigation_shown, name="page-2"),
        Visit("{thread}", user="mo", then=open_thread_tools, name="moderator"),
    ),
    "threads/new.html": (
        Visit("{board}/new", user="amina", shows="Title"),
        Visit("/b/{board_slug}/new?kind=question", user="hosta", shows="question", name="host"),
    ),
    "threads/reply.html": (
        Visit("/t/{thread_id}/reply?quote={own_reply}", user="han", shows="Reply to"),
        Visit("/t/{thread_id}/reply", user="han", then=submit_empty_reply, name="errors"),
    ),
    "threads/edit_post.html": Visit("/p/{own_reply}/edit", user="amina", shows="Edit post"),
    # accounts
    "accounts/login.html": Visit("/login"),
    "accounts/register.html": (
        Visit("/register"),
        Visit("/register", then=submit_bad_registration, name="errors"),
    ),
    "accounts/profile.html": Visit("/u/{author}", shows="Amina Diallo"),
    "accounts/edit_profile.html": Visit("/settings/profile", user="amina", shows="profile"),
    "accounts/change_password.html": Visit("/settings/password", user="amina", shows="password"),
    "accounts/list_sessions.html": Visit("/settings/sessions", user="amina", shows="(this device)"),
    "errors/error.html": Visit("/no/such/page", status=404),
    # moderation and hosting
    "moderation/dashboard.html": (
        Visit("/mod", user="mo", shows="Reported posts"),
        Visit("/mod", user="ada", shows="Accounts awaiting approval", name="admin"),
    ),
    "moderation/reports.html": Visit("/mod/reports", user="mo", shows="Not about NBSAPs."),
    "moderation/pending_posts.html": Visit("/mod/posts", user="mo", shows="waiting for review"),
    "moderation/pending_accounts.html": Visit("/mod/accounts", user="ada", shows="newcomer"),
    "moderation/people.html": Visit("/mod/people", user="ada", shows="amina"),
    "moderation/person.html": Visit("/mod/people/han", user="ada", shows="han"),
    "moderation/moderate_profile.html": Visit(
        "/mod/people/han/profile", user="mo", shows="Edit han's profile"
    ),
    "moderation/log.html": Visit("/mod/log", user="ada", shows="insight"),
    "moderation/split.html": Visit("/t/{thread_id}/split", user="mo", shows="Integrating"),
    "moderation/move.html": Visit("/t/{thread_id}/move", user="mo", shows="Integrating"),
    "moderation/merge.html": Visit("/t/{thread_id}/merge", user="mo", shows="Integrating"),
    "moderation/revisions.html": Visit("/p/{edited}/revisions", user="mo", shows="Edited."),
    "moderation/report.html": Visit("/p/{reportable}/report", user="han", shows="Off-topic"),
    "moderation/confirm_action.html": (
        Visit("/t/{thread_id}/lock", user="mo", shows="Integrating", name="lock"),
        Visit("/p/{own_reply}/delete", user="amina", name="delete"),
    ),
    "moderation/reschedule_question.html": Visit(
        "/t/{question_id}/schedule", user="hosta", shows="When this question appears"
    ),
}


def visits() -> dict[str, tuple[str, Visit]]:
    """Every visit by a readable id ("threads/show.html:member"), with its template."""
    out: dict[str, tuple[str, Visit]] = {}
    for template, entry in PAGES.items():
        for visit in entry if isinstance(entry, tuple) else (entry,):
            key = f"{template}:{visit.name}" if visit.name else template
            assert key not in out, f"two visits of {template} need different names"
            out[key] = (template, visit)
    return out
