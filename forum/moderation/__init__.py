"""Moderation: reports, queues, sanctions and the moderation log."""
