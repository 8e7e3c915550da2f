"""Thread use cases called directly: start, reply, edit, re-render; counters move with them."""

from __future__ import annotations

import sqlalchemy as sa

from forum.accounts.models import Role, User
from forum.boards.queries import NO_DISCUSSION, BoardStats, board_stats
from forum.db import db, utcnow
from forum.threads import queries, services
from forum.threads.models import Post, PostRevision, Thread, quote_markdown
from tests.factories import make_board, make_post, make_thread, make_user


def _posts(thread: Thread) -> list[Post]:
    stmt = sa.select(Post).where(Post.thread_id == thread.id).order_by(Post.position)
    return list(db.session.scalars(stmt))


def _revisions(post: Post) -> list[PostRevision]:
    stmt = sa.select(PostRevision).where(PostRevision.post_id == post.id).order_by(PostRevision.id)
    return list(db.session.scalars(stmt))


def _fresh(obj: object) -> None:
    db.session.refresh(obj)


def _board(board_id: int) -> BoardStats:
    # Boards store no counters: what readers see of a board is computed when read.
    return board_stats(utcnow()).get(board_id, NO_DISCUSSION)


def _edit(post: Post, *, editor: User, source: str, title: str | None = None) -> bool:
    # As the view does: the post comes with its thread loaded.
    loaded = queries.post_or_404(post.id, editor)
    return services.edit_post(loaded, editor=editor, source=source, title=title)


# --- start_thread ------------------------------------------------------------------------


def test_start_thread_opens_a_thread_with_its_first_post(ctx) -> None:
    board, author = make_board(), make_user(username="ana")
    thread = services.start_thread(
        board, author=author, title="  Sharing data across borders  ", source="How do *you* do it?"
    )
    assert thread.title == "Sharing data across borders"
    assert thread.slug == "sharing-data-across-borders"
    assert thread.author_id == author.id and thread.author_name == "ana"
    [post] = _posts(thread)
    assert post.position == 1
    assert post.source == "How do *you* do it?"
    assert post.html == "<p>How do <em>you</em> do it?</p>"
    assert post.author_name == "ana"
    assert post.edited_at is None and post.edit_count == 0


def test_start_thread_moves_every_counter(ctx) -> None:
    board, author = make_board(), make_user()
    thread = services.start_thread(board, author=author, title="A new question", source="Body")
    [post] = _posts(thread)
    for obj in (author, thread):
        _fresh(obj)
    stats = _board(board.id)
    assert (stats.thread_count, stats.post_count) == (1, 1)
    assert stats.last_post_id == post.id and stats.last_post_at == post.created_at
    assert (thread.post_count, thread.reply_count) == (1, 0)
    assert thread.last_post_id == post.id and thread.last_post_at == post.created_at
    assert author.post_count == 1


def test_titles_in_other_scripts_get_a_usable_slug(ctx) -> None:
    assert make_thread(title="Café et biodiversité").slug == "cafe-et-biodiversite"
    assert make_thread(title="生物多样性知识管理").slug == "thread"


def test_long_titles_make_slugs_of_at_most_80_characters(ctx) -> None:
    thread = make_thread(title="word " * 30)
    assert len(thread.slug) <= 80
    assert not thread.slug.endswith("-")


# --- reply -------------------------------------------------------------------------------


def test_replies_take_the_next_positions_in_order(ctx) -> None:
    thread = make_thread()
    first = make_post(thread=thread, body="one")
    second = make_post(thread=thread, body="two")
    assert [p.position for p in _posts(thread)] == [1, 2, 3]
    assert (first.position, second.position) == (2, 3)


def test_a_reply_moves_the_thread_board_and_author_counters(ctx) -> None:
    thread = make_thread()
    replier = make_user()
    post = services.reply(thread, author=replier, source="Agreed.")
    for obj in (thread, replier):
        _fresh(obj)
    assert (thread.post_count, thread.reply_count) == (2, 1)
    assert thread.last_post_id == post.id and thread.last_post_at == post.created_at
    stats = _board(thread.board_id)
    assert (stats.thread_count, stats.post_count, stats.last_post_id) == (1, 2, post.id)
    assert replier.post_count == 1


def test_a_reply_leaves_other_boards_and_threads_alone(ctx) -> None:
    here, elsewhere = make_thread(), make_thread()
    make_post(thread=here)
    _fresh(elsewhere)
    other_board = _board(elsewhere.board_id)
    assert (other_board.thread_count, other_board.post_count) == (1, 1)
    assert other_board.last_post_id == elsewhere.last_post_id
    assert elsewhere.post_count == 1


def test_the_board_last_post_is_the_newest_across_its_threads(ctx) -> None:
    board = make_board()
    older, newer = make_thread(board=board), make_thread(board=board)
    latest = make_post(thread=older)
    stats = _board(board.id)
    assert stats.last_post_id == latest.id
    assert (stats.thread_count, stats.post_count) == (2, 3)
    _fresh(newer)
    assert newer.last_post_id != latest.id


def test_replies_are_rendered_once_when_written(ctx) -> None:
    post = make_post(body="See https://www.cbd.int/")
    assert post.html == (
        '<p>See <a href="https://www.cbd.int/" rel="nofollow ugc noopener">'
        "https://www.cbd.int/</a></p>"
    )


# --- edit_post ---------------------------------------------------------------------------


def test_editing_a_post_keeps_the_old_text_as_a_revision(ctx) -> None:
    post = make_post(body="First draft")
    author = db.session.get(User, post.author_id)
    assert author is not None
    changed = _edit(post, editor=author, source="Second *draft*")
    assert changed is True
    _fresh(post)
    assert post.source == "Second *draft*"
    assert post.html == "<p>Second <em>draft</em></p>"
    assert post.edited_at is not None and post.edit_count == 1
    [revision] = _revisions(post)
    assert revision.source == "First draft"
    assert revision.editor_id == author.id and revision.editor_name == author.username


def test_each_edit_keeps_one_more_revision(ctx) -> None:
    post = make_post(body="v1")
    author = db.session.get(User, post.author_id)
    assert author is not None
    _edit(post, editor=author, source="v2")
    _edit(post, editor=author, source="v3")
    _fresh(post)
    assert post.edit_count == 2
    assert [r.source for r in _revisions(post)] == ["v1", "v2"]


def test_a_moderators_edit_is_recorded_under_the_moderators_name(ctx) -> None:
    post = make_post(body="Spam link")
    moderator = make_user(username="mod", role=Role.MODERATOR)
    _edit(post, editor=moderator, source="(removed)")
    [revision] = _revisions(post)
    assert (revision.editor_name, revision.source) == ("mod", "Spam link")
    _fresh(post)
    assert post.author_id != moderator.id


def test_saving_unchanged_text_changes_nothing(ctx) -> None:
    post = make_post(body="Same")
    author = db.session.get(User, post.author_id)
    assert author is not None
    assert _edit(post, editor=author, source="Same") is False
    _fresh(post)
    assert post.edited_at is None and post.edit_count == 0
    assert _revisions(post) == []


def test_editing_the_first_post_can_retitle_the_thread(ctx) -> None:
    thread = make_thread(title="Old title here", body="Body")
    [first] = _posts(thread)
    author = db.session.get(User, thread.author_id)
    assert author is not None
    assert _edit(first, editor=author, source="Body", title="  New title here ")
    _fresh(thread)
    assert (thread.title, thread.slug) == ("New title here", "new-title-here")
    # Only the title changed: the post's text has no new revision and is not marked edited.
    _fresh(first)
    assert _revisions(first) == [] and first.edited_at is None


def test_a_title_given_with_a_reply_is_ignored(ctx) -> None:
    thread = make_thread(title="Keep this title")
    reply = make_post(thread=thread, body="Reply")
    author = db.session.get(User, reply.author_id)
    assert author is not None
    assert _edit(reply, editor=author, source="Reply", title="Hijacked") is False
    _fresh(thread)
    assert thread.title == "Keep this title"


def test_editing_moves_no_counters(ctx) -> None:
    thread = make_thread(replies=1)
    [first, second] = _posts(thread)
    author = db.session.get(User, first.author_id)
    assert author is not None
    _edit(first, editor=author, source="Changed")
    _fresh(thread)
    _fresh(author)
    stats = _board(thread.board_id)
    assert (thread.post_count, thread.last_post_id) == (2, second.id)
    assert (stats.post_count, stats.last_post_id) == (2, second.id)
    assert author.post_count == 2


# --- Quotes ------------------------------------------------------------------------------


def test_a_quote_names_the_author_links_the_post_and_quotes_every_line(ctx) -> None:
    post = make_post(author=make_user(username="ana"), body="Line one\n\nLine two\n")
    assert quote_markdown(post) == (
        f"> **ana** [wrote](/p/{post.id}):\n>\n> Line one\n>\n> Line two\n\n"
    )


def test_a_quoted_post_renders_as_a_blockquote_with_a_safe_link(ctx) -> None:
    post = make_post(author=make_user(username="ana"), body="<script>x</script>")
    html = services.markup.render(quote_markdown(post))
    assert html.startswith("<blockquote>")
    assert f'<a href="/p/{post.id}" rel="nofollow ugc noopener">wrote</a>' in html
    assert "<script" not in html


# --- Deleted accounts --------------------------------------------------------------------


def test_deleting_an_account_keeps_its_threads_and_posts_under_its_name(ctx) -> None:
    author = make_user(username="leaver")
    thread = make_thread(author=author, replies=1)
    post = make_post(thread=thread, author=author)
    _edit(post, editor=author, source="Edited before leaving")
    thread_id, post_id = thread.id, post.id
    db.session.delete(author)
    db.session.commit()
    db.session.expunge_all()

    thread = db.session.get(Thread, thread_id)
    post = db.session.get(Post, post_id)
    assert thread is not None and post is not None
    assert (thread.author_id, thread.author_name) == (None, "leaver")
    assert (post.author_id, post.author_name) == (None, "leaver")
    [revision] = db.session.scalars(sa.select(PostRevision).where(PostRevision.post_id == post_id))
    assert (revision.editor_id, revision.editor_name) == (None, "leaver")
    assert thread.post_count == 3


# --- rerender_all ------------------------------------------------------------------------


def test_rerender_all_renders_every_post_again_from_its_source(ctx) -> None:
    thread = make_thread(body="*one*", replies=4)
    db.session.execute(sa.update(Post).values(html="<p>stale</p>"))
    db.session.commit()
    assert services.rerender_all(batch_size=2) == 5
    posts = _posts(thread)
    assert posts[0].html == "<p><em>one</em></p>"
    assert [p.html for p in posts[1:]] == [f"<p>Reply number {i}</p>" for i in range(1, 5)]


def test_rerender_all_on_an_empty_forum_does_nothing(ctx) -> None:
    assert services.rerender_all() == 0


def test_flask_forum_rerender_rewrites_stored_html(app) -> None:
    with app.app_context():
        post = make_post(body="Visit https://example.org")
        post_id = post.id
        db.session.execute(sa.update(Post).values(html="<p>old allowlist</p>"))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["forum", "rerender"])
    assert result.exit_code == 0, result.output
    assert "2 posts rendered again." in result.output
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert post is not None
        assert post.html == (
            '<p>Visit <a href="https://example.org" rel="nofollow ugc noopener">'
            "https://example.org</a></p>"
        )
