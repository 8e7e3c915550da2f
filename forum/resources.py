"""Locate the top-level resource folders (templates, static, migrations).

In a checkout they sit beside the package; an installed wheel carries them inside it.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> str:
    """Return the folder `name` from inside the package if installed, else from the checkout."""
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return str(inside)
    return str(PACKAGE_DIR.parent / name)
