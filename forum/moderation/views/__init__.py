"""Moderation pages and actions: one blueprint, one module per group of actions.

Each module below adds its routes to `bp` (forum.moderation.views.blueprint); importing them
here, in this fixed order, is their registration. A new module is added to this import.
"""

from __future__ import annotations

from forum.moderation.views import content, hosting, people, queues, restructure
from forum.moderation.views.blueprint import bp

__all__ = ["bp", "content", "hosting", "people", "queues", "restructure"]
