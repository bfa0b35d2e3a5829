"""Who may ask for what, where: the team's access policy, and the refusals it gives.

Driver-facing video is sensitive, so the team decides: the channels recallbot works in, who may
request, who may request the driver-facing camera, and whether links may be posted in public
channels. Defaults let everyone in the workspace use it in any channel the bot is in. Each
refusal says why and who can change it; the caller shows it ephemerally, spends nothing and
audits it. Deciding is pure; what only Slack knows (a user group's members, whether a channel is
public) is asked through ``Directory``, and only when a rule needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from bot.recall import CameraPosition, RecallRequest


class Directory(Protocol):
    """What the policy needs to know from Slack."""

    def group_members(self, group_id: str) -> frozenset[str]:
        """The users in a user group (S...)."""

    def is_public(self, channel_id: str) -> bool:
        """Whether a channel is public (anyone in the workspace can read it)."""


@dataclass(frozen=True)
class Refusal:
    """Why a request is not allowed; ``code`` goes to the audit log, ``message`` to the person."""

    code: str
    message: str


@dataclass(frozen=True)
class Policy:
    """The team's rules (empty sets: no restriction; ``driver_facing`` None: the requesters)."""

    channels: frozenset[str] = frozenset()
    requesters: frozenset[str] = frozenset()
    driver_facing: frozenset[str] | None = None
    links_in_public: bool = True
    contact: str = "your recallbot admin"

    def may_use(self, user: str, channel: str | None, directory: Directory) -> Refusal | None:
        """Whether ``user`` may ask for footage at all, here."""
        if self.channels and channel not in self.channels:
            where = ", ".join(f"<#{c}>" for c in sorted(self.channels))
            return Refusal(
                "channel_not_allowed",
                f"recallbot is not used in this channel; ask in {where}. {self.contact} can "
                "change that (RECALLBOT_CHANNELS).",
            )
        if self.requesters and not self._listed(user, self.requesters, directory):
            return Refusal(
                "not_a_requester",
                f"You are not among the people who may request dashcam video. {self.contact} "
                "can add you (RECALLBOT_REQUESTERS).",
            )
        return None

    def may_request(
        self, user: str, channel: str | None, request: RecallRequest, directory: Directory
    ) -> Refusal | None:
        """Whether ``user`` may request this recall here (the use rules, then the cameras and
        where its links would be posted)."""
        refused = self.may_use(user, channel, directory)
        if refused is not None:
            return refused
        cameras = request.camera_positions
        # "Every camera" of an asset (a trailer's Omnicam) has no driver-facing camera.
        every = cameras is None and request.vehicle_number is not None
        return self._cameras_here(user, channel, every or (
            cameras is not None and CameraPosition.DRIVER_FACING in cameras), every, directory)

    def may_look(
        self, user: str, channel: str | None, positions: Iterable[CameraPosition],
        directory: Directory,
    ) -> Refusal | None:
        """Whether ``user`` may ask for a still from these cameras now, here: the same rules
        as footage (a still from the driver-facing camera is as sensitive as its video)."""
        refused = self.may_use(user, channel, directory)
        if refused is not None:
            return refused
        wants_driver = CameraPosition.DRIVER_FACING in set(positions)
        return self._cameras_here(user, channel, wants_driver, False, directory)

    def _cameras_here(
        self, user: str, channel: str | None, wants_driver: bool, every: bool,
        directory: Directory,
    ) -> Refusal | None:
        """The driver-facing rule, then where the answer would be posted."""
        allowed = self.driver_facing if self.driver_facing is not None else self.requesters
        if wants_driver and allowed and not self._listed(user, allowed, directory):
            included = " (every camera includes it)" if every else ""
            return Refusal(
                "driver_facing_not_allowed",
                f"You may not request the driver-facing camera{included}. Name the cameras you "
                f"need, e.g. “front only”; {self.contact} can give you access "
                "(RECALLBOT_DRIVER_FACING).",
            )
        if not self.links_in_public and channel and directory.is_public(channel):
            return Refusal(
                "public_channel",
                "Dashcam links may not be posted in a public channel here: ask in a private "
                f"channel. {self.contact} can change that (RECALLBOT_LINKS_IN_PUBLIC).",
            )
        return None

    @staticmethod
    def _listed(user: str, names: frozenset[str], directory: Directory) -> bool:
        """Whether the user is named, or is in one of the named user groups."""
        if user in names:
            return True
        return any(user in directory.group_members(n) for n in sorted(names) if n.startswith("S"))


class DirectoryError(Exception):
    """Slack could not say what the policy needed to know."""


@dataclass(frozen=True)
class Gate:
    """The policy applied: each refusal (or failure to decide) audited, as the person sees it."""

    policy: Policy
    directory: Directory
    audit: Callable[..., None]  # AuditLog.add(actor, action, recall_id=None, **detail)

    def use(self, user: str, channel: str | None) -> Refusal | None:
        """``Policy.may_use``, audited."""
        return self._decided(user, channel, None, lambda: self.policy.may_use(
            user, channel, self.directory))  # fmt: skip

    def request(
        self, user: str, channel: str | None, request: RecallRequest, recall_id: str | None = None
    ) -> Refusal | None:
        """``Policy.may_request``, audited."""
        return self._decided(user, channel, recall_id, lambda: self.policy.may_request(
            user, channel, request, self.directory))  # fmt: skip

    def look(
        self, user: str, channel: str | None, positions: Iterable[CameraPosition]
    ) -> Refusal | None:
        """``Policy.may_look``, audited."""
        wanted = tuple(positions)
        return self._decided(user, channel, None, lambda: self.policy.may_look(
            user, channel, wanted, self.directory))  # fmt: skip

    def _decided(
        self,
        user: str,
        channel: str | None,
        recall_id: str | None,
        decide: Callable[[], Refusal | None],
    ) -> Refusal | None:
        try:
            refused = decide()
        except DirectoryError as exc:
            refused = Refusal(
                "policy_unavailable",
                f"I couldn't check the access rules with Slack just now ({exc}). Try again in a "
                "minute.",
            )
        if refused is not None:
            self.audit(user, "refused", recall_id, reason=refused.code, channel=channel)
        return refused
