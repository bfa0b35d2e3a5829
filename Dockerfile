# recallbot as a container: `docker build -t recallbot .` then see compose.yaml.
# Two stages: the first builds the wheel and installs it (runtime dependencies and the video
# extra, no dev tools) into a virtual environment; the second copies only that environment.

FROM python:3.12-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
RUN python -m venv /opt/recallbot \
 && /opt/recallbot/bin/pip install --upgrade pip \
 && /opt/recallbot/bin/pip wheel --no-deps --wheel-dir /tmp/wheel . \
 && /opt/recallbot/bin/pip install "$(ls /tmp/wheel/recallbot-*.whl)[video]"

FROM python:3.12-slim
ENV PATH=/opt/recallbot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    RECALLBOT_DB=/data/recallbot.db \
    RECALLBOT_LOG_FORMAT=json
RUN groupadd --system recallbot \
 && useradd --system --gid recallbot --home-dir /data --no-create-home recallbot \
 && mkdir /data && chown recallbot:recallbot /data && chmod 0700 /data
COPY --from=build /opt/recallbot /opt/recallbot
COPY deploy/stop-on-setup-error /opt/recallbot/bin/stop-on-setup-error
USER recallbot
WORKDIR /data
VOLUME ["/data"]
EXPOSE 3000
# Liveness: every loop alive. (/readyz says whether it can serve: store, tracker, Slack.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status != 200)"]
# The mode follows the settings: Socket Mode with SLACK_APP_TOKEN (no public URL for Slack; the
# port serves /motive/webhook, /healthz, /readyz and /metrics), HTTP mode with
# RECALLBOT_MODE=http (or only SLACK_SIGNING_SECRET set; then /slack/events too).
# stop-on-setup-error ends 0 on recallbot's exit 2 (a bad setting), so `restart: on-failure`
# does not loop on it; `docker run IMAGE recallbot quota` runs a command without it.
CMD ["stop-on-setup-error", "recallbot", "run", "--port", "3000"]
