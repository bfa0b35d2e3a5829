"""Footage itself, beside the links: clips streamed to disk and checked, a still per camera,
and an all-angles clip composed from the cameras in sync; and Slack's external upload, streamed.

Knows nothing of recalls' states or of Slack's messages: ``bot.tracking`` decides when, and
``bot.slack`` where. PyAV and Pillow (the ``video`` extra) are imported only when a clip is
opened, so recallbot runs without them (clips then go up as Motive made them).
"""
