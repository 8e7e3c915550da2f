"""Reports of posts: filing them, the review queue's reads, and resolving a post's reports."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum.accounts.models import Role, User
from forum.audit import LogEntry
from forum.db import db
from forum.errors import ServiceError
from forum.moderation import reports
from forum.moderation.models import Report, ReportReason, ReportStatus
from forum.moderation.reports import Resolution
from forum.threads.models import Post, PostStatus, Thread
from tests.factories import grant_board_role, make_board, make_post, make_thread, make_user


def _report(post: Post, reporter: User | None = None, **kw: object) -> Report:
    return reports.report_post(
        post,
        reporter=reporter or make_user(),
        reason=kw.pop("reason", ReportReason.SPAM),  # type: ignore[arg-type]
        comment=str(kw.pop("comment", "")),
    )


def _log() -> list[LogEntry]:
    return list(db.session.scalars(sa.select(LogEntry).order_by(LogEntry.id)))


def _statuses(post_id: int) -> list[tuple[str, str, int | None]]:
    rows = db.session.execute(
        sa.select(Report.status, Report.resolution, Report.resolved_by_id)
        .where(Report.post_id == post_id)
        .order_by(Report.id)
    )
    return [(str(s), r, by) for s, r, by in rows]


# --- filing ------------------------------------------------------------------------------


def test_a_member_files_a_report_with_reason_and_comment(ctx):
    post = make_post()
    reporter = make_user()
    report = _report(post, reporter, reason=ReportReason.OFF_TOPIC, comment="  Not about data  ")
    assert (report.post_id, report.reporter_id) == (post.id, reporter.id)
    assert report.reason == ReportReason.OFF_TOPIC
    assert report.comment == "Not about data"
    assert report.status == ReportStatus.OPEN


def test_filing_a_report_writes_no_moderation_log_entry(ctx):
    _report(make_post())
    assert _log() == []


def test_a_second_open_report_by_the_same_member_is_refused_with_a_clear_message(ctx):
    post, reporter = make_post(), make_user()
    _report(post, reporter)
    with pytest.raises(ServiceError, match="already reported this post"):
        _report(post, reporter, reason=ReportReason.ABUSIVE)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 1


def test_other_members_may_report_the_same_post(ctx):
    post = make_post()
    _report(post)
    _report(post)
    assert len(_statuses(post.id)) == 2


def test_a_member_may_report_a_post_again_once_their_report_is_closed(ctx):
    post, reporter = make_post(), make_user()
    _report(post, reporter)
    reports.resolve_reports(
        post, actor=make_user(role=Role.MODERATOR), resolution=Resolution.DISMISSED
    )
    _report(post, reporter)
    assert [s for s, _, _ in _statuses(post.id)] == ["closed", "open"]


# --- resolving ---------------------------------------------------------------------------


@pytest.mark.parametrize("resolution", [Resolution.DISMISSED, Resolution.EDITED])
def test_dismissing_or_marking_edited_closes_every_open_report_with_one_log_entry(ctx, resolution):
    post = make_post()
    _report(post)
    _report(post, reason=ReportReason.ABUSIVE)
    moderator = make_user(role=Role.MODERATOR)
    assert reports.resolve_reports(post, actor=moderator, resolution=resolution) == 2
    assert _statuses(post.id) == [("closed", str(resolution), moderator.id)] * 2
    assert db.session.scalar(sa.select(sa.func.count()).where(Report.resolved_at.is_(None))) == 0
    [entry] = _log()
    assert (entry.actor_id, entry.target_type, entry.target_id) == (moderator.id, "post", post.id)
    assert entry.details == {"resolution": str(resolution), "reports": 2}
    assert db.session.get_one(Post, post.id).status == PostStatus.PUBLISHED


def test_resolving_leaves_other_posts_reports_open(ctx):
    post, other = make_post(), make_post()
    _report(post)
    _report(other)
    reports.resolve_reports(
        post, actor=make_user(role=Role.MODERATOR), resolution=Resolution.DISMISSED
    )
    assert [s for s, _, _ in _statuses(other.id)] == ["open"]


def test_resolving_again_changes_nothing_and_logs_nothing(ctx):
    post = make_post()
    _report(post)
    moderator = make_user(role=Role.MODERATOR)
    reports.resolve_reports(post, actor=moderator, resolution=Resolution.DISMISSED)
    assert reports.resolve_reports(post, actor=moderator, resolution=Resolution.DISMISSED) == 0
    assert len(_log()) == 1


def test_hiding_the_post_closes_its_reports_and_moves_the_counters(ctx):
    thread = make_thread()
    author = make_user()
    post = make_post(thread=thread, author=author)
    _report(post)
    _report(post)
    moderator = make_user(role=Role.MODERATOR)
    closed = reports.resolve_reports(
        post, actor=moderator, resolution=Resolution.HIDDEN, reason="Advertising"
    )
    assert closed == 2
    db.session.expire_all()
    hidden = db.session.get_one(Post, post.id)
    assert (hidden.status, hidden.status_reason) == (PostStatus.HIDDEN, "Advertising")
    assert db.session.get_one(Thread, thread.id).post_count == 1
    assert db.session.get_one(User, author.id).post_count == 0
    assert _statuses(post.id) == [("closed", "hidden", moderator.id)] * 2
    [entry] = _log()  # the hiding service's own entry
    assert (entry.action, entry.target_id, entry.reason) == ("hide_post", post.id, "Advertising")


def test_hiding_a_post_hidden_meanwhile_still_closes_its_reports_with_one_entry(ctx):
    post = make_post()
    _report(post)
    moderator = make_user(role=Role.MODERATOR)
    db.session.execute(sa.update(Post).where(Post.id == post.id).values(status=PostStatus.HIDDEN))
    db.session.commit()
    closed = reports.resolve_reports(
        post, actor=moderator, resolution=Resolution.HIDDEN, reason="Spam"
    )
    assert closed == 1
    [entry] = _log()
    assert entry.action == "resolve_reports_hidden"


def test_hiding_without_a_reason_is_refused_and_leaves_the_reports_open(ctx):
    post = make_post()
    _report(post)
    with pytest.raises(ServiceError):
        reports.resolve_reports(
            post, actor=make_user(role=Role.MODERATOR), resolution=Resolution.HIDDEN, reason=" "
        )
    assert [s for s, _, _ in _statuses(post.id)] == ["open"]
    assert _log() == []


# --- the review queue --------------------------------------------------------------------


def test_the_queue_groups_open_reports_by_post_most_reported_first(ctx):
    once, twice = make_post(), make_post()
    _report(once, comment="first")
    _report(twice, reason=ReportReason.ABUSIVE)
    _report(twice, reason=ReportReason.ABUSIVE)
    items = reports.reported_posts(make_user(role=Role.MODERATOR))
    assert [(i.post.id, i.count) for i in items] == [(twice.id, 2), (once.id, 1)]
    assert items[0].reasons == [("Abusive or offensive", 2)]
    assert items[0].suggested_reason == "Abusive or offensive"
    assert items[1].reports[0].comment == "first"
    assert items[1].post.thread.board.heading  # loaded with the post


def test_the_queue_leaves_out_closed_reports(ctx):
    post = make_post()
    _report(post)
    moderator = make_user(role=Role.MODERATOR)
    reports.resolve_reports(post, actor=moderator, resolution=Resolution.DISMISSED)
    assert reports.reported_posts(moderator) == []


def test_a_board_moderator_sees_only_the_reports_of_their_boards(ctx):
    mine, other = make_board(), make_board()
    post_here = make_post(thread=make_thread(board=mine))
    _report(post_here)
    _report(make_post(thread=make_thread(board=other)))
    board_moderator = make_user()
    grant_board_role(board_moderator, mine, "moderator")
    assert [i.post.id for i in reports.reported_posts(board_moderator)] == [post_here.id]


def test_the_queue_shows_a_bounded_number_of_reports_per_post(ctx):
    post = make_post()
    for _ in range(reports.REPORTS_SHOWN + 2):
        _report(post)
    [item] = reports.reported_posts(make_user(role=Role.MODERATOR))
    assert item.count == reports.REPORTS_SHOWN + 2
    assert len(item.reports) == reports.REPORTS_SHOWN
