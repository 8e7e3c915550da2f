"""The moderation blueprint, on which every module of forum.moderation.views adds its routes."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("moderation", __name__)
