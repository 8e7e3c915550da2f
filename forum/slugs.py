"""URL slugs made from titles in any language."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, fallback: str = "thread", max_length: int = 80) -> str:
    """Return a lower-case ASCII slug for `text`, or `fallback` if nothing survives."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or fallback
