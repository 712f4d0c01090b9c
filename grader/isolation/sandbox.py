"""Confine the worker that runs student code: an allow-list root built by bubblewrap.

The worker starts in an empty root (``bwrap``) that holds only, read-only:

- the system's ``/usr`` (libraries, the Python runtime when it is the
  system's) and the few files of ``/etc`` the dynamic loader and OpenCL read;
- the Python installation and environment the grader runs in, with the
  course's ``solutions`` and ``tests`` (and any copy inside the environment)
  masked by empty folders, and the ``grader`` package;
- OpenCL: ``/etc/OpenCL/vendors``, the libraries its ICD files name, the
  processor topology in ``/sys`` (PoCL reads it), and GPU device nodes
  (``/dev/nvidia*``, ``/dev/dri``, ``/dev/kfd``) with their ``/sys`` entries
  when present; PoCL's kernel cache is on the private ``/tmp``;
- the staged submission at ``/sandbox/stage``, which the worker copies to
  its working folder ``/sandbox/work`` on a size-capped tmpfs.

``/tmp`` and ``/dev/shm`` are small private tmpfs, ``/proc`` is that of a new
PID namespace; mount, PID, IPC, UTS and network namespaces are new (a user
namespace too for an instructor without root). Nothing else of the host is
reachable. As root, the worker itself then drops to a uid of its own
(``grader.isolation.worker``); limits are set by ``grader.isolation.limits``.

Without bubblewrap, or where it may not create namespaces, ``unavailable_reason``
says why, and the grader refuses unless told ``--unsafe`` (then the worker is a
plain child process with resource limits only).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import grader
from grader.defaults import ONE_THREAD_BLAS

SANDBOX = Path("/sandbox")
STAGE = SANDBOX / "stage"  # the staged submission, read-only
WORK = SANDBOX / "work"  # the worker's working folder (tmpfs); the submission is WORK / "submission"
CAPABILITIES = ["CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_FOWNER", "CAP_DAC_OVERRIDE"]  # root only, until the drop
ETC = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "OpenCL", "localtime"]
MASKED_NAMES = ("solutions", "tests", "examples", "experiments")  # course folders that may sit in an environment
GPU_NODES = ("nvidia", "dri", "kfd")
BINDS = ("--ro-bind", "--ro-bind-try", "--dev-bind-try", "--bind")
SYSFS = ("/sys/devices/system/cpu", "/sys/devices/system/node")
SYSFS_GPU = ("/sys/bus/pci", "/sys/devices", "/sys/module", "/sys/class/drm")
INSTALL_HINT = "install bubblewrap (apt-get install bubblewrap)"


class SandboxError(Exception):
    """The sandbox cannot be set up on this host (the grader's problem, never a student's)."""


def bwrap() -> str | None:
    return shutil.which("bwrap")


@functools.cache
def unavailable_reason() -> str | None:
    """None when the sandbox can be used here, else why not."""
    if bwrap() is None:
        return f"the sandbox needs bubblewrap; {INSTALL_HINT} or pass --unsafe"
    probe = subprocess.run([*namespace_options(), "--ro-bind", "/", "/", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        hint = "" if os.geteuid() == 0 else " (unprivileged user namespaces may be disabled: run as root)"
        return f"bubblewrap may not create namespaces here{hint}: {probe.stderr.strip()}; pass --unsafe to grade anyway"
    return None


def namespace_options() -> list[str]:
    options = [bwrap() or "bwrap", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net"]
    options += ["--unshare-cgroup-try", "--die-with-parent", "--new-session", "--hostname", "dlgrade"]
    if os.geteuid() == 0:  # the worker drops to its own uid itself; keep only what that needs
        options += ["--cap-drop", "ALL"] + [arg for cap in CAPABILITIES for arg in ("--cap-add", cap)]
    else:
        options += ["--unshare-user", "--disable-userns"]
    return options


def _is_within(path: Path, other: Path) -> bool:
    return path == other or other in path.parents


def python_paths() -> list[Path]:
    """The Python installation and environment, and every import folder they add (editable installs)."""
    paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parent}
    paths.add(Path(grader.__file__).resolve().parent)
    paths.update(Path(entry).resolve() for entry in environment_sys_path())
    return _outermost(p for p in paths if not _is_within(p, Path("/usr")))


@functools.cache
def environment_sys_path() -> list[str]:
    """The import folders of this environment itself (not those pytest or a caller added)."""
    probe = "import json, sys; print(json.dumps([p for p in sys.path if p]))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd="/", env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True
    )
    return [p for p in json.loads(done.stdout) if Path(p).is_dir()] if done.returncode == 0 else []


def _outermost(paths: Iterable[Path]) -> list[Path]:
    kept: list[Path] = []
    for path in sorted(set(paths), key=lambda p: len(p.parts)):
        if not any(_is_within(path, k) for k in kept):
            kept.append(path)
    return kept


def masked_paths(allowed: list[Path], hide: list[Path]) -> list[Path]:
    """Folders inside the allow-list that the worker must not see."""
    course = Path(grader.__file__).resolve().parent.parent
    secrets = [course / name for name in MASKED_NAMES] + [p.resolve() for p in hide]
    for folder in [*map(Path, environment_sys_path()), *allowed]:
        if folder.is_dir():
            secrets += [folder / name for name in MASKED_NAMES if (folder / name).is_dir()]
    return [
        s
        for s in _outermost(secrets)
        if s.exists() and any(_is_within(s, a) and s != a for a in [Path("/usr"), *allowed])
    ]


def opencl_libraries() -> list[Path]:
    """Libraries named by absolute path in the OpenCL ICD files, outside /usr."""
    found = []
    for icd in Path("/etc/OpenCL/vendors").glob("*.icd"):
        try:
            name = icd.read_text().strip()
        except OSError:
            continue
        if name.startswith("/") and Path(name).exists() and not _is_within(Path(name).resolve(), Path("/usr")):
            found.append(Path(name).resolve())
    return found


def _top_level() -> list[str]:
    """``/bin``, ``/lib``, ... as on the host: symlinks into /usr, or folders bound read-only."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = Path("/") / name
        if host.is_symlink():
            args += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            args += ["--ro-bind", str(host), str(host)]
    return args


def command(config_json: str, stage: Path, limits: dict, hide: list[Path]) -> list[str]:
    """The bwrap command line that starts the worker on ``stage`` (a folder holding ``submission``)."""
    megabyte = 1 << 20
    allowed = python_paths() + opencl_libraries()
    clash = [p for p in allowed if _is_within(p, SANDBOX) or _is_within(SANDBOX, p)]
    if clash:
        raise SandboxError(f"the Python environment under {clash[0]} overlaps the sandbox's own {SANDBOX}")
    args = [*namespace_options(), *_top_level()]
    for name in ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    args += ["--proc", "/proc", "--dev", "/dev"]
    gpus = [node for node in sorted(Path("/dev").iterdir()) if node.name.startswith(GPU_NODES)]
    for node in gpus:
        args += ["--dev-bind-try", str(node), str(node)]
    for sysfs in SYSFS + (SYSFS_GPU if gpus else ()):  # processor topology (PoCL's hwloc); GPU drivers' devices
        args += ["--ro-bind-try", sysfs, sysfs]
    args += ["--size", str(limits["tmp_mb"] * megabyte), "--perms", "1777", "--tmpfs", "/tmp"]
    args += ["--size", str(limits["tmp_mb"] * megabyte), "--perms", "1777", "--tmpfs", "/dev/shm"]
    for path in allowed:
        args += ["--ro-bind", str(path), str(path)]
    masks = masked_paths(allowed, hide)
    for path in masks:
        args += ["--size", "4096", "--perms", "0555", "--tmpfs", str(path)]
    for path in allowed:  # something needed inside a masked folder comes back
        if any(_is_within(path, m) and path != m for m in masks):
            args += ["--ro-bind", str(path), str(path)]
    args += ["--ro-bind", str(stage), str(STAGE)]
    args += ["--size", str(limits["work_mb"] * megabyte), "--perms", "0755", "--tmpfs", str(WORK)]
    bound = [Path(args[i + 2]) for i, a in enumerate(args) if a in BINDS]
    mounted = [Path(args[i + 1]) for i, a in enumerate(args) if a == "--tmpfs"]  # their modes are set by --perms
    for folder in _ancestors([*bound, WORK], bound, mounted):  # bwrap made them (mode 700): every uid must pass through
        args += ["--chmod", "0755", str(folder)]
    args += ["--remount-ro", "/", "--clearenv", "--chdir", str(SANDBOX)]
    for name, value in environment().items():
        args += ["--setenv", name, value]
    return [*args, "--", sys.executable, "-m", "grader.isolation.worker", config_json]


def _ancestors(paths: list[Path], bound: list[Path], mounted: list[Path]) -> list[Path]:
    """Folders on the way to ``paths`` that bwrap creates: not inside a host folder bound, nor a tmpfs."""
    folders = {parent for path in paths for parent in path.parents if parent != Path("/")}
    return sorted((f for f in folders if f not in mounted and not any(_is_within(f, b) for b in bound)), key=str)


def environment() -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(WORK),
        "TMPDIR": "/tmp",
        "POCL_CACHE_DIR": "/tmp/pocl-cache",
        # a program rebuilt on every call costs a real build (no binary caches), as on a fresh machine
        "PYOPENCL_NO_CACHE": "1",
        "POCL_KERNEL_CACHE": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        # the worker imports the very grader package that started it (bound read-only), even where the
        # environment's own install points at another checkout of the course
        "PYTHONPATH": str(Path(grader.__file__).resolve().parent.parent),
        **ONE_THREAD_BLAS,
    }


def diagnose() -> str:
    """A hint at why a worker could not start: a part of the environment that other users cannot read."""
    for path in python_paths():
        for probe in [path, *sorted(path.glob("*"))[:50]]:
            try:
                mode = probe.stat().st_mode
            except OSError:
                continue
            if os.geteuid() == 0 and not mode & 0o004:
                return f"the sandbox cannot reach the Python environment under {probe} (mode {mode & 0o777:o})"
    return ""
