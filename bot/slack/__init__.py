"""Everything that speaks Slack except the listeners (``handlers/``): the Bolt app, the desk
the listeners call, the modal forms, App Home, the user directory, posting and notifying, and
the Block Kit builders (``blocks/``)."""
