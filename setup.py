"""Build hook: ship the top-level templates/, assets/ and migrations/ inside the wheel.

The checkout keeps those folders at the top level (the layout is fixed); a wheel has no
top level, so ``build_py`` copies them into ``lookbook/_bundled/`` of the build tree.
``lookbook.paths`` looks there first and falls back to the checkout, so an editable
install (which skips the copy) reads the folders in place.  Metadata lives in
pyproject.toml; this file only adds the copy step.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("templates", "assets", "migrations")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


class BuildWithFiles(build_py):
    """Copy the non-Python folders into the package being built."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # the checkout is used in place
            return
        target = Path(self.build_lib) / "lookbook" / "_bundled"
        for name in BUNDLED:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(HERE / name, target / name, ignore=SKIP)


setup(cmdclass={"build_py": BuildWithFiles})
