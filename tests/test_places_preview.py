"""The preview of every recall says where the vehicle was when its window opened (issue 23),
from Motive's location history, spending nothing; a history that cannot be read leaves the
line out and the preview whole. Against the sandbox over HTTP with the real client."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.fleet import Fleet
from bot.motive import MotiveClient
from bot.places import Places
from bot.sandbox.motive import MotiveSandbox
from bot.service import RecallService
from bot.store import Store
from tests.conftest import arm, fleet_time, recall_of


def service_for(client: MotiveClient, store: Store) -> RecallService:
    fleet = Fleet(client)
    places = Places(client, fleet, ZoneInfo("America/Chicago"))
    return RecallService(client, fleet, store, places=places)


def test_the_preview_says_where_the_vehicle_was_at_the_windows_start(
    sandbox: MotiveSandbox, client: MotiveClient, store: Store
) -> None:
    preview = service_for(client, store).preview(recall_of(sandbox))
    assert preview.ready
    assert preview.where == "At the window's start it was at Elm St yard, stopped (engine on)."


def test_a_window_parked_with_the_engine_off_is_warned_of(
    sandbox: MotiveSandbox, client: MotiveClient, store: Store
) -> None:
    night = recall_of(sandbox, start_time=fleet_time(sandbox, 1, 2))
    preview = service_for(client, store).preview(night)
    assert preview.where is not None
    assert preview.where.endswith("parked with the engine off for the whole window: footage is "
                                  "unlikely.")  # fmt: skip


def test_a_history_that_cannot_be_read_leaves_the_line_out_not_the_preview(
    sandbox: MotiveSandbox, client: MotiveClient, store: Store
) -> None:
    arm(sandbox, kind="error", status=403, path="/v3/vehicle_locations", count=5,
        message="Location history is not enabled")  # fmt: skip
    preview = service_for(client, store).preview(recall_of(sandbox))
    assert preview.where is None
    assert preview.ready
    assert preview.footage.covered


def test_without_places_the_preview_asks_no_history(
    sandbox: MotiveSandbox, client: MotiveClient, store: Store
) -> None:
    preview = RecallService(client, Fleet(client), store).preview(recall_of(sandbox))
    assert preview.where is None
    assert not [path for _, path, _ in sandbox.requests if path.startswith("/v3/vehicle_loc")]
