"""Named points where a test can freeze the process, to kill it there from outside.

``RECALLBOT_PAUSE_AT=after_row`` makes the process announce itself on stderr at that point and
sleep until it is killed: crash tests send a real SIGKILL at exactly the step they mean, then
start recallbot again and check that nothing was lost or done twice. Unset (always, in
production) a checkpoint does nothing.
"""

from __future__ import annotations

import os
import sys
import time


def checkpoint(name: str) -> None:
    """Pause here forever if the environment asks for it (crash tests only)."""
    if os.environ.get("RECALLBOT_PAUSE_AT") != name:
        return
    sys.stderr.write(f"recallbot paused at {name}\n")
    sys.stderr.flush()
    while True:
        time.sleep(60)
