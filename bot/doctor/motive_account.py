"""Doctor's first Motive checks: recallbot can call Motive at all (the settings make a client),
Motive accepts the key, and the recall quota reads.

The quota is read first because it needs nothing but the key: a refusal there is about the
key (or the network), and then no later check could say anything more.
"""

from __future__ import annotations

from pydantic import ValidationError

from bot.config import Settings
from bot.doctor.check import Check, Outcome
from bot.doctor.motive_reads import SEND_BUNDLE, MotiveReads, blocking, keys
from bot.motive import MotiveAuthError, MotiveConfig, MotiveError, MotivePermissionError, Quota

QUOTA_PATH = "/video_recall_requests/quota"


def credentials_check(settings: Settings) -> Check | None:
    """A failure when the settings make no Motive client (None when they do)."""
    try:
        MotiveConfig.from_settings(settings)
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
        return Check(
            name="motive.credentials",
            outcome=Outcome.FAILED,
            summary=f"recallbot cannot call Motive: {problem}",
            fix="set MOTIVE_API_KEY (Motive: Admin → API keys) or MOTIVE_BEARER_TOKEN, and "
            "check MOTIVE_SHAPES is a JSON object of MotiveShapes' fields",
        )
    return None


def account_checks(reads: MotiveReads) -> list[Check]:
    """``motive.auth`` (failed: nothing more can be asked), then ``motive.quota``."""
    settings = reads.settings
    where = settings.motive_base_url
    key = "MOTIVE_BEARER_TOKEN" if settings.motive_bearer_token else "MOTIVE_API_KEY"
    try:
        quota = reads.client().quota()
    except MotiveAuthError as exc:
        return [
            _refused(
                f"Motive refuses {key} at {where} ({exc.motive_message})",
                f"set {key} to a valid one (Motive: Admin → API keys, or your OAuth app's "
                "access token)",
            )
        ]
    except MotivePermissionError as exc:
        return [
            _refused(
                f"Motive knows {key} but refuses video recalls to it ({exc.motive_message})",
                "give the key access to vehicles and video recalls (or ask Motive to turn "
                "video recall on for the company)",
            )
        ]
    except MotiveError as exc:
        return [
            _refused(
                f"Motive did not answer the quota read: {exc}",
                "check MOTIVE_BASE_URL, the network and any proxy",
            )
        ]
    except ValidationError:
        quota = None
    accepted = Check(
        name="motive.auth", outcome=Outcome.OK, summary=f"Motive accepts {key} at {where}"
    )
    return [accepted, _quota_check(reads, quota)]


def _refused(summary: str, fix: str) -> Check:
    return Check(name="motive.auth", outcome=Outcome.FAILED, summary=summary, fix=fix)


def _quota_check(reads: MotiveReads, quota: Quota | None) -> Check:
    """The minutes left, or why they do not read (``quota`` None: the answer did not)."""
    if quota is None:
        return Check(
            name="motive.quota",
            outcome=Outcome.FAILED,
            summary="the quota answer does not read",
            expected="quota_info {regular, timelapse}",
            seen=keys(reads.body(QUOTA_PATH)),
            fix=SEND_BUNDLE,
        )
    regular, timelapse = quota.quota_info.regular, quota.quota_info.timelapse
    if regular.total_minutes <= 0:
        body = reads.body(QUOTA_PATH)
        return blocking(
            name="motive.quota",
            summary="the quota reads as 0 minutes in all",
            expected="quota_info.regular {used_minutes, remaining_minutes, total_minutes}",
            seen=f"quota_info: {keys(body.get('quota_info') if isinstance(body, dict) else None)}",
            fix=f"if the company has recall minutes, {SEND_BUNDLE}",
        )
    return Check(
        name="motive.quota",
        outcome=Outcome.OK,
        summary=f"{regular.remaining_minutes:g} of {regular.total_minutes:g} regular minutes "
        f"left this month, {timelapse.remaining_minutes:g} of {timelapse.total_minutes:g} "
        "time-lapse",
    )
