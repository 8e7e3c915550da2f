"""Imports every route module of the moderation blueprint, for the routes they add to `bp`."""

from forum.moderation.views import content, hosting, people, queues, restructure  # noqa: F401
