"""Moderation pages and actions: one blueprint, one module per group of actions.

Each module below registers its routes on `bp`; add a module's import at the end.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("moderation", __name__)

# Route modules (imported for their routes on `bp`).
from forum.moderation.views import _registered  # noqa: E402, F401
