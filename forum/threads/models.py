"""Threads, posts and the revisions kept when a post is edited."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import Model, UTCDateTime, enum_type, utcnow
from forum.reasons import REASON_MAX

if TYPE_CHECKING:
    from forum.accounts.models import User
    from forum.boards.models import Board

TITLE_MIN, TITLE_MAX = 5, 150
BODY_MIN, BODY_MAX = 2, 50_000


class ThreadKind(enum.StrEnum):
    DISCUSSION = "discussion"
    # A discussion question a webinar host opens the board with.
    QUESTION = "question"


class ThreadStatus(enum.StrEnum):
    VISIBLE = "visible"
    HIDDEN = "hidden"  # by a moderator, with a reason
    WITHDRAWN = "withdrawn"  # by its author, before anyone replied


class PostStatus(enum.StrEnum):
    PUBLISHED = "published"
    PENDING = "pending"  # a new member's post waiting for a moderator's approval
    HIDDEN = "hidden"  # by a moderator, with a reason: readers see that it was removed
    DELETED = "deleted"  # by its author


class Thread(Model):
    __tablename__ = "threads"
    __table_args__ = (
        # The board page lists pinned threads first, then by last activity.
        sa.Index("ix_threads_board_listing", "board_id", "is_pinned", "last_post_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by ix_threads_board_listing, whose first column it is.
    board_id: Mapped[int] = mapped_column(sa.ForeignKey("boards.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    slug: Mapped[str] = mapped_column(sa.String(80))
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Kept so that deleting the account leaves a readable discussion.
    author_name: Mapped[str] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[ThreadKind] = mapped_column(
        enum_type(ThreadKind), default=ThreadKind.DISCUSSION, server_default="discussion"
    )
    status: Mapped[ThreadStatus] = mapped_column(
        enum_type(ThreadStatus), default=ThreadStatus.VISIBLE, server_default="visible"
    )
    status_reason: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="", server_default="")
    # A scheduled thread (a host's question) appears at this time; None: at once.
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Numbers the posts: a new post, whatever its fate, takes position last_position + 1.
    last_position: Mapped[int] = mapped_column(default=0, server_default="0")
    # Published posts only: what readers count. last_post_* point at the latest of them.
    post_count: Mapped[int] = mapped_column(default=0)
    last_post_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="SET NULL", use_alter=True), index=True
    )
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    is_pinned: Mapped[bool] = mapped_column(default=False)
    is_locked: Mapped[bool] = mapped_column(default=False)
    lock_reason: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="", server_default="")
    is_highlighted: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Set when a moderator merged this thread into another: its address leads there.
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("threads.id", ondelete="SET NULL"), index=True
    )

    board: Mapped[Board] = relationship(lazy="raise")
    author: Mapped[User | None] = relationship(lazy="raise")
    last_post: Mapped[Post | None] = relationship(foreign_keys=[last_post_id], lazy="raise")

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)


class Post(Model):
    __tablename__ = "posts"
    __table_args__ = (
        # Pages of a thread are ranges of positions: the last page costs what the first does.
        sa.UniqueConstraint("thread_id", "position", name="uq_posts_thread_position"),
        # One post per submitted form: a double click or a retried POST finds this one.
        # (A unique index, not a constraint: SQLite adds it without rebuilding the table.)
        sa.Index("uq_posts_author_submission", "author_id", "submission_key", unique=True),
        # A profile lists a member's newest posts without sorting all of them.
        sa.Index("ix_posts_author_recent", "author_id", "created_at"),
        # A board's key insights are few among many posts: index only them.
        sa.Index(
            "ix_posts_key_insights",
            "thread_id",
            sqlite_where=sa.text("is_key_insight = 1"),
            postgresql_where=sa.text("is_key_insight"),
        ),
        # The approval queue (and every moderator's header count) reads only held posts.
        sa.Index(
            "ix_posts_pending",
            "created_at",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by uq_posts_thread_position, whose first column it is.
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"))
    position: Mapped[int]
    # Indexed by ix_posts_author_recent, whose first column it is.
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(sa.String(60))
    source: Mapped[str] = mapped_column(sa.Text)
    # Sanitised HTML made once from `source` by forum.markup when the post is written.
    html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edit_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[PostStatus] = mapped_column(
        enum_type(PostStatus), default=PostStatus.PUBLISHED, server_default="published"
    )
    # Why a moderator hid the post (shown to its author) or held it for approval.
    status_reason: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="", server_default="")
    is_key_insight: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The random id of the form this post was sent with (None for posts made by commands).
    submission_key: Mapped[str | None] = mapped_column(sa.String(32))

    thread: Mapped[Thread] = relationship(foreign_keys=[thread_id], lazy="raise")
    author: Mapped[User | None] = relationship(lazy="raise")

    @property
    def anchor(self) -> str:
        return f"p{self.id}"


class PostRevision(Model):
    """The text a post had before an edit: readers see "edited", moderators each version."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    editor_name: Mapped[str] = mapped_column(sa.String(60))
    source: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def quote_markdown(post: Post) -> str:
    """Return the post's text as a Markdown quote to start a reply with."""
    lines = post.source.strip().splitlines() or [""]
    quoted = "\n".join(f"> {line}" if line else ">" for line in lines)
    return f"> **{post.author_name}** [wrote](/p/{post.id}):\n>\n{quoted}\n\n"
