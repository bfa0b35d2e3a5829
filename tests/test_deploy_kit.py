"""The deployment kit: the wheel installs alone (runtime dependencies only) and runs; the
Dockerfile, compose.yaml, systemd unit and .env.example say what docs/ says they do.

No container engine runs on CI machines, so the image itself is not built here: the test
checks the Dockerfile's shape and builds and installs the same wheel its first stage does."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_installs_without_dev_tools_and_runs(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True, timeout=300,
    )  # fmt: skip
    (wheel,) = wheels.glob("recallbot-*.whl")
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=True)
    python, recallbot = fresh / "bin" / "python", fresh / "bin" / "recallbot"
    subprocess.run([python, "-m", "pip", "install", "--quiet", str(wheel)], check=True,
                   timeout=600)  # fmt: skip
    version = subprocess.run([recallbot, "--version"], capture_output=True, text=True,
                             check=True, cwd=tmp_path)  # fmt: skip
    assert version.stdout.startswith("recallbot 0.")
    parsed = subprocess.run(
        [recallbot, "parse", "--tz", "UTC", "--now", "2026-11-24T22:30:00Z", "truck 42 3pm"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert '"vehicle_number": "42"' in parsed.stdout
    extras = subprocess.run([python, "-c", "import pytest"], capture_output=True,
                            check=False)  # fmt: skip
    assert extras.returncode != 0, "dev tools stay out of a production install"


def test_the_dockerfile_builds_a_slim_non_root_image_with_a_health_check() -> None:
    text = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", text, flags=re.M)
    assert len(stages) == 2
    assert all(s.startswith("python:3.1") and s.endswith("-slim") for s in stages)
    assert "dev" not in text.split("pip install")[-1].split("\n")[0], "no dev tools in the image"
    assert re.search(r"^USER recallbot$", text, flags=re.M)
    assert 'VOLUME ["/data"]' in text
    assert "RECALLBOT_DB=/data/recallbot.db" in text
    assert re.search(r"^EXPOSE 3000$", text, flags=re.M)
    assert "HEALTHCHECK" in text
    assert "http://127.0.0.1:3000/healthz" in text
    assert text.rstrip().endswith(
        'CMD ["stop-on-setup-error", "recallbot", "run", "--port", "3000"]'
    ), "the mode follows the settings (Socket Mode by default), exit 2 stops restarts"
    assert "COPY deploy/stop-on-setup-error /opt/recallbot/bin/" in text
    assert '.whl)[video]"' in text, "the image has the video extra"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", ".git", "*.db"} <= set(ignored)


def test_the_compose_example_keeps_the_database_on_a_volume() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    service = compose["services"]["recallbot"]
    assert service["env_file"] == ".env"
    assert "recallbot-data:/data" in service["volumes"]
    assert "recallbot-data" in compose["volumes"]
    assert service["restart"] == "on-failure", "with the image's command, exit 2 is not retried"
    assert not {"command", "entrypoint"} & set(service), "the image's command runs"


def test_the_systemd_unit_restarts_on_failure_and_is_hardened(tmp_path: Path) -> None:
    text = (ROOT / "deploy" / "recallbot.service").read_text()
    for line in ("Restart=on-failure", "EnvironmentFile=/etc/recallbot/recallbot.env",
                 "NoNewPrivileges=yes", "ProtectSystem=strict", "StateDirectory=recallbot",
                 "RestartPreventExitStatus=2",
                 "ExecStart=/opt/recallbot/bin/recallbot run --port 3000"):  # fmt: skip
        assert re.search(rf"^{re.escape(line)}$", text, flags=re.M), line
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not on this machine")
    unit = tmp_path / "recallbot.service"
    unit.write_text(text.replace("/opt/recallbot/bin/recallbot", sys.executable + " -m bot.cli"))
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "recallbot.service" not in done.stderr, done.stderr


def test_the_env_example_has_every_setting() -> None:
    text = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.M))
    settings = {str(f.validation_alias) for f in Settings.model_fields.values()}
    assert settings == named
    table = (ROOT / "docs" / "configuration.md").read_text()
    for name in settings:
        assert f"| `{name}` |" in table, f"{name} is missing from docs/configuration.md's table"


STOP_ON_SETUP_ERROR = ROOT / "deploy" / "stop-on-setup-error"


def _wrapped(*command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(STOP_ON_SETUP_ERROR), *command], capture_output=True, text=True,
                          timeout=60, check=False, env=env, cwd=ROOT)  # fmt: skip


def test_the_container_command_ends_0_on_a_setup_error_and_passes_other_codes_on() -> None:
    stopped = _wrapped("sh", "-c", "echo 'recallbot run: set SLACK_BOT_TOKEN' >&2; exit 2")
    assert stopped.returncode == 0, "restart: on-failure leaves a bad setting stopped"
    assert stopped.stderr.splitlines()[0] == "recallbot run: set SLACK_BOT_TOKEN"
    assert "not restarting until the settings change" in stopped.stderr
    assert _wrapped("sh", "-c", "exit 1").returncode == 1, "a crash is restarted"
    assert _wrapped("sh", "-c", "kill -KILL $$").returncode == 128 + signal.SIGKILL
    assert _wrapped("sh", "-c", "exit 0").returncode == 0


def test_the_container_command_stops_on_a_real_recallbot_with_nothing_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTIVE_", "SLACK_",
                                                                      "RECALLBOT_"))}
    env |= {"RECALLBOT_DB": str(tmp_path / "db")}
    done = _wrapped(sys.executable, "-m", "bot.cli", "run", "--port", "0", env=env)
    assert done.returncode == 0
    assert "recallbot run: set SLACK_BOT_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_container_command_passes_sigterm_on_and_waits(tmp_path: Path) -> None:
    marker = tmp_path / "stopped"
    child = ("import pathlib, signal, sys, time\n"
             "def stop(*_): pathlib.Path(sys.argv[1]).write_text('clean'); sys.exit(0)\n"
             "signal.signal(signal.SIGTERM, stop)\n"
             "print('ready', flush=True)\n"
             "time.sleep(60)\n")  # fmt: skip
    process = subprocess.Popen([str(STOP_ON_SETUP_ERROR), sys.executable, "-c", child,
                                str(marker)], stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        process.kill()
        process.wait()
    assert marker.read_text() == "clean", "the child was told, and the wrapper waited for it"


def test_the_docs_install_the_video_extra_for_production() -> None:
    for page in ("README.md", "docs/deploy.md"):
        text = " ".join((ROOT / page).read_text().split())  # an install wrapped over two lines
        installs = re.findall(r"pip install (\"[^\"]+\"|'[^']+'|\S+)", text)
        assert installs, f"{page} says how to install"
        assert all("[video]" in target for target in installs), (page, installs)
