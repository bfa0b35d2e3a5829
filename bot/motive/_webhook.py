"""Motive's webhook signature: lowercase hex HMAC-SHA1 of the raw body, keyed with the secret.

Documented test vector: secret ``d9d36bea41c44ae49d1bfc4a48ba2abe``, body
``["fault_code_closed"]`` gives ``f04a8386a21a6cba0447024e83b3f0983352bb72``.
"""

from __future__ import annotations

import hashlib
import hmac


def webhook_signature(secret: str, body: bytes) -> str:
    """The ``X-KT-Webhook-Signature`` value for a body."""
    return hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def webhook_signature_valid(secret: str, body: bytes, signature: str | None) -> bool:
    """Whether a received signature matches the body, compared in constant time."""
    if not signature:
        return False
    return hmac.compare_digest(webhook_signature(secret, body), signature.strip().lower())
