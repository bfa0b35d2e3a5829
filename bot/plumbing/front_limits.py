"""The HTTP front's limits, apart from the server that enforces them (``http_front``), so the
settings can name them without importing waitress and prometheus_client into every command."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FrontLimits:
    """How long a request may take to arrive, and how many connections the front holds."""

    request_deadline_s: float = 10.0
    """Slack gives up on an answer after 3 s, so a request that takes longer than this just to
    arrive is no use to it; Motive's webhooks are a few KB. Ten seconds leaves slow links room
    and lets a trickling connection hold its place for ten seconds at most."""
    max_per_client: int = 100
    """Connections one address may hold at once (0: no cap): a tenth of ``max_connections``,
    so filling the front takes ten addresses, while Slack's and Motive's senders each hold a
    handful. Behind a proxy every connection carries the proxy's address: raise it, or 0."""
    max_connections: int = 1000
