"""Doctor's Slack side: the bot token, its scopes, the connection mode, the alerts channel and
the default zone, with read methods only (``auth.test``, ``conversations.info``) and, in Socket
Mode, one WebSocket opened and closed at once.

Slack reports the scopes a token holds in the ``x-oauth-scopes`` header of every answer; they
are compared with ``BOT_SCOPES``, which a test keeps equal to manifest.yml's (the manifest is
not installed with the package, so the list the code reads is this one).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.socket_mode.builtin.connection import Connection
from slack_sdk.web import SlackResponse

from bot.config import Settings
from bot.doctor.check import Check, Outcome

BOT_SCOPES = frozenset(
    {
        "app_mentions:read",
        "channels:history",
        "channels:read",
        "chat:write",
        "commands",
        "files:write",
        "groups:history",
        "groups:read",
        "usergroups:read",
        "users:read",
    }
)
"""The bot scopes manifest.yml asks for (tests/test_doctor.py keeps the two equal)."""

_QUIET = logging.getLogger("recallbot.doctor.slack")
_QUIET.setLevel(logging.CRITICAL)  # each check says what failed, in its own line


def slack_checks(settings: Settings) -> list[Check]:
    """Every Slack check, in order (those that need a working token are left out without one)."""
    found = [*_token_and_scopes(settings), _mode(settings), _zone(settings)]
    if found[0].outcome is Outcome.OK:
        found.insert(2, _alerts_channel(settings))
    return found


def _client(settings: Settings, token: str) -> WebClient:
    return WebClient(token=token, base_url=settings.slack_api_url, logger=_QUIET, timeout=15)


def _unreachable(
    settings: Settings, name: str, exc: Exception, fix: str = "check the network or a proxy"
) -> Check:
    """Check ``name`` failed: Slack did not answer (no connection, a timeout, a proxy)."""
    reason = str(getattr(exc, "reason", "") or exc) or type(exc).__name__
    return Check(
        name=name,
        outcome=Outcome.FAILED,
        summary=f"Slack did not answer at {settings.slack_api_url} ({reason})",
        fix=fix,
    )


def _token_and_scopes(settings: Settings) -> list[Check]:
    if settings.slack_bot_token is None:
        return [
            Check(
                name="slack.token",
                outcome=Outcome.FAILED,
                summary="SLACK_BOT_TOKEN is not set",
                fix="set it to the app's Bot User OAuth Token (xoxb-…, OAuth & Permissions)",
            )
        ]
    try:
        answer = _client(settings, settings.slack_bot_token.get_secret_value()).auth_test()
    except SlackApiError as exc:
        return [
            Check(
                name="slack.token",
                outcome=Outcome.FAILED,
                summary=f"Slack refuses SLACK_BOT_TOKEN ({exc.response.get('error')})",
                fix="use the app's Bot User OAuth Token (xoxb-…) from OAuth & "
                "Permissions; reinstall the app if it changed",
            )
        ]
    except (SlackClientError, OSError) as exc:
        return [
            _unreachable(
                settings, "slack.token", exc, fix="check the network, a proxy, or SLACK_API_URL"
            )
        ]
    token = Check(
        name="slack.token",
        outcome=Outcome.OK,
        summary=f"Slack accepts SLACK_BOT_TOKEN: workspace {answer.get('team')} "
        f"({answer.get('team_id')}), bot user {answer.get('user_id')}",
    )
    return [token, _scopes(answer)]


def _scopes(answer: SlackResponse) -> Check:
    header = next((v for k, v in answer.headers.items() if k.lower() == "x-oauth-scopes"), None)
    if header is None:
        return Check(
            name="slack.scopes",
            outcome=Outcome.SKIPPED,
            summary="Slack named no granted scopes (no x-oauth-scopes header): they "
            "cannot be compared with manifest.yml's",
        )
    granted = frozenset(s.strip() for s in str(header).split(",") if s.strip())
    missing = sorted(BOT_SCOPES - granted)
    if missing:
        return Check(
            name="slack.scopes",
            outcome=Outcome.FAILED,
            summary=f"the bot token lacks {', '.join(missing)}",
            expected=", ".join(sorted(BOT_SCOPES)),
            seen=", ".join(sorted(granted)),
            fix="add them under OAuth & Permissions (or paste manifest.yml again) and "
            "reinstall the app",
        )
    return Check(
        name="slack.scopes",
        outcome=Outcome.OK,
        summary=f"the bot token holds every scope manifest.yml asks for ({len(BOT_SCOPES)})",
    )


def _mode(settings: Settings) -> Check:
    """The mode ``recallbot run`` would use (``Settings.slack_mode``, RECALLBOT_MODE), and
    whether its token works (Socket Mode) or its secret is set (HTTP)."""
    chosen = settings.mode != "auto"
    if settings.slack_mode() == "socket":
        if settings.slack_app_token is not None:
            return _socket_mode(settings, settings.slack_app_token.get_secret_value())
        summary = (
            "RECALLBOT_MODE=socket, but SLACK_APP_TOKEN is not set"
            if chosen
            else "neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is set"
        )
        return Check(
            name="slack.mode",
            outcome=Outcome.FAILED,
            summary=summary,
            fix="set SLACK_APP_TOKEN (an app-level token with connections:write, Basic "
            "Information → App-Level Tokens)"
            + ("" if chosen else ", or SLACK_SIGNING_SECRET for HTTP mode"),
        )
    said = "HTTP mode (RECALLBOT_MODE=http)" if chosen else "HTTP mode"
    if settings.slack_signing_secret is None:
        return Check(
            name="slack.mode",
            outcome=Outcome.FAILED,
            summary=f"{said}, but SLACK_SIGNING_SECRET is not set",
            fix="set SLACK_SIGNING_SECRET (the app's Basic Information → Signing Secret), or "
            "RECALLBOT_MODE=socket with SLACK_APP_TOKEN",
        )
    where = (
        f"{settings.public_url}/slack/events"
        if settings.public_url
        else "https://<your host>/slack/events"
    )
    return Check(
        name="slack.mode",
        outcome=Outcome.OK,
        summary=f"{said}: SLACK_SIGNING_SECRET is set (Slack must reach {where})",
    )


def _socket_mode(settings: Settings, app_token: str) -> Check:
    """``apps.connections.open``, then the WebSocket it names, opened and closed at once."""
    try:
        url = str(_client(settings, app_token).apps_connections_open(app_token=app_token)["url"])
    except SlackApiError as exc:
        return Check(
            name="slack.mode",
            outcome=Outcome.FAILED,
            summary=f"Socket Mode: Slack refuses SLACK_APP_TOKEN ({exc.response.get('error')})",
            fix="generate an app-level token with connections:write (Basic "
            "Information → App-Level Tokens) and turn Socket Mode on",
        )
    except (SlackClientError, OSError) as exc:
        return _unreachable(settings, "slack.mode", exc)
    errors: list[Exception] = []
    connection = Connection(url, _QUIET, on_error_listener=errors.append, receive_timeout=5)
    try:
        connection.connect()
        opened = connection.is_active()
    finally:
        connection.close()
    if not opened:
        why = str(errors[0]) if errors else "the WebSocket handshake was refused"
        return Check(
            name="slack.mode",
            outcome=Outcome.FAILED,
            summary=f"Socket Mode: Slack gave a WebSocket URL, but it did not open ({why})",
            fix="check that outgoing WebSockets (wss://, port 443) may leave this host",
        )
    return Check(
        name="slack.mode",
        outcome=Outcome.OK,
        summary="Socket Mode: SLACK_APP_TOKEN opens a connection (closed at once)",
    )


def _alerts_channel(settings: Settings) -> Check:
    channel = settings.alerts_channel
    if channel is None:
        return Check(
            name="slack.alerts_channel",
            outcome=Outcome.SKIPPED,
            summary="alerts are off (RECALLBOT_ALERTS_CHANNEL unset)",
        )
    assert settings.slack_bot_token is not None  # noqa: S101 - only asked once the token works
    client = _client(settings, settings.slack_bot_token.get_secret_value())
    invite = "invite the bot (/invite @recallbot in it), or correct RECALLBOT_ALERTS_CHANNEL"
    try:
        info = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as exc:
        error = exc.response.get("error")
        return Check(
            name="slack.alerts_channel",
            outcome=Outcome.FAILED,
            summary=f"RECALLBOT_ALERTS_CHANNEL {channel}: Slack answers {error}",
            fix=invite
            if error == "channel_not_found"
            else "add the missing scope from manifest.yml and reinstall",
        )
    except (SlackClientError, OSError) as exc:
        return _unreachable(settings, "slack.alerts_channel", exc)
    name = f"#{info.get('name')} ({channel})"
    if info.get("is_archived"):
        return Check(
            name="slack.alerts_channel",
            outcome=Outcome.FAILED,
            summary=f"{name} is archived",
            fix="unarchive it or choose another channel",
        )
    if not info.get("is_member"):
        return Check(
            name="slack.alerts_channel",
            outcome=Outcome.FAILED,
            summary=f"the bot is not a member of {name}: alerts could not be posted",
            fix=invite,
        )
    return Check(
        name="slack.alerts_channel", outcome=Outcome.OK, summary=f"the bot is a member of {name}"
    )


def _zone(settings: Settings) -> Check:
    now = datetime.now(UTC).astimezone(settings.default_zone)
    return Check(
        name="settings.default_tz",
        outcome=Outcome.OK,
        summary=f"RECALLBOT_DEFAULT_TZ {settings.default_tz} is a known zone (it is "
        f"{now:%H:%M %Z} there)",
    )
