"""Where the project's non-Python parts live (templates, assets, migrations, models).

An installed wheel carries templates, assets and migrations inside the package
(``lookbook/_bundled/``, copied there by the build hook in ``setup.py``); a checkout
keeps them at the top level.  The installed copy is looked for first.  Data that a
deployment writes (the instance folder, fitted models) never goes into site-packages:
an installed Lookbook keeps it under ``./instance`` of the working directory unless
``LOOKBOOK_INSTANCE`` / ``LOOKBOOK_MODELS_DIR`` say otherwise.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUNDLED = PACKAGE / "_bundled"
CHECKOUT = PACKAGE.parent
INSTALLED = (BUNDLED / "templates").is_dir()


def _folder(name: str) -> Path:
    """Return the installed copy of a top-level folder, else the checkout's."""
    bundled = BUNDLED / name
    return bundled if bundled.is_dir() else CHECKOUT / name


TEMPLATES = _folder("templates")
ASSETS = _folder("assets")
MIGRATIONS = _folder("migrations")
DEFAULT_INSTANCE = Path("instance").resolve() if INSTALLED else CHECKOUT / "instance"
DEFAULT_MODELS = DEFAULT_INSTANCE / "models" if INSTALLED else CHECKOUT / "models"


def default_models(instance: Path) -> Path:
    """Return where fitted models go by default: the checkout's models/, or the instance's."""
    return instance / "models" if INSTALLED else DEFAULT_MODELS
