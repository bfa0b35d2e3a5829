"""Thin Slack listeners (commands, shortcuts, events, views, actions).

Each listener acks, calls one core function from ``bot`` and renders the result; the Slack
surfaces arrive with the Slack app itself.
"""
