"""The deployment kit: the wheel installs alone (runtime dependencies only) and runs; the
Dockerfile, compose.yaml, systemd unit and .env.example say what the README says they do.

No container engine runs on CI machines, so the image itself is not built here: the test
checks the Dockerfile's shape and builds and installs the same wheel its first stage does."""

from __future__ import annotations

import re
import shutil
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
    assert text.rstrip().endswith('CMD ["recallbot", "run", "--http", "--port", "3000"]')
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", ".git", "*.db"} <= set(ignored)


def test_the_compose_example_keeps_the_database_on_a_volume() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    service = compose["services"]["recallbot"]
    assert service["env_file"] == ".env"
    assert "recallbot-data:/data" in service["volumes"]
    assert "recallbot-data" in compose["volumes"]
    assert service["restart"] == "unless-stopped"


def test_the_systemd_unit_restarts_on_failure_and_is_hardened(tmp_path: Path) -> None:
    text = (ROOT / "deploy" / "recallbot.service").read_text()
    for line in ("Restart=on-failure", "EnvironmentFile=/etc/recallbot/recallbot.env",
                 "NoNewPrivileges=yes", "ProtectSystem=strict", "StateDirectory=recallbot",
                 "RestartPreventExitStatus=2"):  # fmt: skip
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
    readme = (ROOT / "README.md").read_text()
    for name in settings:
        assert f"| `{name}` |" in readme, f"{name} is missing from the README's table"
