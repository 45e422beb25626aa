"""Where the shipped non-Python files live, in a checkout and in an installed wheel alike."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_ROOT = PACKAGE_DIR.parents[1]


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[0]


TEMPLATES_DIR = _first_existing(PACKAGE_DIR / "templates", _CHECKOUT_ROOT / "templates")
STATIC_DIR = PACKAGE_DIR / "static"
ALEMBIC_INI = _first_existing(PACKAGE_DIR / "alembic.ini", _CHECKOUT_ROOT / "alembic.ini")
ALEMBIC_DIR = _first_existing(PACKAGE_DIR / "alembic", _CHECKOUT_ROOT / "alembic")
DEMO_ARTICLE = PACKAGE_DIR / "demo" / "us-pakistan-counterterrorism.txt"
