"""The Web API client recallbot calls Slack with, and the check it makes before serving.

One ``WebClient`` subclass counts every call and failure by method for ``/metrics``; it retries
429s (honouring Retry-After) and Slack's server errors. ``check_auth`` runs ``auth.test`` at
start, so a wrong token or an unreachable Slack is one clear line, not a traceback at the first
``/recall``.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

from bot.config import Settings, SetupError
from bot.plumbing.metrics import SLACK_CALLS, SLACK_ERRORS


class MeteredWebClient(WebClient):
    """A WebClient whose every call is counted (``recallbot_slack_calls``/``_errors``)."""

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        """Call Slack, counting the call and, when it fails, why."""
        SLACK_CALLS.labels(api_method).inc()
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            SLACK_ERRORS.labels(api_method, str(exc.response.get("error") or "unknown")).inc()
            raise
        except (SlackClientError, OSError):
            SLACK_ERRORS.labels(api_method, "unreachable").inc()
            raise


def retry_handlers() -> list[Any]:
    """What every Slack client of recallbot retries: 429s and Slack's server errors."""
    return [
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def slack_client(settings: Settings) -> MeteredWebClient:
    """The client for recallbot's own calls."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return MeteredWebClient(
        token=token, base_url=settings.slack_api_url, retry_handlers=retry_handlers()
    )


_QUIET = logging.getLogger("recallbot.slack.start")
_QUIET.setLevel(logging.CRITICAL)  # the check says what failed, in one line of its own


def check_auth(client: WebClient) -> dict[str, str]:
    """``auth.test``: the workspace and bot user the token belongs to; ``SetupError`` saying
    what to fix when Slack refuses the token or cannot be reached."""
    probe = WebClient(token=client.token, base_url=client.base_url, logger=_QUIET)
    try:
        answer = probe.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error")
        raise SetupError(
            f"Slack refused SLACK_BOT_TOKEN ({error}): use the app's Bot User OAuth Token "
            "(xoxb-...) from its OAuth & Permissions page, and reinstall the app if it changed"
        ) from None
    except (SlackClientError, OSError) as exc:
        reason = str(getattr(exc, "reason", "") or exc) or type(exc).__name__
        raise SetupError(
            f"Slack did not answer at {probe.base_url} ({reason}): check the network, a "
            "proxy, or SLACK_API_URL"
        ) from None
    return {"team": str(answer.get("team_id")), "bot_user": str(answer.get("user_id"))}
