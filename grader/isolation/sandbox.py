"""Confine the worker that runs student code.

As root, the worker starts under ``unshare`` in new mount, PID and network
namespaces. Before importing anything of the student's it (``enter``):

1. binds its scratch folder to ``/mnt/work`` and sets aside what it needs
   (the Python environment and the ``grader`` package);
2. mounts empty tmpfs over ``/tmp``, ``/var/tmp`` and ``/dev/shm``;
3. hides the course repository (solutions, hidden tests, other students'
   folders, results): every path in ``hide`` is covered by an empty
   read-only tmpfs, except the parts on the way to what it needs;
4. covers folders it may not enter (``/root``, mode 700) with empty
   traversable ones, and moves what it set aside back into place;
5. sets resource limits (address space, CPU time, processes, file size,
   open files, no core dumps);
6. drops to an unprivileged uid of its own, with no groups.

Without root or ``unshare`` no such guarantee exists: ``unavailable_reason()``
says why, and the grader refuses unless told ``--unsafe`` (then the worker is a
plain child process with the same resource limits).
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

from grader.defaults import ONE_THREAD_BLAS
from grader.paths import ROOT

MOUNT_POINT = Path("/mnt/work")
PRIVATE_TMP = ("/tmp", "/var/tmp", "/dev/shm")
DEFAULT_LIMITS = {"memory_mb": 4096, "cpu_s": 600, "processes": 256, "file_mb": 64, "open_files": 256}
# Sizes of the empty file systems mounted in the worker's namespace.
COVER_SIZE = "4k"  # over each hidden folder (read-only, stays empty)
WORK_SIZE = "1m"  # the folder that holds the scratch mount and what is set aside
TMP_SIZE = "256m"  # the worker's own /tmp, /var/tmp and /dev/shm
PASSAGE_SIZE = "64k"  # over a closed folder on the way to the Python environment
UNSHARE = ["unshare", "--mount", "--pid", "--net", "--fork", "--kill-child", "--propagation", "private"]


@functools.cache
def unavailable_reason() -> str | None:
    """None when the sandbox can be used here, else why not."""
    if os.geteuid() != 0:
        return "the sandbox needs root (to hide the solutions and drop privileges); run as root or pass --unsafe"
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return "the sandbox needs util-linux's unshare and mount; install util-linux or pass --unsafe"
    probe = subprocess.run([*UNSHARE, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return (
            f"unshare is not permitted here ({probe.stderr.strip() or probe.returncode}); pass --unsafe to grade anyway"
        )
    return None


def command(config_json: str, sandbox: bool) -> list[str]:
    worker = [sys.executable, "-m", "grader.isolation.worker", config_json]
    return [*UNSHARE, *worker] if sandbox else worker


def apply_limits(limits: dict) -> None:
    limits = {**DEFAULT_LIMITS, **limits}
    megabyte = 1 << 20
    for name, value in (
        (resource.RLIMIT_AS, limits["memory_mb"] * megabyte),
        (resource.RLIMIT_CPU, limits["cpu_s"]),
        (resource.RLIMIT_NPROC, limits["processes"]),
        (resource.RLIMIT_FSIZE, limits["file_mb"] * megabyte),
        (resource.RLIMIT_NOFILE, limits["open_files"]),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(name, (value, value))


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


def _cover(path: Path) -> None:
    """Hide one path behind something empty."""
    if path.is_symlink():
        return
    if path.is_dir():
        _mount("-t", "tmpfs", "-o", f"ro,size={COVER_SIZE},mode=755", "tmpfs", str(path))
    elif path.exists():
        _mount("--bind", "/dev/null", str(path))


def _is_within(path: Path, other: Path) -> bool:
    return path == other or other in path.parents


def hide(path: Path, keep: list[Path]) -> None:
    """Cover ``path``, or, if something to keep lies inside it, everything else in it."""
    path = path.resolve()
    if not path.exists() or any(_is_within(path, k) for k in keep):
        return
    if not any(_is_within(k, path) for k in keep):
        _cover(path)
        return
    for child in path.iterdir():
        hide(child, keep)


def _closed_ancestor(path: Path) -> Path | None:
    """The highest folder on the way to ``path`` that other users cannot enter."""
    for ancestor in reversed(path.parents):
        if ancestor != Path("/") and not ancestor.stat().st_mode & 0o001:
            return ancestor
    return None


def enter(config: dict) -> Path:
    """Run inside the new namespaces as root; return the submission folder."""
    scratch = Path(config["scratch"])
    uid = int(config["uid"])
    keep = [Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), (ROOT / "grader").resolve()]
    closed = {a for a in map(_closed_ancestor, keep) if a is not None}  # e.g. /root (mode 700)
    _mount("-t", "tmpfs", "-o", f"size={WORK_SIZE},mode=755", "tmpfs", str(MOUNT_POINT.parent))
    MOUNT_POINT.mkdir()
    _mount("--bind", str(scratch), str(MOUNT_POINT))
    # Set aside what the worker needs: covering /tmp or /root below may hide it (a clone in /tmp).
    held = []
    for index, path in enumerate(keep):
        spot = MOUNT_POINT.parent / "hold" / str(index)
        spot.mkdir(parents=True)
        _mount("--bind", str(path), str(spot))
        held.append((spot, path))
    for folder in PRIVATE_TMP:
        if Path(folder).is_dir():
            _mount("-t", "tmpfs", "-o", f"size={TMP_SIZE},mode=1777", "tmpfs", folder)
    for path in [ROOT, *map(Path, config.get("hide", []))]:
        hide(path, [*keep, MOUNT_POINT])
    for ancestor in closed:  # traversable but empty, so the worker reaches its Python and nothing else there
        _mount("-t", "tmpfs", "-o", f"size={PASSAGE_SIZE},mode=755", "tmpfs", str(ancestor))
    for spot, path in held:
        path.mkdir(parents=True, exist_ok=True)
        _mount("--move", str(spot), str(path))
    for path in [MOUNT_POINT, *MOUNT_POINT.rglob("*")]:
        os.lchown(path, uid, uid)
    apply_limits(config.get("limits", {}))
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    os.chdir(MOUNT_POINT)
    os.environ.clear()
    os.environ.update(
        {
            "HOME": str(MOUNT_POINT),
            "TMPDIR": "/tmp",
            "PATH": "/usr/bin:/bin",
            **ONE_THREAD_BLAS,
        }
    )
    return MOUNT_POINT / "submission"
