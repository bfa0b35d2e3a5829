"""``recallbot demo``: the whole product on loopback, told as the Slack conversation it makes.

Our Motive sandbox, our Slack emulator and ``recallbot run --http`` as its own process; then a
demo user in America/Chicago types ``/recall``, reads the preview and presses Request, and the
channel shows the status message and the thread reply with a link per camera, which the demo
downloads, then the footage itself, which it saves. Second act: Motive flags a hard brake, the
alert appears in #safety-alerts, dana presses "Road-facing", and the footage lands in the
alert's thread. Sandbox time runs ``--speed`` times faster, and so does the tracker.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

import httpx

from bot.errors import SetupError
from bot.ids import ActionId
from bot.plumbing.timefmt import iso_utc
from bot.plumbing.video_extra import INSTALL, missing_video
from bot.sandbox.app_process import AppProcess, free_port
from bot.sandbox.motive import MotiveSandbox
from bot.sandbox.motive_rules import SandboxSettings
from bot.sandbox.slack import Posted, SlackSandbox
from bot.sandbox.slack_view import Shown, button, render
from bot.store import RecallState

USER, CHANNEL, ALERTS = "U0DEMO", "C0SAFETY", "C0ALERTS"
PHRASE = "truck 42 yesterday 3pm 2 min front and driver"
WAIT_S = 25.0


class DemoFailed(Exception):
    """The conversation did not go as it should; the message says where."""


@dataclass
class Narrator:
    """Prints the conversation with the seconds since the demo began."""

    out: TextIO
    slack: SlackSandbox
    began: float = field(default_factory=time.monotonic)

    def since(self, moment: float | None = None) -> float:
        """Seconds from the start to ``moment`` (default: now)."""
        return (moment if moment is not None else time.monotonic()) - self.began

    def say(self, text: str, at: float | None = None) -> None:
        """One line of narration."""
        self.out.write(f"{self.since(at):6.2f}s  {text}\n")
        self.out.flush()

    def show(self, heading: str, message: Shown, at: float | None = None) -> None:
        """A message as the person sees it, under a heading saying who sees it where."""
        self.say(heading, at)
        blocks = message.blocks if isinstance(message, Posted) else message.get("blocks", [])
        for line in render(blocks, self._name):
            self.out.write(f"         │ {line}\n")
        self.out.flush()

    def _name(self, user: str) -> str:
        return self.slack.settings.users.get(user, {}).get("name", user)


def wait_until(check: Any, what: str, timeout: float = WAIT_S) -> Any:
    """Poll ``check`` until it returns something truthy; fail saying what never happened."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        if time.monotonic() > deadline:
            raise DemoFailed(f"{what} did not happen within {timeout:g} s")
        time.sleep(0.01)
    return found


class Conversation:
    """The demo's one recall, driven through the Slack emulator and watched as it unfolds."""

    def __init__(self, slack: SlackSandbox, app_url: str, narrator: Narrator) -> None:
        self.slack = slack
        self.events_url = f"{app_url}/slack/events"
        self.narrator = narrator
        self.figures: dict[str, float] = {}

    def type_command(self, phrase: str) -> tuple[dict[str, Any] | None, dict[str, str]]:
        """/recall, its ack, and what replaces "Checking…": the preview, or None when recallbot
        refused the phrase (shown as Slack shows it)."""
        n = self.narrator
        n.say(f"#safety · dana (America/Chicago) types:  /recall {phrase}")
        payload = self.slack.command_payload(phrase, USER, CHANNEL)
        sent = time.monotonic()
        answer = self.slack.post_form(self.events_url, payload)
        self.figures["ack_ms"] = (time.monotonic() - sent) * 1000
        if answer.status_code != 200:
            raise DemoFailed(f"/recall was answered with HTTP {answer.status_code}")
        n.show(f"acked in {self.figures['ack_ms']:.0f} ms · only visible to you:", answer.json())
        if not str(answer.json().get("text", "")).startswith("Checking"):
            return None, payload  # the ack was the answer: a phrase recallbot cannot read
        url = payload["response_url"]
        shown = wait_until(lambda: self.slack.responses_to(url), "the preview")[-1]
        self.figures["preview_s"] = shown["_at"] - sent
        n.show("only visible to you (replaces the above):", shown, shown["_at"])
        return (shown if button(shown, ActionId.SUBMIT) else None), payload

    def press_request(self, preview: dict[str, Any], payload: dict[str, str]) -> Posted:
        """Press Request; the anchor message; its updates and the thread reply as they come."""
        n = self.narrator
        submit = button(preview, ActionId.SUBMIT)
        if submit is None:
            raise DemoFailed("the preview has no Request button")
        url = payload["response_url"]
        before = len(self.slack.responses_to(url))
        n.say("dana presses [Request]")
        click = self.slack.action_payload(ActionId.SUBMIT, submit["value"], url, USER, CHANNEL)
        pressed = time.monotonic()
        self.slack.post_interaction(self.events_url, click)
        anchor: Posted = wait_until(lambda: self._anchor(), "the status message in #safety")
        self.figures["anchor_ms"] = (anchor.at - pressed) * 1000
        n.show(
            f"#safety · recallbot posts ({self.figures['anchor_ms']:.0f} ms after the click):",
            {"blocks": anchor.edits[0][2] if anchor.edits else anchor.blocks}, anchor.at,
        )  # fmt: skip
        reply = self._follow(anchor, url, before)
        self.figures["links_s"] = reply.at - pressed
        return reply

    def _anchor(self) -> Posted | None:
        top = [m for m in self.slack.posted(CHANNEL) if m.thread_ts is None]
        return top[0] if top else None

    def _follow(self, anchor: Posted, response_url: str, before: int) -> Posted:
        """Print each edit of the status message, the ephemeral's answer, and the thread reply."""
        shown_edits, reply, settled = 0, None, False
        deadline = time.monotonic() + WAIT_S
        while reply is None or not settled:
            if time.monotonic() > deadline:
                raise DemoFailed(f"the answer did not reach the thread within {WAIT_S:g} s")
            time.sleep(0.01)
            seen: list[tuple[float, str, Shown]] = []
            for answer in self.slack.responses_to(response_url)[before:]:
                seen.append((answer["_at"], "only visible to you (replaces the preview):", answer))
                before += 1
            for at, text, blocks in anchor.edits[shown_edits:]:
                seen.append(
                    (at, "#safety · the status message updates in place:", {"blocks": blocks})
                )
                shown_edits += 1
                settled = _final(text)
            if reply is None and (replies := self.slack.thread(CHANNEL, anchor.ts)):
                reply = replies[0]
                seen.append((reply.at, "#safety · recallbot replies in the thread:", reply))
            for at, heading, message in sorted(seen, key=lambda item: item[0]):
                self.narrator.show(heading, message, at)
        return reply


def _final(status_text: str) -> bool:
    """Whether a status message's text ("Dashcam recall for …: success") names a final state."""
    try:
        return RecallState(status_text.rpartition(": ")[2]).finished
    except ValueError:  # "requesting", before the recall has a state
        return False


def download_links(reply: Posted, narrator: Narrator) -> int:
    """Fetch every camera's link as a person clicking it would; how many worked."""
    fetched = 0
    for block in reply.blocks:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") != ActionId.OPEN_LINK:
            continue
        answer = httpx.get(accessory["url"], timeout=10)
        kind = answer.headers.get("Content-Type", "?")
        narrator.say(
            f"{accessory['text']['text']}: HTTP {answer.status_code}, {kind}, "
            f"{len(answer.content):,} bytes"
        )
        fetched += answer.status_code == 200
    return fetched


def sharing(slack: SlackSandbox, channel: str, thread_ts: str, count: int) -> list[Posted]:
    """Wait until ``count`` messages of the thread share files; them, oldest first."""
    def found() -> list[Posted]:
        shared = [m for m in slack.thread(channel, thread_ts) if m.files]
        return shared if len(shared) >= count else []

    return list(wait_until(found, "the footage in the thread", timeout=60))


def show_shared(slack: SlackSandbox, message: Posted, narrator: Narrator, folder: Path) -> int:
    """The files one message shares: written to ``folder`` and said where, so they can be
    opened and watched; how many."""
    files = [f for f in slack.shared_files(message.channel, message.thread_ts)
             if f.id in message.files]  # fmt: skip
    name = slack.settings.channels.get(message.channel, {}).get("name", message.channel)
    narrator.say(f"#{name} · recallbot shares {len(files)} files in the thread:", message.at)
    folder.mkdir(parents=True, exist_ok=True)
    for file in files:
        path = folder / file.name
        path.write_bytes(file.data)
        narrator.out.write(f"         │ {file.title} ({file.length:,} bytes)\n"
                           f"         │   saved: {path.resolve()}\n")  # fmt: skip
    narrator.out.flush()
    return len(files)


def second_act(slack: SlackSandbox, motive: MotiveSandbox, events_url: str,
               narrator: Narrator, folder: Path) -> int:  # fmt: skip
    """An alert from Motive, one click, the footage in the alert's thread; files shared."""
    start = motive.clock.now().replace(microsecond=0) - timedelta(minutes=20)
    event = httpx.post(f"{motive.url}/_sandbox/safety_events", json={
        "vehicle_number": "42", "type": "hard_brake", "start_time": iso_utc(start),
        "end_time": iso_utc(start + timedelta(seconds=3)), "start_speed": 92.0,
        "end_speed": 38.0, "location": "Joliet, IL",
    }, timeout=10).json()  # fmt: skip
    narrator.say(f"Motive flags a hard brake on vehicle 42 (event {event['id']}) and posts it "
                 "to recallbot's webhook")  # fmt: skip
    alert: Posted = wait_until(lambda: [m for m in slack.posted(ALERTS) if m.thread_ts is None],
                               "the alert")[0]  # fmt: skip
    narrator.show("#safety-alerts · recallbot posts:", alert, alert.at)
    road = button({"blocks": alert.blocks}, ActionId.ALERT_ROAD)
    if road is None:
        raise DemoFailed("the alert has no Road-facing button")
    narrator.say(f"dana presses [{road['text']['text']}]")
    click = slack.action_payload(ActionId.ALERT_ROAD, road["value"], slack.response_url(), USER,
                                 ALERTS, alert.ts, ephemeral=False,
                                 message={"ts": alert.ts, "blocks": alert.blocks})  # fmt: skip
    slack.post_interaction(events_url, click)

    def answered() -> Posted | None:
        return next((m for m in slack.thread(ALERTS, alert.ts)
                     if m.ts != alert.ts and not m.files and "Ready" not in m.text
                     and button({"blocks": m.blocks}, ActionId.OPEN_LINK)), None)  # fmt: skip

    reply = wait_until(answered, "the links in the alert's thread")
    # Motive's own clip of the event, and the recalled footage: told in the order they came.
    shared = sharing(slack, ALERTS, alert.ts, 2)
    files = 0
    for message in sorted([reply, *shared], key=lambda m: m.at):
        if message is reply:
            narrator.show("#safety-alerts · in the alert's thread:", reply, reply.at)
        else:
            files += show_shared(slack, message, narrator, folder)
    return files


def run_demo(args: argparse.Namespace, out: TextIO) -> int:
    """Run the conversation; 0 when every step happened and the app stopped cleanly."""
    video = missing_video()
    if video is not None:  # the sandbox makes real clips: without them nothing would arrive
        raise SetupError(f"the demo's footage needs the video extra: {video} cannot be "
                         f"imported; {INSTALL}")  # fmt: skip
    speed = float(args.speed)
    motive_settings = SandboxSettings()
    motive_s = motive_settings.pending_seconds + motive_settings.processing_seconds
    out.write(
        "recallbot demo: our Motive sandbox, our Slack emulator and `recallbot run --http`, all "
        f"on 127.0.0.1.\nSandbox time runs {speed:g}x faster (Motive's {motive_s / 60:.0f} "
        f"minutes of fetching and uploading take about {motive_s / speed:.0f} s).\n\n"
    )
    with tempfile.TemporaryDirectory(prefix="recallbot-demo-") as workdir, ExitStack() as stack:
        port = free_port()
        motive_settings.webhook_url = f"http://127.0.0.1:{port}/motive/webhook"
        motive = stack.enter_context(MotiveSandbox(motive_settings, speed=speed))
        slack = stack.enter_context(SlackSandbox())
        narrator = Narrator(out, slack)
        narrator.say(f"Motive sandbox on {motive.api_url}; Slack emulator on {slack.api_url}")
        app = AppProcess(motive, slack, Path(workdir), port, speed,
                         {"RECALLBOT_ALERTS_CHANNEL": ALERTS,
                          "RECALLBOT_DEFAULT_TZ": "America/Chicago"})  # fmt: skip
        try:
            app.start()
            narrator.say(f"`recallbot run --http` is up on {app.url} (/slack/events, "
                         "/motive/webhook, /healthz)\n")  # fmt: skip
            conversation = Conversation(slack, app.url, narrator)
            preview, payload = conversation.type_command(args.phrase or PHRASE)
            if preview is None:
                code = app.stop()
                narrator.say("recallbot refused it before anything was spent (above: why, and "
                             f"how to say it); recallbot run stopped (exit {code})")  # fmt: skip
                return 1
            reply = conversation.press_request(preview, payload)
            # The footage is shared while the links would be downloading: told first, so that
            # every line comes in the order it happened.
            (footage,) = sharing(slack, CHANNEL, reply.thread_ts or "", 1)[:1]
            saved = show_shared(slack, footage, narrator, Path(args.out))
            downloaded = download_links(reply, narrator)
            out.write("\n")
            narrator.say("Second act: an alert from Motive becomes an incident thread")
            alerted = second_act(slack, motive, conversation.events_url, narrator, Path(args.out))
        except (DemoFailed, RuntimeError) as failure:  # RuntimeError: the app did not start
            app.stop()
            out.write(f"\ndemo failed: {failure}\nrecallbot run said:\n{app.log_tail()}\n")
            return 1
        code = app.stop()
        narrator.say(f"recallbot run stopped on SIGTERM (exit {code})")
        figures = conversation.figures
        out.write(
            f"\nack {figures['ack_ms']:.0f} ms · preview {figures['preview_s']:.2f} s after "
            f"typing · status message {figures['anchor_ms']:.0f} ms after Request · links "
            f"{figures['links_s']:.1f} s after Request · "
            f"{_count(motive.creates(), 'Motive recall')} · "
            f"{downloaded} videos downloaded · {saved} files shared in the thread · the alert: "
            f"{alerted} files in its thread (all saved in {args.out}) · "
            f"{narrator.since():.1f} s in all\n"
        )
        ok = downloaded > 0 and saved > 0 and alerted > 0 and motive.creates() == 2
        out.write(next_steps())
        return 0 if code == 0 and ok else 1


def _count(n: int, thing: str) -> str:
    """'1 Motive recall', '2 Motive recalls'."""
    return f"{n} {thing}{'' if n == 1 else 's'}"


def reach_recallbot() -> str:
    """How this shell reaches the ``recallbot`` command: its name when the PATH finds this
    one, else its path (``make demo`` installs it into .venv, which is not on the PATH)."""
    script = Path(sys.executable).parent / "recallbot"
    found = shutil.which("recallbot")
    if found is not None and Path(found).resolve() == script.resolve():
        return "recallbot"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)


NEXT_STEPS = (
    "`recallbot request --sandbox \"truck 42 yesterday 3pm\"`  the same recall from the "
    "terminal, on its own sandbox",
    "`recallbot parse --explain \"truck 42 yesterday 3pm\"`  how a phrase is read (nothing sent)",
    "`recallbot --help`  every command; README.md's \"Connecting a real workspace\" for yours",
)
"""What to try after the demo (tests/test_cli_hints.py parses each command)."""


def next_steps() -> str:
    """The demo's last lines: the CLI, by the name this shell knows it under."""
    me = reach_recallbot()
    activate = "" if me == "recallbot" else (
        f" (or `source {Path(me).parent / 'activate'}` once, then just `recallbot`)"
    )  # fmt: skip
    steps = "".join(f"  {step.replace('`recallbot ', f'`{me} ', 1)}\n" for step in NEXT_STEPS)
    return f"\nNext, from this shell, the CLI is {me}{activate}:\n{steps}"
