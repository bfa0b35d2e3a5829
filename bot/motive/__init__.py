"""Motive's video recall API: one client class, one exception hierarchy, typed answers.

Everything else in the package is private; import from here.
"""

from bot.alerts.events import EventShapes
from bot.motive._captures import CapturedImage, ImageCapture
from bot.motive._client import MotiveClient
from bot.motive._config import MotiveConfig, MotiveShapes
from bot.motive._errors import (
    MotiveAuthError,
    MotiveBadRequest,
    MotiveCreateOutcomeUnknown,
    MotiveDuplicate,
    MotiveError,
    MotiveNotFound,
    MotivePermissionError,
    MotiveQuotaExhausted,
    MotiveRateLimited,
    MotiveUnavailable,
)
from bot.motive._models import (
    Asset,
    AssetRef,
    CameraResult,
    Quota,
    QuotaBucket,
    QuotaInfo,
    RecallDetails,
    RecallStatus,
    Timelines,
    TimeWindow,
    Vehicle,
    VehicleRef,
    WebhookSubscription,
)
from bot.motive._places import Geofence, GeofenceEvent, GeoPoint, LocationPoint
from bot.motive._routes import Route, Routes
from bot.motive._webhook import webhook_signature, webhook_signature_valid

__all__ = [
    "Asset",
    "AssetRef",
    "CameraResult",
    "CapturedImage",
    "EventShapes",
    "GeoPoint",
    "Geofence",
    "GeofenceEvent",
    "ImageCapture",
    "LocationPoint",
    "MotiveAuthError",
    "MotiveBadRequest",
    "MotiveClient",
    "MotiveConfig",
    "MotiveCreateOutcomeUnknown",
    "MotiveDuplicate",
    "MotiveError",
    "MotiveNotFound",
    "MotivePermissionError",
    "MotiveQuotaExhausted",
    "MotiveRateLimited",
    "MotiveShapes",
    "MotiveUnavailable",
    "Quota",
    "QuotaBucket",
    "QuotaInfo",
    "RecallDetails",
    "RecallStatus",
    "Route",
    "Routes",
    "TimeWindow",
    "Timelines",
    "Vehicle",
    "VehicleRef",
    "WebhookSubscription",
    "webhook_signature",
    "webhook_signature_valid",
]
