"""``python -m bot.cli``: the same as the ``recallbot`` console script."""

import sys

from bot.cli import main

sys.exit(main())
