"""Processes a test leaves running: nothing recallbot or a test starts may outlive its parent.

Read from ``/proc`` (Linux; elsewhere no process is seen and nothing is checked): a process's
parent is the fourth field of ``/proc/<pid>/stat``, after the command name in parentheses
(which may itself hold spaces and parentheses). A zombie has ended already and is not counted.
The session's own resource tracker, which multiprocessing keeps for the whole pytest process
once a test used it, is pytest's and not a test's.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

PROC = Path("/proc")
GRACE_S = 5.0
"""How long a process left behind may take to end by itself before it is killed."""
_TRACKER = "multiprocessing.resource_tracker"


def _parents() -> dict[int, int]:
    """Every live process and its parent."""
    found: dict[int, int] = {}
    for entry in PROC.glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended while we looked
            continue
        state, ppid = stat[stat.rindex(")") + 2 :].split(" ", 2)[:2]
        if state != "Z":
            found[int(entry.name)] = int(ppid)
    return found


def command_line(pid: int) -> str:
    """What ``pid`` runs ('' once it ended)."""
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def descendants(root: int, parents: dict[int, int] | None = None) -> set[int]:
    """The live processes below ``root`` (children, theirs, …)."""
    parents = _parents() if parents is None else parents
    below: set[int] = set()
    grown = True
    while grown:
        new = {p for p, pp in parents.items() if (pp == root or pp in below) and p not in below}
        below |= new
        grown = bool(new)
    return below


def orphans_of(checkout: Path, parents: dict[int, int] | None = None) -> set[int]:
    """The processes adopted by PID 1 that are this checkout's: their command line names it,
    recallbot or multiprocessing (the check CI runs before a session stops)."""
    parents = _parents() if parents is None else parents
    marks = (str(checkout), "bot.cli", "multiprocessing")
    return {p for p, pp in parents.items()
            if pp == 1 and any(mark in command_line(p) for mark in marks)}  # fmt: skip


def strays(checkout: Path) -> set[int]:
    """What may outlive a test: this process's descendants (but for its own resource tracker),
    and the orphans of the checkout (a process whose parent was killed is adopted by PID 1, no
    longer below us)."""
    parents, me = _parents(), os.getpid()
    below = {p for p in descendants(me, parents)
             if parents[p] != me or _TRACKER not in command_line(p)}  # fmt: skip
    return below | orphans_of(checkout, parents)


def stopped(pids: set[int], grace_s: float = GRACE_S) -> dict[int, str]:
    """Give ``pids`` ``grace_s`` to end, SIGKILL those still running; their command lines."""
    deadline = time.monotonic() + grace_s
    left = pids & _parents().keys()
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left &= _parents().keys()
    killed = {pid: command_line(pid) for pid in left}
    for pid in killed:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
    return killed


def described(killed: dict[int, str]) -> str:
    """One line per process left running."""
    return "\n".join(f"  {pid}: {line[:300]}" for pid, line in sorted(killed.items()))
