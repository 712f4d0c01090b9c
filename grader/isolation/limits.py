"""Resource limits of one worker: a cgroup where the host offers one, rlimits always.

A cgroup (v2, or v1's memory, pids and cpu hierarchies) holds the worker
and everything it starts: memory (tmpfs and shared memory included),
processes, and one CPU's share of time. It is made under the grader's own
cgroup when that is writable (root, or a delegated v2 subtree) and removed
when the worker stops. Rlimits (address space, CPU seconds, processes, file
size, open files, no core dumps) are set by the worker on itself before it
imports any student code; the sandbox's tmpfs are size-capped (``tmp_mb``,
``work_mb``).
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import time
from pathlib import Path

DEFAULT_LIMITS = {
    "memory_mb": 4096,
    "cpu_s": 600,
    "processes": 256,
    "file_mb": 64,
    "open_files": 256,
    "tmp_mb": 256,
    "work_mb": 128,
}
CGROUP_ROOT = Path("/sys/fs/cgroup")
CPU_PERIOD_US = 100_000


def with_defaults(limits: dict | None) -> dict:
    return {**DEFAULT_LIMITS, **(limits or {})}


def apply_rlimits(limits: dict, processes_already: int = 0) -> None:
    """Limit the calling process (and what it starts); ``processes_already``: others under the same uid."""
    megabyte = 1 << 20
    for name, value in (
        (resource.RLIMIT_AS, limits["memory_mb"] * megabyte),
        (resource.RLIMIT_CPU, limits["cpu_s"]),
        (resource.RLIMIT_NPROC, limits["processes"] + processes_already),
        (resource.RLIMIT_FSIZE, limits["file_mb"] * megabyte),
        (resource.RLIMIT_NOFILE, limits["open_files"]),
        (resource.RLIMIT_CORE, 0),
    ):
        soft, hard = resource.getrlimit(name)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(name, (value, value))


def _own_cgroups() -> dict[str, str]:
    """Controller (or "" for v2) -> this process's cgroup path, from /proc/self/cgroup."""
    found = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return {}
    for line in lines:
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            found[controller] = path
    return found


class Cgroup:
    """The worker's own cgroup(s); ``folders`` is empty where none could be made (rlimits still hold)."""

    def __init__(self, name: str, limits: dict):
        self.folders: list[Path] = []
        own = _own_cgroups()
        try:
            if self._v2(name, limits, own):
                return
            self._v1(name, limits, own)
        except OSError:
            self.remove()

    def _v2(self, name: str, limits: dict, own: dict[str, str]) -> bool:
        if "" not in own or not (CGROUP_ROOT / "cgroup.controllers").exists():
            return False
        parent = CGROUP_ROOT / own[""].lstrip("/")
        enabled = (parent / "cgroup.subtree_control").read_text().split()
        if not {"memory", "pids"} <= set(enabled):
            return False
        folder = parent / name
        folder.mkdir(exist_ok=True)
        self.folders.append(folder)
        megabyte = 1 << 20
        (folder / "memory.max").write_text(str(limits["memory_mb"] * megabyte))
        (folder / "memory.swap.max").exists() and (folder / "memory.swap.max").write_text("0")
        (folder / "pids.max").write_text(str(limits["processes"]))
        if "cpu" in enabled:
            (folder / "cpu.max").write_text(f"{CPU_PERIOD_US} {CPU_PERIOD_US}")
        return True

    def _v1(self, name: str, limits: dict, own: dict[str, str]) -> None:
        megabyte = 1 << 20
        settings = {
            "memory": {"memory.limit_in_bytes": str(limits["memory_mb"] * megabyte)},
            "pids": {"pids.max": str(limits["processes"])},
            "cpu": {"cpu.cfs_period_us": str(CPU_PERIOD_US), "cpu.cfs_quota_us": str(CPU_PERIOD_US)},
        }
        for controller, values in settings.items():
            mount = CGROUP_ROOT / controller
            if controller not in own or not (mount / "cgroup.procs").exists():
                continue
            folder = mount / own[controller].lstrip("/") / name
            folder.mkdir(exist_ok=True)
            self.folders.append(folder)
            for key, value in values.items():
                (folder / key).write_text(value)

    def procs_files(self) -> list[str]:
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def pids(self) -> list[int]:
        found: set[int] = set()
        for folder in self.folders:
            with contextlib.suppress(OSError):
                found.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
        return sorted(found)

    def remove(self, patience: float = 5.0) -> None:
        """Kill what is left in the cgroup and remove it."""
        deadline = time.monotonic() + patience
        pause = 0.001  # killed processes are usually gone within a few milliseconds
        while (pids := self.pids()) and time.monotonic() < deadline:
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(pause)
            pause = min(2 * pause, 0.05)
        for folder in self.folders:
            with contextlib.suppress(OSError):
                folder.rmdir()
        self.folders = []


def enter_command(cgroup: Cgroup, command: list[str]) -> list[str]:
    """``command`` started inside ``cgroup`` from its first instruction (a shell writes its pid, then execs)."""
    if not cgroup.folders:
        return command
    script = 'for f in "$@"; do shift; [ "$f" = -- ] && break; echo $$ > "$f"; done; exec "$@"'
    return ["/bin/sh", "-c", script, "sh", *cgroup.procs_files(), "--", *command]
