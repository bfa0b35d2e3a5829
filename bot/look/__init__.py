"""Look now: a still from a vehicle's camera this minute, asked for once, followed to its end
and answered once (the domain; its Slack side lives in ``bot.slack``, its wire in
``bot.motive``)."""
