"""Issue 14: several vehicles in one request. One preview with a line per target (its own
checks; a repeat points to its thread; one that cannot be requested is refused on its line),
one Request, one status message and one thread with an answer per target."""

from __future__ import annotations

from pathlib import Path

from bot.ids import ActionId
from bot.sandbox.slack_view import button, text_of
from bot.store import Delivery
from tests.slack_world import slack_world, wait_for


def test_several_targets_one_preview_one_thread_an_answer_each(tmp_path: Path) -> None:
    with slack_world(tmp_path, upload="off") as world:
        first, payload = world.preview("truck 42 yesterday 3pm front")
        world.press(first, ActionId.SUBMIT, payload)
        store = world.app.runtime.store
        wait_for(lambda: store.recalls.recent(1)[0].delivery == Delivery.DELIVERED or None, 60)

        preview, payload = world.preview("trucks 42, 1207, 0077 and 9999 yesterday 3pm front")
        shown = text_of(preview)
        assert "4 targets" in shown
        assert "already requested" in shown, "42 repeats the first recall"
        assert "9999" in shown
        assert "2 × 1 min = 2 min" in shown, "what Request spends in all"
        submit = button(preview, ActionId.SUBMIT)
        assert submit is not None
        assert submit["text"]["text"] == "Request 2"
        assert button(preview, ActionId.EDIT) is None, "the modal stays one target"

        answer = world.press(preview, ActionId.SUBMIT, payload)
        assert "Requested 2 recalls" in answer["text"]

        def settled() -> list[object] | None:
            recalls = store.recalls.recent(10)
            done = [r for r in recalls if r.delivery == Delivery.DELIVERED]
            return done if len(done) == 3 else None

        wait_for(settled, 90)
        assert world.motive.creates() == 3, "42 once, 1207 and 0077; never 9999"
        group = [r for r in store.recalls.recent(10) if r.request.target in ("1207", "0077")]
        (status_ts,) = {r.origin.status_ts for r in group if r.origin}
        statuses = [m for m in world.slack.posted("C0SAFETY") if m.thread_ts is None]
        assert len(statuses) == 2, "one status message for the first recall, one for the group"
        group_status = next(m for m in statuses if m.ts == status_ts)
        wait_for(lambda: text_of({"blocks": group_status.blocks}).count("Ready") == 2, 30)
        assert "vehicle 1207" in text_of({"blocks": group_status.blocks})
        replies = [m for m in world.slack.thread("C0SAFETY", status_ts)
                   if m.ts != status_ts and not m.files]  # fmt: skip
        assert len(replies) == 2, "one answer per target, in the one thread"


def test_a_target_the_person_may_not_request_is_refused_on_its_line(tmp_path: Path) -> None:
    leads = frozenset({"S0SAFETYLEADS"})  # dana is a lead; la is not
    with slack_world(tmp_path, upload="off", driver_facing=leads) as world:
        preview, payload = world.preview("truck 42 and asset TRL-0093 yesterday 3pm", "U0LA")
        shown = text_of(preview)
        assert "driver-facing" in shown, "every camera of truck 42 includes the driver's"
        submit = button(preview, ActionId.SUBMIT)
        assert submit is not None
        assert submit["text"]["text"] == "Request 1", "the asset (an Omnicam) goes ahead"
        answer = world.press(preview, ActionId.SUBMIT, payload)
        assert "Requested 1 recalls" in answer["text"] or "Requested" in answer["text"]
        store = world.app.runtime.store
        (recall,) = wait_for(lambda: [r for r in store.recalls.recent(5)
                                      if r.delivery == Delivery.DELIVERED] or None, 60)  # fmt: skip
        assert recall.request.asset_name == "TRL-0093"
        assert world.motive.creates() == 1
        refused = [e for e in store.audit.entries() if e.action == "refused"]
        assert any(e.actor == "U0LA" for e in refused)
