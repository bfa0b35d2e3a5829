"""Before quota is spent: the real vehicle, footage for the whole window, quota, known limits."""

import pytest

from bot.fleet import Fleet, Match, NoMatch, TargetKind, normalise
from bot.motive import MotiveBadRequest, MotiveClient
from bot.recall import CameraPosition, RecallType
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from bot.service import RecallService
from bot.store import Store
from tests.conftest import client_for, fleet_time, recall_of

V = TargetKind.VEHICLE


@pytest.fixture
def service(client: MotiveClient, store: Store) -> RecallService:
    return RecallService(client, Fleet(client), store)


@pytest.mark.parametrize(
    ("typed", "core"),
    [("Truck 0042", "42"), ("truck-42", "42"), ("#42", "42"), ("TX 4471", "tx4471"),
     ("0077", "77"), ("Yard Jockey 3", "yardjockey3"), ("unit 1207", "1207")],
)  # fmt: skip
def test_fleet_names_are_compared_by_their_core(typed: str, core: str) -> None:
    assert normalise(typed) == core


def test_an_exact_fleet_number_wins_over_normalised_ones(service: RecallService) -> None:
    assert service.fleet.resolve(V, "42") == Match(V, "42", "1042")


def test_a_single_normalised_match_is_taken_and_said(service: RecallService) -> None:
    found = service.fleet.resolve(V, "77")
    assert isinstance(found, Match)
    assert found.name == "0077"
    assert found.note == "“77” is fleet number “0077” in Motive."
    assert service.fleet.resolve(V, "300") == Match(
        V, "Truck 300", "1300", "“300” is fleet number “Truck 300” in Motive."
    )
    assert isinstance(service.fleet.resolve(V, "tx-4471"), Match)


def test_several_normalised_matches_are_never_picked(service: RecallService) -> None:
    found = service.fleet.resolve(V, "042")
    assert found == NoMatch(V, "042", ("0042", "42"), ambiguous=True)
    assert "could be more than one vehicle" in found.message()


def test_an_unknown_name_gets_did_you_mean_suggestions(service: RecallService) -> None:
    found = service.fleet.resolve(V, "TX-4417")
    assert isinstance(found, NoMatch)
    assert not found.ambiguous
    assert found.suggestions == ("TX-4471",)
    assert "Did you mean “TX-4471”?" in found.message()
    assert service.fleet.resolve(TargetKind.ASSET, "TRL-0095") == NoMatch(
        TargetKind.ASSET, "TRL-0095", ("TRL-0094", "TRL-0093")
    )
    assert isinstance(service.fleet.resolve(TargetKind.ASSET, "TRL-93"), Match)


def test_the_fleet_list_is_cached_for_its_ttl(sandbox: MotiveSandbox, client: MotiveClient) -> None:
    now = [0.0]
    fleet = Fleet(client, ttl_s=300, clock=lambda: now[0])
    for typed in ("42", "7", "1207"):
        fleet.resolve(V, typed)
    lists = lambda: sum(1 for _, path, _ in sandbox.requests if path == "/vehicles")  # noqa: E731
    assert lists() == 1
    now[0] = 301
    fleet.resolve(V, "42")
    assert lists() == 2


def test_a_vehicle_missing_from_the_cached_list_is_looked_up(
    sandbox: MotiveSandbox, client: MotiveClient
) -> None:
    fleet = Fleet(client)
    fleet.resolve(V, "42")
    from bot.sandbox.motive_fleet import DashcamKind, SandboxVehicle

    sandbox.rules.vehicles["NEW-1"] = SandboxVehicle(7777, "NEW-1", DashcamKind.AI_DASHCAM,
                                                     frozenset())  # fmt: skip
    assert fleet.resolve(V, "NEW-1") == Match(V, "NEW-1", "7777")


def test_a_good_request_is_ready_with_footage_and_quota(
    sandbox: MotiveSandbox, service: RecallService
) -> None:
    preview = service.preview(recall_of(sandbox, duration=2))
    assert preview.ready
    assert preview.footage.checked
    assert preview.footage.covered
    assert preview.quota is not None
    assert (preview.quota.cost_minutes, preview.quota.remaining_minutes) == (2, 600)
    assert sandbox.creates() == 0, "a preview spends nothing"


def test_the_request_names_the_vehicle_as_motive_knows_it(
    sandbox: MotiveSandbox, service: RecallService
) -> None:
    preview = service.preview(recall_of(sandbox, "300"))
    assert preview.ready
    assert preview.request.vehicle_number == "Truck 300"
    assert preview.notes == ("“300” is fleet number “Truck 300” in Motive.",)


def test_an_unknown_vehicle_is_not_ready_and_says_why(
    sandbox: MotiveSandbox, service: RecallService
) -> None:
    preview = service.preview(recall_of(sandbox, "43"))
    assert not preview.ready
    assert preview.problems == (
        "There is no vehicle “43” in the fleet. Did you mean “0042”, “42”?",
    )


def test_a_window_without_footage_offers_the_nearest_windows(
    sandbox: MotiveSandbox, service: RecallService
) -> None:
    preview = service.preview(recall_of(sandbox, start_time=fleet_time(sandbox, 1, 2)))
    assert not preview.ready
    assert preview.footage.checked
    assert not preview.footage.covered
    nearest = preview.footage.nearest
    assert nearest[0].start_time == fleet_time(sandbox, 1, 5)  # the morning it started again
    assert nearest[1].end_time == fleet_time(sandbox, 2, 23)  # the evening before it parked
    assert preview.footage.words == "none for this window"
    assert "There is no footage for this window (the camera was off or not recording)." in (
        preview.problems
    )


def test_not_enough_quota_is_a_problem_before_anything_is_spent(store: Store) -> None:
    settings = SandboxSettings(quota_timelapse_minutes=10)
    with MotiveSandbox(settings) as sandbox, client_for(sandbox) as client:
        service = RecallService(client, Fleet(client), store)
        start = fleet_time(sandbox, 1, 10)
        request = recall_of(
            sandbox, duration=15, recall_type=RecallType.TIMELAPSE, start_time=start
        )
        preview = service.preview(request)
    assert not preview.ready
    assert preview.problems == (
        "Not enough timelapse quota: this recall needs 15 min and 10 remain this month.",
    )


def test_a_smart_dashcam_refusal_is_learned_and_shown_in_the_next_preview(
    sandbox: MotiveSandbox, service: RecallService
) -> None:
    request = recall_of(sandbox, "7", duration=2)
    assert service.preview(request).ready  # no field tells recallbot about the dashcam yet
    with pytest.raises(MotiveBadRequest):
        service.submit(request, "test")
    preview = service.preview(request)
    assert not preview.ready
    assert "smart dashcam: recalls are limited to 1 minute" in preview.problems[0]
    assert service.preview(recall_of(sandbox, "7")).ready


def test_an_asset_is_never_asked_for_a_dashcam_view_before_anything_is_spent(
    sandbox: MotiveSandbox, service: RecallService
) -> None:
    front = recall_of(sandbox, vehicle_number=None, asset_name="Yard Jockey 3",
                      camera_positions=[CameraPosition.FRONT_FACING])  # fmt: skip
    preview = service.preview(front)
    assert not preview.ready
    assert preview.problems == (
        "Asset Yard Jockey 3 has no Road-facing camera (an asset carries only an Omnicam): "
        "nothing would be recorded. Ask for Left side, Right side, Rear, or every camera.",
    )
    rear = front.model_copy(update={"camera_positions": (CameraPosition.REAR,)})
    assert service.preview(rear).ready
    assert service.preview(front.model_copy(update={"camera_positions": None})).ready


def test_a_missing_camera_refusal_is_learned_remembered_and_shown_before_spending(
    sandbox: MotiveSandbox, client: MotiveClient, store: Store
) -> None:
    service = RecallService(client, Fleet(client, memory=store.fleet_facts), store)
    rear = recall_of(sandbox, "1207", camera_positions=[CameraPosition.REAR])
    assert service.preview(rear).ready  # no field tells recallbot which cameras 1207 has
    with pytest.raises(MotiveBadRequest, match="Vehicle 1207 has no Rear camera"):
        service.submit(rear, "test")
    creates = len(sandbox.rules.recalls)
    after_restart = RecallService(client, Fleet(client, memory=store.fleet_facts), store)
    preview = after_restart.preview(rear)
    assert preview.problems == (
        "Vehicle 1207 has no Rear camera (Motive said so): nothing would be recorded. Ask for "
        "Road-facing, Driver-facing, Road-facing (narrow), Left side, Right side, or every "
        "camera.",
    )
    assert after_restart.preview(recall_of(sandbox, "1207")).ready, "every camera it has"
    assert len(sandbox.rules.recalls) == creates, "the preview spent nothing"
