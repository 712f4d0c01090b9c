"""Worker uids: one per running worker on this machine, claimed under a file lock.

As root the worker drops to a uid of its own, so that its process limit
counts only its own processes and what it leaves behind can be found and
killed by uid. Graders running at the same time (several ``dlgrade grade``)
never share one: each uid is held by an exclusive lock on a file until the
worker's owner closes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import signal
import tempfile
import time
from pathlib import Path
from typing import IO

UID_RANGE = list(range(61000, 62000))


def claim_uid() -> tuple[int, IO[str]]:
    """A worker uid no other grader on this machine is using, held by a lock until the handle closes.

    Leftovers of an earlier owner that died are killed first.
    """
    folder = Path("/run/dlgrade-uids") if os.access("/run", os.W_OK) else Path(tempfile.gettempdir()) / "dlgrade-uids"
    folder.mkdir(mode=0o700, exist_ok=True)
    start = random.randrange(len(UID_RANGE))  # rarely the uid just released, whose worker may still be going
    for uid in UID_RANGE[start:] + UID_RANGE[:start]:
        handle = open(folder / f"{uid}.lock", "w")  # noqa: SIM115 (held while the uid is in use)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        reap_uid(uid)
        return uid, handle
    raise RuntimeError(f"all {len(UID_RANGE)} worker uids are in use")


def processes_of(uid: int) -> list[int]:
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uids = next(line for line in status.read_text().splitlines() if line.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        if int(uids.split()[1]) == uid:
            pids.append(int(status.parent.name))
    return pids


def reap_uid(uid: int, patience: float = 10.0, few: int = 16) -> None:
    """Kill every process left by a worker's uid (a fork bomb's children) and wait until only a few
    dying ones are left, so that the next worker under this uid starts well below its process limit.
    """
    deadline = time.monotonic() + patience
    while len(pids := processes_of(uid)) > 0 and time.monotonic() < deadline:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if len(pids) <= few:
            return
        time.sleep(0.05)
