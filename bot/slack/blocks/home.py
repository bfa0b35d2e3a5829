"""The App Home tab: your recent recalls with links to their threads, the team's quota, and the
/recall cheat sheet."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot.motive import QuotaInfo
from bot.slack.blocks.base import note, section
from bot.slack.blocks.info import HELP, quota_lines, recall_line
from bot.store import TrackedRecall

MAX_SHOWN = 20  # recalls on the tab (with the rest of it, well inside Slack's 100 blocks)


def home_view(
    recalls: list[tuple[TrackedRecall, str | None]],
    quota: QuotaInfo | None,
    zone: tzinfo,
) -> dict[str, Any]:
    """The Home tab for one person (``quota`` None: Motive could not say just now)."""
    blocks: list[Block] = [HeaderBlock(text="Your recent recalls")]
    if recalls:
        blocks += [section(recall_line(r, zone, link)) for r, link in recalls[:MAX_SHOWN]]
        blocks.append(note("Download links are in each recall's thread."))
    else:
        blocks.append(section("You have not asked for any recall yet."))
    blocks += [DividerBlock(), HeaderBlock(text="The team's quota")]
    if quota is not None:
        blocks.append(section("\n".join(quota_lines(quota)[1:])))
    else:
        blocks.append(section("Motive did not say just now; `/recall quota` asks again."))
    blocks += [DividerBlock(), HeaderBlock(text="/recall cheat sheet"), section(HELP)]
    return View(type="home", blocks=blocks).to_dict()
