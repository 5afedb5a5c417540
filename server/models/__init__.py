"""ORM models; importing this package registers every table on the metadata."""

from server.models.alerts import Alert, AlertDelivery, AlertSend
from server.models.catalog import CatalogItem, CatalogPrice
from server.models.customers import Customer, Site
from server.models.kb import KbArticle, KbUsage
from server.models.preferences import EngineerPreference
from server.models.ratings import Rating
from server.models.service_points import ServicePoint
from server.models.sync_log import Counter, FeedEntry, SyncClient, SyncMutation
from server.models.users import ApiToken, User
from server.models.workorders import (
    ChargeLineRow,
    NoteRow,
    PhotoRow,
    SignoffRow,
    TimelineEvent,
    WorkOrderDocument,
    WorkOrderRow,
)

__all__ = [
    "Alert", "AlertDelivery", "AlertSend", "ApiToken", "CatalogItem", "CatalogPrice",
    "ChargeLineRow", "Counter", "Customer", "EngineerPreference", "FeedEntry", "KbArticle",
    "KbUsage", "NoteRow", "PhotoRow", "Rating", "ServicePoint", "SignoffRow", "Site",
    "SyncClient", "SyncMutation", "TimelineEvent", "User", "WorkOrderDocument", "WorkOrderRow",
]
