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
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse

from bot.config import Settings, SetupError
from bot.plumbing.metrics import SLACK_CALLS, SLACK_ERRORS, bounded

# The label values of a call's series: the Web API's methods (as slack_sdk names them,
# chat_postMessage for chat.postMessage) and the errors Slack documents for every method and
# for the methods recallbot calls. Any other method or error is counted as "other".
SLACK_METHODS = frozenset(name.replace("_", ".") for name, member in vars(WebClient).items()
                          if callable(member) and not name.startswith("_"))  # fmt: skip
SLACK_ERROR_CODES = frozenset({
    # every method
    "access_denied", "accesslimited", "account_inactive", "deprecated_endpoint",
    "ekm_access_denied", "enterprise_is_restricted", "fatal_error", "internal_error",
    "invalid_arg_name", "invalid_arguments", "invalid_array_arg", "invalid_auth",
    "invalid_charset", "invalid_form_data", "invalid_post_type", "is_bot", "method_deprecated",
    "missing_post_type", "missing_scope", "no_permission", "not_allowed_token_type",
    "not_authed", "org_login_required", "ratelimited", "request_timeout", "service_unavailable",
    "team_access_not_granted", "token_expired", "token_revoked", "two_factor_setup_required",
    "unknown_method",
    # chat.*
    "cant_delete_message", "cant_update_message", "channel_not_found", "edit_window_closed",
    "invalid_blocks", "invalid_blocks_format", "is_archived", "message_not_found",
    "msg_too_long", "no_text", "not_in_channel", "restricted_action",
    "restricted_action_non_threadable_channel", "restricted_action_read_only_channel",
    "restricted_action_thread_only_channel", "too_many_attachments", "user_not_in_channel",
    # conversations.*, users.info, usergroups.users.list
    "invalid_cursor", "invalid_ts_latest", "invalid_ts_oldest", "no_such_subteam",
    "thread_not_found", "user_not_found", "user_not_visible",
    # views.*
    "duplicate_external_id", "exchanged_trigger_id", "expired_trigger_id", "hash_conflict",
    "invalid_trigger_id", "not_found", "view_not_found", "view_too_large",
    # files.*
    "file_not_found", "file_upload_size_restricted", "file_uploads_disabled", "invalid_channel",
})  # fmt: skip


class MeteredWebClient(WebClient):
    """A WebClient whose every call is counted (``recallbot_slack_calls``/``_errors``)."""

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        """Call Slack, counting the call and, when it fails, why."""
        method = bounded(api_method, SLACK_METHODS)
        SLACK_CALLS.labels(method).inc()
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            SLACK_ERRORS.labels(method, bounded(str(exc.response.get("error")),
                                                SLACK_ERROR_CODES)).inc()  # fmt: skip
            raise
        except (SlackClientError, OSError):
            SLACK_ERRORS.labels(method, "unreachable").inc()
            raise


NOT_REPEATABLE = frozenset({"chat.postMessage", "chat.postEphemeral",
                            "files.completeUploadExternal"})  # fmt: skip
"""Methods a 500 must not make the client repeat: Slack may have done the work before its answer
failed, and a repeat would post the message (or share the files) twice. Their callers retry
instead, looking first for what the failed call may have made. (A 503 is Slack turning the
call away at the door: repeated as for any method.)"""


class RepeatableServerErrorRetryHandler(ServerErrorRetryHandler):
    """Retries Slack's 500 and 503, except a 500 to the calls in ``NOT_REPEATABLE``."""

    def _can_retry(self, *, state: RetryState, request: HttpRequest,
                   response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:  # fmt: skip
        done_maybe = response is not None and response.status_code == 500
        if done_maybe and request.url.rsplit("/", 1)[-1] in NOT_REPEATABLE:
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)


def retry_handlers() -> list[Any]:
    """What every Slack client of recallbot retries: 429s (nothing was done) and Slack's server
    errors on calls that can be repeated."""
    return [
        RateLimitErrorRetryHandler(max_retry_count=3),
        RepeatableServerErrorRetryHandler(max_retry_count=2),
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
