"""Remember what the recommender answered for a page, for as long as the answer holds.

Pages ask the same questions over and over (an outfit's bags and bundles, a bag's outfits
and look-alikes).  The answers go into the app's answer cache (``services.answer_cache``)
under the recommender's answer revision: the catalog and model revisions and the
click-through used, so any catalog write, refit or new click-through empties them and a
remembered answer is exactly what a recomputation would give.  Their items are the
process's read-only item rows (``services.item_table``), shared by every request.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from lookbook.recommend.service import Recommender
from lookbook.server import services

T = TypeVar("T")


def remembered(rec: Recommender, key: Hashable, compute: Callable[[], T]) -> T:
    """Return the page answer for ``key`` under the current revision, computing it once."""
    revision = rec.answer_revision
    if revision is None:  # the revision cannot be named: never remember
        return compute()
    return services.answer_cache().get_or_compute(("page", key), revision, compute)
