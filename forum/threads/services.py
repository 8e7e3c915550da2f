"""Thread use cases: start a thread, reply, edit a post, re-render stored HTML.

Each is one transaction; counters move in SQL inside it, never read-modify-write in Python.
New posts go through forum.threads.lifecycle (which counts them and announces them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from forum import markup
from forum.accounts.models import User
from forum.boards.models import Board
from forum.db import db, utcnow
from forum.slugs import slugify
from forum.threads import lifecycle
from forum.threads.lifecycle import refresh_author_counters as refresh_author_counters
from forum.threads.lifecycle import refresh_thread_counters as refresh_thread_counters
from forum.threads.models import Post, PostRevision, Thread, ThreadKind

T = TypeVar("T")


def held_for_review(author: User, first_posts_held: int) -> bool:
    """Whether a new post of `author` waits for a moderator: their first N posts do.

    Moderators, hosts and board moderators are trusted from the start.
    """
    if author.is_moderator or author.board_roles:
        return False
    return author.post_count < first_posts_held


def _held_by_policy(author: User, held: bool | None) -> bool:
    """Decide pre-moderation for a new post, whatever entry point made it (form, email,
    import): the app's PREMODERATION_POSTS setting, unless the caller states it (`held`)."""
    if held is not None:
        return held
    return held_for_review(author, int(current_app.config["PREMODERATION_POSTS"]))


def _once(author: User, submission_key: str | None, write: Callable[[], T]) -> T | Post:
    """Run `write` and commit; if this form submission was stored before, return that post.

    The unique (author, submission key) index decides, not a look-up before the insert,
    so two copies of one POST racing each other still make a single post.
    """
    try:
        result = write()
        lifecycle.commit()
    except IntegrityError:
        db.session.rollback()
        if submission_key is None:
            raise
        earlier = db.session.scalar(
            sa.select(Post).where(
                Post.author_id == author.id, Post.submission_key == submission_key
            )
        )
        if earlier is None:
            raise
        return earlier
    return result


def start_thread(
    board: Board,
    *,
    author: User,
    title: str,
    source: str,
    submission_key: str | None = None,
    held: bool | None = None,
    kind: ThreadKind = ThreadKind.DISCUSSION,
    publish_at: datetime | None = None,
) -> Thread:
    """Open a thread on `board` with its first post; a repeated submission opens none.

    A held first post waits for a moderator (readers see no thread until then); whether
    it is held is the pre-moderation policy's decision unless `held` says (imports, tests).
    A thread with `publish_at` in the future appears at that time.
    """
    title = title.strip()
    held = _held_by_policy(author, held)

    def write() -> Thread:
        thread = Thread(
            board_id=board.id,
            title=title,
            slug=slugify(title),
            author_id=author.id,
            author_name=author.username,
            kind=kind,
            publish_at=publish_at,
            last_post_at=publish_at or utcnow(),
        )
        db.session.add(thread)
        db.session.flush()
        lifecycle.add_post(thread, author, source, submission_key, held=held)
        return thread

    result = _once(author, submission_key, write)
    if isinstance(result, Post):
        return db.session.get_one(Thread, result.thread_id)
    return result


def reply(
    thread: Thread,
    *,
    author: User,
    source: str,
    submission_key: str | None = None,
    held: bool | None = None,
) -> Post:
    """Add a reply at the end of `thread`; a repeated submission adds none.

    Pre-moderation is decided here, as for start_thread (`held` overrides it).
    """
    held = _held_by_policy(author, held)
    return _once(
        author,
        submission_key,
        lambda: lifecycle.add_post(thread, author, source, submission_key, held=held),
    )


def edit_post(post: Post, *, editor: User, source: str, title: str | None = None) -> bool:
    """Replace a post's text (and its thread's title, for a first post); keep the old text.

    Return whether anything changed.
    """
    thread = post.thread
    new_title = title.strip() if title is not None and post.position == 1 else thread.title
    if source == post.source and new_title == thread.title:
        return False
    if source != post.source:
        db.session.add(
            PostRevision(
                post_id=post.id,
                editor_id=editor.id,
                editor_name=editor.username,
                source=post.source,
            )
        )
        post.source = source
        post.html = markup.render(source)
        post.edited_at = utcnow()
        post.edit_count = Post.edit_count + 1
    if new_title != thread.title:
        thread.title = new_title
        thread.slug = slugify(new_title)
    db.session.commit()
    return True


def rerender_all(batch_size: int = 500) -> int:
    """Render every stored post again from its source (after the allowlist changed)."""
    count = 0
    last_id = 0
    while True:
        rows = db.session.execute(
            sa.select(Post.id, Post.source)
            .where(Post.id > last_id)
            .order_by(Post.id)
            .limit(batch_size)
        ).all()
        if not rows:
            break
        for row in rows:
            db.session.execute(
                sa.update(Post).where(Post.id == row.id).values(html=markup.render(row.source))
            )
        last_id = rows[-1].id
        count += len(rows)
        db.session.commit()
    return count


def recount_all() -> None:
    """Recompute every counter and last-post pointer from the posts themselves; commit.

    For repairs and bulk imports; the app's own writes keep them right as they go.
    """
    db.session.execute(lifecycle.recount_threads())
    db.session.execute(lifecycle.recount_last_post_at())
    db.session.execute(lifecycle.recount_users())
    db.session.commit()
