"""Doctor's webhook subscription checks (with MOTIVE_WEBHOOK_SECRET set): a subscription at
``GET /v1/company_webhooks`` sends the actions recallbot listens for, to
``RECALLBOT_PUBLIC_URL/motive/webhook``, signed with the same secret (when Motive shows it).

Recallbot never changes a subscription (doctor only reads, and the app polls for what a
webhook does not bring), so each finding says what to change at Motive.
"""

from __future__ import annotations

import hmac

from pydantic import SecretStr, ValidationError

from bot.doctor.check import Check, Outcome
from bot.doctor.motive_reads import MotiveReads, failed, why
from bot.motive import MotiveError, WebhookSubscription

WEBHOOK_PATH = "/motive/webhook"


def webhook_checks(reads: MotiveReads) -> list[Check]:
    """``motive.webhook`` and, once a subscription is found, its URL and secret (skipped:
    no MOTIVE_WEBHOOK_SECRET)."""
    settings = reads.settings
    secret = settings.motive_webhook_secret
    if secret is None:
        return [
            Check(
                name="motive.webhook",
                outcome=Outcome.SKIPPED,
                summary="MOTIVE_WEBHOOK_SECRET is unset: recallbot refuses webhooks "
                "and polls Motive instead",
            )
        ]
    shapes = reads.shapes()
    needed = [
        *shapes.recall_actions,
        *(shapes.events.actions if settings.alerts_channel else ()),
    ]
    url = f"{settings.public_url.rstrip('/')}{WEBHOOK_PATH}" if settings.public_url else None
    try:
        subscriptions = reads.client().webhook_subscriptions()
    except (MotiveError, ValidationError) as exc:
        return [
            failed(
                "motive.webhook",
                f"GET /company_webhooks: {why(exc)}",
                "give the key access to the company's webhooks",
            )
        ]
    chosen = _subscription(subscriptions, url, needed)
    if chosen is None:
        where = url or f"https://<RECALLBOT_PUBLIC_URL>{WEBHOOK_PATH}"
        return [
            Check(
                name="motive.webhook",
                outcome=Outcome.FAILED,
                summary=f"no webhook subscription sends {', '.join(needed)}",
                expected=f"one pointing at {where}",
                seen=f"{len(subscriptions)} subscriptions",
                fix="create it (POST /v1/company_webhooks or Motive's dashboard; docs/deploy.md)",
            )
        ]
    return [_actions(chosen, needed), _url(chosen, url), _secret(chosen, secret)]


def _actions(subscription: WebhookSubscription, needed: list[str]) -> Check:
    """The subscription is on and sends every action recallbot listens for."""
    missing = [a for a in needed if a not in subscription.actions]
    if subscription.enabled is False:
        return Check(
            name="motive.webhook",
            outcome=Outcome.FAILED,
            summary=f"webhook subscription {subscription.id} is turned off",
            fix=f"turn it on (PUT /v1/company_webhooks/{subscription.id} "
            '{"enabled": true}, or the dashboard)',
        )
    if missing:
        return Check(
            name="motive.webhook",
            outcome=Outcome.DIFFERS,
            summary=f"webhook subscription {subscription.id} leaves out what "
            "recallbot listens for (it polls for those instead)",
            expected=", ".join(needed),
            seen=", ".join(subscription.actions) or "none",
            fix=f"add {', '.join(missing)} to subscription {subscription.id}",
        )
    return Check(
        name="motive.webhook",
        outcome=Outcome.OK,
        summary=f"webhook subscription {subscription.id} sends {', '.join(needed)}",
    )


def _url(subscription: WebhookSubscription, url: str | None) -> Check:
    """The subscription sends to recallbot's public URL (skipped: that URL is unset)."""
    if url is None:
        return Check(
            name="motive.webhook.url",
            outcome=Outcome.SKIPPED,
            summary=f"subscription {subscription.id} points at {subscription.url}; "
            "RECALLBOT_PUBLIC_URL is unset, so it cannot be compared",
            fix="set RECALLBOT_PUBLIC_URL to where Motive reaches recallbot",
        )
    if subscription.url != url:
        return Check(
            name="motive.webhook.url",
            outcome=Outcome.FAILED,
            summary=f"subscription {subscription.id} sends elsewhere",
            expected=url,
            seen=str(subscription.url),
            fix=f"point subscription {subscription.id} at {url} (or correct RECALLBOT_PUBLIC_URL)",
        )
    return Check(
        name="motive.webhook.url",
        outcome=Outcome.OK,
        summary=f"subscription {subscription.id} points at {url}",
    )


def _secret(subscription: WebhookSubscription, secret: SecretStr) -> Check:
    """The subscription signs with MOTIVE_WEBHOOK_SECRET (``secret``), when Motive shows it."""
    if subscription.secret is None:
        return Check(
            name="motive.webhook.secret",
            outcome=Outcome.SKIPPED,
            summary="Motive does not show the subscription's secret: it cannot be "
            "compared with MOTIVE_WEBHOOK_SECRET",
            fix="if webhooks are refused (403 in the log, "
            "recallbot_webhook_verifications_total), set the secret again at "
            "both ends",
        )
    if not hmac.compare_digest(subscription.secret.encode(), secret.get_secret_value().encode()):
        return Check(
            name="motive.webhook.secret",
            outcome=Outcome.FAILED,
            summary=f"subscription {subscription.id} signs with another secret "
            "than MOTIVE_WEBHOOK_SECRET: every webhook would be refused",
            fix="set MOTIVE_WEBHOOK_SECRET to the subscription's secret",
        )
    return Check(
        name="motive.webhook.secret",
        outcome=Outcome.OK,
        summary="the subscription signs with MOTIVE_WEBHOOK_SECRET",
    )


def _subscription(
    subscriptions: list[WebhookSubscription], url: str | None, needed: list[str]
) -> WebhookSubscription | None:
    """The subscription meant for recallbot: the one at its URL, else the one sending most of
    what it needs."""
    if url is not None:
        at = [s for s in subscriptions if s.url == url]
        if at:
            return at[0]
    scored = [(len(set(needed) & set(s.actions)), s) for s in subscriptions]
    best = max(scored, key=lambda pair: pair[0], default=(0, None))
    return best[1] if best[0] else None
