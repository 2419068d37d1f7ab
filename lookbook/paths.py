"""Where the project's non-Python parts live (templates, assets, migrations, models)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
ASSETS = ROOT / "assets"
MIGRATIONS = ROOT / "migrations"
DEFAULT_MODELS = ROOT / "models"
DEFAULT_INSTANCE = ROOT / "instance"
