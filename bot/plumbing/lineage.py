"""A child process that ends when its parent does, however the parent ends.

A SIGKILL (an OOM kill, a crash, ``kill -9`` from a process manager) runs no ``finally``: the
parent cannot stop its children, so each child watches its own parent. On Linux the kernel does
it: ``prctl(PR_SET_PDEATHSIG)`` sends the child a signal the moment its parent dies. The kernel
means the parent *thread* that started the child, so a parent must start such children from a
thread that lives as long as they do (the main thread, or one kept for the purpose). Elsewhere
(and as a second guard) a daemon thread in the child notices that its parent changed (a child
whose parent died is adopted by PID 1 or a subreaper) and sends the same signal to its own
process. The parent's id is passed in, never read in the child, so a parent that died before
the child looked is noticed too.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PARENT_ENV = "RECALLBOT_PARENT_PID"
"""A recallbot command whose environment names its parent's id here ends with that parent
(SIGTERM: it stops as on a process manager's stop). Set by the process starting it, never by
hand."""
WATCH_S = 0.5
"""How often the watching thread looks at the parent (where the kernel does not)."""
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent: int, signum: int = signal.SIGKILL) -> None:
    """Have ``signum`` sent to this process as soon as ``parent`` (its parent's id when it was
    started) is gone; at once if it is gone already."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
    if os.getppid() != parent:  # it died before the kernel was asked to watch
        os.kill(os.getpid(), signum)
    threading.Thread(
        target=watch, args=(parent, signum), name="recallbot-parent-watch", daemon=True
    ).start()


def die_with_named_parent(signum: int = signal.SIGTERM) -> None:
    """``die_with_parent`` for the parent named in ``RECALLBOT_PARENT_PID``, if one is."""
    named = os.environ.pop(PARENT_ENV, "")
    if named.isdigit():
        die_with_parent(int(named), signum)


def watch(parent: int, signum: int) -> None:
    """Send ``signum`` to this process once its parent is no longer ``parent`` (the portable
    half of ``die_with_parent``: it returns only if the signal does not end the process)."""
    while os.getppid() == parent:
        time.sleep(WATCH_S)
    os.kill(os.getpid(), signum)


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (someone else's counts: it is not ours to judge)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
