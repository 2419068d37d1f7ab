"""Every mapped model, imported once so the metadata (and Alembic) sees them all."""

from lookbook.analytics.models import DailyCount, Event
from lookbook.audit.models import AuditEntry
from lookbook.auth.models import ApiKey, User
from lookbook.catalog import revision as _revision  # noqa: F401  (registers the hook)
from lookbook.catalog.models import (
    CatalogState,
    CurationRule,
    Item,
    ItemColour,
    ItemImage,
    ItemTag,
)
from lookbook.database import Base
from lookbook.database.leases import Lease
from lookbook.lookbooks.models import Look, Lookbook, LookBundleItem

__all__ = [
    "ApiKey", "AuditEntry", "Base", "CatalogState", "CurationRule", "DailyCount", "Event", "Item",
    "ItemColour", "ItemImage", "ItemTag", "Lease", "Look", "LookBundleItem", "Lookbook", "User",
]
