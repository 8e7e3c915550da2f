"""Every model of the forum, imported in one place so that the metadata (migrations,
dump and load) always knows all tables."""

from forum.accounts.models import User
from forum.audit import LogEntry
from forum.boards.models import Board, BoardRole
from forum.moderation.models import Report
from forum.threads.models import Post, PostRevision, Thread

__all__ = ["Board", "BoardRole", "LogEntry", "Post", "PostRevision", "Report", "Thread", "User"]
