"""recallbot's configuration: one typed model read from the environment (and a ``.env`` file).

Every setting is documented in docs/configuration.md's table; later features add theirs here
so that there is exactly one place to look.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.alerts.events import DEFAULT_ALERT_TYPES
from bot.alerts.window import AlertWindow
from bot.errors import SetupError
from bot.plumbing.front_limits import FrontLimits
from bot.policy import Policy
from bot.recall_terms import DEFAULT_MAX_TARGETS, DEFAULT_ZONE, MOST_TARGETS

__all__ = ["Settings", "SettingsError", "SetupError", "get_settings"]


class Settings(BaseSettings):
    """Settings shared by the CLI, the Slack app and the tracker."""

    # Each field names its environment variable outright (Slack's and Motive's variables carry
    # no common prefix), and tests may still build Settings(default_tz=...) by field name.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    default_tz: str = Field(DEFAULT_ZONE, validation_alias="RECALLBOT_DEFAULT_TZ")
    """IANA zone used to read a phrase when the requester's own zone is unknown."""

    motive_base_url: str = Field("https://api.gomotive.com/v1", validation_alias="MOTIVE_BASE_URL")
    motive_api_key: SecretStr | None = Field(None, validation_alias="MOTIVE_API_KEY")
    motive_bearer_token: SecretStr | None = Field(None, validation_alias="MOTIVE_BEARER_TOKEN")
    """An OAuth access token, sent as ``Authorization: Bearer``; wins over the API key."""
    motive_rate_per_s: float = Field(5.0, gt=0, validation_alias="MOTIVE_RATE_LIMIT")
    """Calls per second the client allows itself (Motive's own limits are not published)."""
    motive_timeout_s: float = Field(15.0, gt=0, validation_alias="MOTIVE_TIMEOUT")
    motive_shapes: dict[str, Any] = Field(default_factory=dict, validation_alias="MOTIVE_SHAPES")
    """JSON overriding the guessed parts of Motive's API (see ``bot.motive.MotiveShapes``)."""
    fleet_cache_ttl_s: float = Field(300.0, ge=0, validation_alias="RECALLBOT_FLEET_TTL")
    places_ttl_s: float = Field(300.0, ge=0, validation_alias="RECALLBOT_PLACES_TTL")
    """Seconds the geofences and each vehicle-day of location history are kept (``bot.places``):
    within it a question asks Motive nothing it asked before."""

    db_path: str = Field("./recallbot.db", validation_alias="RECALLBOT_DB")
    db_busy_timeout_s: float = Field(10.0, gt=0, validation_alias="RECALLBOT_DB_BUSY_TIMEOUT")
    """Seconds a write waits for another process's lock before failing (and being retried)."""
    motive_webhook_secret: SecretStr | None = Field(None, validation_alias="MOTIVE_WEBHOOK_SECRET")
    """The shared secret Motive signs completion webhooks with (unset: webhooks are refused)."""
    public_url: str | None = Field(None, validation_alias="RECALLBOT_PUBLIC_URL")
    """Where Motive (and Slack in HTTP mode) reach recallbot, e.g. https://recallbot.example.com:
    ``recallbot doctor`` checks Motive's webhook subscription points at its /motive/webhook."""
    track_deadline_s: float = Field(86400.0, gt=0, validation_alias="RECALLBOT_TRACK_DEADLINE")
    """How long a recall is followed before it is reported as expired."""
    track_workers: int = Field(4, ge=1, le=64, validation_alias="RECALLBOT_TRACK_WORKERS")
    time_scale: float = Field(1.0, gt=0, validation_alias="RECALLBOT_TIME_SCALE")
    """Divides every tracker interval: only for demos and tests against a sped-up sandbox."""
    dedup_window_s: float = Field(12 * 3600.0, ge=0, validation_alias="RECALLBOT_DEDUP_WINDOW")
    """A request identical to a recall delivered this recently gets that recall, not a new one."""
    submit_grace_s: float = Field(120.0, ge=0, validation_alias="RECALLBOT_SUBMIT_GRACE")
    """Seconds a process that wrote a 'submitting' row has to settle it with Motive (real time,
    not scaled); after that any running tracker settles it (a crash, a restart, an unclear
    answer)."""
    delivery_lease_s: float = Field(60.0, ge=0, validation_alias="RECALLBOT_DELIVERY_LEASE")
    """A delivery claimed this long ago and never recorded was cut short and is redone."""
    status_throttle_s: float = Field(30.0, ge=0, validation_alias="RECALLBOT_STATUS_THROTTLE")
    """At most one status update per recall this often (the final answer is never held)."""

    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    """An app-level token (xapp-...): with it, ``recallbot run`` uses Socket Mode."""
    mode: Literal["auto", "socket", "http"] = Field("auto", validation_alias="RECALLBOT_MODE")
    """How ``recallbot run`` meets Slack. ``auto``: Socket Mode when SLACK_APP_TOKEN is set,
    else HTTP when SLACK_SIGNING_SECRET is; one deploy kit then serves both (``--http`` wins)."""
    slack_api_url: str = Field("https://slack.com/api/", validation_alias="SLACK_API_URL")
    slack_response_urls: str = Field(
        "https://hooks.slack.com/", validation_alias="SLACK_RESPONSE_URL_PREFIX"
    )
    """Where Slack's response_urls start: recallbot POSTs to no other (the emulator's differs)."""
    confirm: Literal["always", "never"] = Field("always", validation_alias="RECALLBOT_CONFIRM")
    """``never``: /recall submits at once, without the preview and its Request button."""
    slack_post_rate_per_s: float = Field(1.0, gt=0, validation_alias="RECALLBOT_SLACK_POST_RATE")
    """Messages per second recallbot allows itself in one channel (Slack's guidance: about 1)."""
    slack_workers: int = Field(4, ge=1, le=64, validation_alias="RECALLBOT_SLACK_WORKERS")
    """Threads for work after an ack (previews, lookups); Request clicks get as many again.
    Motive's rate limit, not threads, bounds how fast previews go; fewer threads leave the acks
    more of the CPU (bench/ack.py)."""
    preview_processes: int = Field(3, ge=0, le=16, validation_alias="RECALLBOT_PREVIEW_PROCESSES")
    """Processes of its own that ``recallbot run`` checks /recall previews in, so that a burst
    of them uses every core rather than the app's one interpreter (bench/ack.py); 0: previews
    on the app's own threads (always so with ``RECALLBOT_CONFIRM=never``, where a preview is
    the Request). Each holds ~55 MB; Motive's rate limit is shared among them."""
    http_request_deadline_s: float = Field(
        FrontLimits.request_deadline_s, gt=0, validation_alias="RECALLBOT_HTTP_REQUEST_DEADLINE"
    )
    """Seconds a request's headers and body may take to arrive (from the accept, or from the
    first byte after the last answer); a slower one is answered 408 and closed."""
    http_max_per_client: int = Field(
        FrontLimits.max_per_client, ge=0, validation_alias="RECALLBOT_HTTP_MAX_PER_CLIENT"
    )
    """Connections one client address may hold at once (0: no cap). Behind a proxy every
    connection comes from the proxy's address: raise it, or set 0."""

    # The access policy (bot/policy.py): comma-separated Slack ids; empty means no restriction.
    allowed_channels: Annotated[frozenset[str], NoDecode] = Field(
        frozenset(), validation_alias="RECALLBOT_CHANNELS"
    )
    """Channels (C…/G…) recallbot may be used in (default: any the bot is in)."""
    requesters: Annotated[frozenset[str], NoDecode] = Field(
        frozenset(), validation_alias="RECALLBOT_REQUESTERS"
    )
    """Users (U…/W…) and user groups (S…) who may request (default: everyone)."""
    driver_facing: Annotated[frozenset[str] | None, NoDecode] = Field(
        None, validation_alias="RECALLBOT_DRIVER_FACING"
    )
    """Users and user groups who may request the driver-facing camera (default: requesters)."""
    links_in_public: bool = Field(True, validation_alias="RECALLBOT_LINKS_IN_PUBLIC")
    """Whether download links may be posted in public channels."""
    policy_contact: str = Field(
        "your recallbot admin", min_length=1, validation_alias="RECALLBOT_POLICY_CONTACT"
    )
    """Who people are told can change the policy (e.g. ``<@U024BE7LH>`` or ``#fleet-safety``)."""

    upload: Literal["off", "stills", "clips"] = Field("clips", validation_alias="RECALLBOT_UPLOAD")
    """What goes into the thread after the links: nothing, a still per camera, or stills and
    each camera's clip (and, with two cameras or more, all angles in one clip)."""
    upload_max_mb: int = Field(200, ge=1, le=1000, validation_alias="RECALLBOT_UPLOAD_MAX_MB")
    """A clip larger than this stays a link (said in the thread)."""
    upload_driver_facing: bool = Field(False, validation_alias="RECALLBOT_UPLOAD_DRIVER_FACING")
    """Whether driver-facing footage is uploaded (a file in Slack lives under the workspace's
    retention, not Motive's): by default it stays a link and all angles leave it out."""
    media_workers: int = Field(2, ge=1, le=8, validation_alias="RECALLBOT_MEDIA_WORKERS")
    """Recalls whose footage is fetched, checked and uploaded at once (CPU-bound: keep small)."""
    max_targets: int = Field(
        DEFAULT_MAX_TARGETS, ge=1, le=MOST_TARGETS, validation_alias="RECALLBOT_MAX_TARGETS"
    )
    """Vehicles and assets one request may name ("trucks 42 and 43 yesterday 3pm")."""
    alerts_channel: str | None = Field(None, validation_alias="RECALLBOT_ALERTS_CHANNEL")
    """The channel (C…) where Motive's safety events become incident threads (unset: off)."""
    alert_types: Annotated[frozenset[str], NoDecode] = Field(
        frozenset(DEFAULT_ALERT_TYPES), validation_alias="RECALLBOT_ALERT_TYPES"
    )
    """Event types posted (Motive's words: hard_brake, crash, forward_collision_warning...)."""
    alert_window: Annotated[AlertWindow, NoDecode] = Field(
        AlertWindow(), validation_alias="RECALLBOT_ALERT_WINDOW"
    )
    """Footage before and after an event's start that its buttons request ("1m,1m")."""
    auto_recall: Annotated[frozenset[str], NoDecode] = Field(
        frozenset(), validation_alias="RECALLBOT_AUTO_RECALL"
    )
    """Event types whose footage is requested at once, without a click."""
    auto_budget_minutes: int = Field(10, ge=0, validation_alias="RECALLBOT_AUTO_BUDGET")
    """Minutes of quota a day (in RECALLBOT_DEFAULT_TZ) that automatic requests may spend."""
    alert_show_driver: bool = Field(False, validation_alias="RECALLBOT_ALERT_SHOW_DRIVER")
    """Whether an alert names the driver (by default it never does)."""
    alert_net_every_s: float = Field(300.0, ge=5, validation_alias="RECALLBOT_ALERT_NET_EVERY")
    """Seconds between reads of Motive's event list, so a lost webhook still becomes a thread."""
    media_lease_s: float = Field(900.0, ge=1, validation_alias="RECALLBOT_MEDIA_LEASE")
    """Seconds a footage attempt may hold its claim: longer than the slowest download, check
    and upload. A claim older than this was cut short (a crash) and the footage is tried again,
    which is the one window where Slack may get the same files twice."""
    download_deadline_s: float = Field(
        300.0, ge=1, validation_alias="RECALLBOT_DOWNLOAD_DEADLINE"
    )
    """Seconds one clip's download may take in all, retries included (besides the timeout of
    each read): a host that trickles a byte at a time gives the worker back after this."""
    stall_after_s: float = Field(900.0, gt=0, validation_alias="RECALLBOT_STALL_AFTER")
    """A footage job or an alert loop pass running longer than this makes ``/readyz`` say
    which one is stuck (keep it above RECALLBOT_DOWNLOAD_DEADLINE plus an upload)."""
    motive_event_url: str = Field(
        "https://app.gomotive.com/en-US/#/safety/events/{id}",
        validation_alias="RECALLBOT_MOTIVE_EVENT_URL",
    )
    """A safety event in Motive's dashboard (``{id}``: the event's id), linked where Motive's
    own clip cannot be put in the thread (guess: set it to what your dashboard shows)."""
    alert_retention_days: int = Field(90, ge=0, validation_alias="RECALLBOT_ALERT_RETENTION")
    """Days a safety event is kept after its last delivery (0: forever). An older event that
    Motive delivers again is a new thread."""
    audit_retention_days: int = Field(365, ge=0, validation_alias="RECALLBOT_AUDIT_RETENTION")
    """Days the audit log keeps routine lines (alerts posted, clips shared, links refreshed);
    requests and refusals are kept forever (0: keep everything)."""
    draft_retention_days: int = Field(7, ge=1, validation_alias="RECALLBOT_DRAFT_RETENTION")
    """Days a preview's draft is kept (used or not): its Request button works until then."""

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", validation_alias="RECALLBOT_LOG_LEVEL"
    )
    """How much ``run``, ``track`` and ``sandbox`` log (to stderr)."""
    log_format: Literal["text", "json"] = Field("text", validation_alias="RECALLBOT_LOG_FORMAT")
    """``json``: one JSON object per line, for a log shipper."""

    @field_validator(
        "motive_api_key", "motive_bearer_token", "motive_webhook_secret", "slack_bot_token",
        "slack_signing_secret", "slack_app_token", mode="before",
    )  # fmt: skip
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        """``SLACK_APP_TOKEN=`` (as in .env.example) means not set."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_capitals(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    def secret_values(self) -> list[str]:
        """Every secret set, for masking in logs."""
        return [
            value.get_secret_value()
            for value in (getattr(self, name) for name in type(self).model_fields)
            if isinstance(value, SecretStr) and value.get_secret_value()
        ]

    @field_validator("default_tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{value!r} is not an IANA time zone (e.g. America/Chicago)") from exc
        return value

    @field_validator("alert_types", "auto_recall", mode="before")
    @classmethod
    def _event_types(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return frozenset(part.strip().lower() for part in re.split(r"[\s,]+", value) if part)

    @field_validator("alert_window", mode="before")
    @classmethod
    def _window(cls, value: Any) -> Any:
        return AlertWindow.parse(value) if isinstance(value, str) else value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value.strip()):
            raise ValueError(f"{value!r} is not a URL like https://recallbot.example.com")
        return value.strip().rstrip("/")

    @field_validator("alerts_channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[CG][A-Z0-9]{2,}", value.strip()):
            raise ValueError(f"{value!r} is not a Slack channel id (C…), e.g. C0SAFETYALERTS")
        return value.strip() if value else None

    @field_validator("allowed_channels", "requesters", "driver_facing", mode="before")
    @classmethod
    def _slack_ids(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        ids = frozenset(part for part in re.split(r"[\s,]+", value) if part)
        if info.field_name == "driver_facing" and not ids:
            return None
        prefixes = "CG" if info.field_name == "allowed_channels" else "UWS"
        wrong = sorted(i for i in ids if not re.fullmatch(f"[{prefixes}][A-Z0-9]{{2,}}", i))
        if wrong:
            kinds = "channel ids (C…)" if prefixes == "CG" else "user (U…) or user group (S…) ids"
            raise ValueError(
                f"{', '.join(wrong)}: not Slack {kinds}. Give ids separated by commas, e.g. "
                + ("C024BE91L,C0SAFETY" if prefixes == "CG" else "U024BE7LH,S0FLEETSAFETY")
            )
        return ids

    def policy(self) -> Policy:
        """The access policy these settings describe."""
        return Policy(
            channels=self.allowed_channels,
            requesters=self.requesters,
            driver_facing=self.driver_facing,
            links_in_public=self.links_in_public,
            contact=self.policy_contact,
        )

    def http_front(self) -> FrontLimits:
        """The HTTP front's limits these settings describe."""
        return FrontLimits(
            request_deadline_s=self.http_request_deadline_s,
            max_per_client=self.http_max_per_client,
        )

    def slack_mode(self, http: bool = False) -> Literal["socket", "http"]:
        """The mode ``recallbot run`` uses: ``--http`` (``http``) or RECALLBOT_MODE when it says
        one, else Socket Mode when an app-level token is set or no signing secret is (the
        default: it needs no public URL)."""
        if http or self.mode == "http":
            return "http"
        if self.mode == "socket" or self.slack_app_token or not self.slack_signing_secret:
            return "socket"
        return "http"

    @property
    def default_zone(self) -> ZoneInfo:
        """The default zone as a tzinfo."""
        return ZoneInfo(self.default_tz)


class SettingsError(SetupError):
    """A setting is wrong; the message names it and says what would do."""


def explain(error: ValidationError) -> str:
    """One line per bad setting: its variable, what was wrong, and what a good value is."""
    lines = []
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem["loc"] else "?"
        field = Settings.model_fields.get(name) or next(
            (f for f in Settings.model_fields.values() if f.validation_alias == name), None
        )
        variable = str(field.validation_alias) if field and field.validation_alias else name
        said = problem.get("input")
        example = (
            ""
            if field is None or field.default in (None, frozenset())
            else (f" (default: {field.default})")
        )
        message = str(problem["msg"]).removeprefix("Value error, ")
        lines.append(f"{variable}={said!r}: {message}{example}")
    return "\n".join(lines)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once; ``SettingsError`` when one is wrong."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(explain(exc)) from None
