"""What student code sees and may do inside the worker's sandbox.

A probe submission (``ch3/probe.py``) reports what it finds from inside a
sandboxed worker; the host must be invisible beyond the allow-list. Also:
safe staging (symbolic links never followed), a worker that cannot start
stops grading with the reason, and an unprivileged instructor gets the same
sandbox (where user namespaces allow it).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from grader.isolation import sandbox
from grader.isolation.client import WorkerStartError
from grader.isolation.proxy import RemoteImplementation
from grader.paths import ROOT, SOLUTIONS
from grader.staging import read_submission, stage

needs_sandbox = pytest.mark.skipif(sandbox.unavailable_reason() is not None, reason=str(sandbox.unavailable_reason()))

PROBE = """
import os, socket


def look(paths):
    found = {}
    for path in paths:
        found[path] = os.path.exists(path)
    return found


def processes():
    return sorted(int(p) for p in os.listdir("/proc") if p.isdigit())


def writable(paths):
    ok = {}
    for path in paths:
        try:
            with open(os.path.join(path, "probe-file"), "w") as handle:
                handle.write("x")
            ok[path] = True
        except OSError:
            ok[path] = False
    return ok


def network():
    try:
        socket.create_connection(("1.1.1.1", 53), timeout=2)
        return True
    except OSError:
        return False


def identity():
    return {"uid": os.getuid(), "hostname": socket.gethostname(), "cwd": os.getcwd()}


def scale(x):
    return x * 2
"""


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    folder = tmp_path_factory.mktemp("probe") / "student"
    (folder / "ch3").mkdir(parents=True)
    (folder / "ch3" / "probe.py").write_text(PROBE)
    implementation = RemoteImplementation(folder, use_sandbox=True)
    yield implementation.load("ch3.probe")
    implementation.close()


@needs_sandbox
def test_the_course_and_the_host_are_out_of_sight(probe):
    secrets = [
        str(SOLUTIONS / "ch3" / "layers.py"),
        str(ROOT / "tests" / "ch3"),
        str(ROOT / "examples"),
        str(ROOT / ".git"),
        "/proc/1/cwd/solutions",
        "/root",
        "/home",
        "/srv",
        "/run/lock",
        "/var/tmp",
        "/etc/passwd",
        "/etc/shadow",
    ]
    allowed = sandbox.python_paths()
    secrets = [s for s in secrets if not any(Path(s) in a.parents for a in allowed)]  # folders on the way
    seen = probe.look(secrets)
    assert not any(seen.values()), {k: v for k, v in seen.items() if v}
    assert probe.look([str(ROOT / "grader" / "isolation" / "worker.py"), sys.executable]) == {
        str(ROOT / "grader" / "isolation" / "worker.py"): True,
        sys.executable: True,
    }


@needs_sandbox
def test_own_namespaces_and_no_network(probe):
    assert len(probe.processes()) <= 3  # bubblewrap's init and the worker (and what it forked)
    assert probe.network() is False
    who = probe.identity()
    assert who["hostname"] == "dlgrade" and who["cwd"] == str(sandbox.WORK)
    if os.geteuid() == 0:
        assert who["uid"] >= 61000


@needs_sandbox
def test_only_the_private_folders_are_writable(probe):
    places = [str(sandbox.WORK), "/tmp", "/dev/shm", str(ROOT / "grader"), sys.prefix, "/usr", "/"]
    ok = probe.writable(places)
    assert ok == {place: place in (str(sandbox.WORK), "/tmp", "/dev/shm") for place in places}


@needs_sandbox
def test_errstate_of_the_test_applies_in_the_worker(probe):
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        probe.scale(np.array([1e308]))
    assert probe.scale(np.array([1.0]))[0] == 2.0


def test_staging_never_follows_links(tmp_path):
    student = tmp_path / "student"
    (student / "ch3").mkdir(parents=True)
    (student / "ch3" / "layers.py").write_text("x = 1\n")
    (student / "ch3" / "losses.py").symlink_to(SOLUTIONS / "ch3" / "losses.py")
    (student / "ch3" / "inner").symlink_to(SOLUTIONS / "ch3")
    (student / "ch5").symlink_to(SOLUTIONS / "ch5")
    (student / "exercises").symlink_to(SOLUTIONS)
    deep = student / "ch3"
    for _ in range(20):
        deep = deep / "d"
    deep.mkdir(parents=True)
    found = read_submission(student)
    assert set(found.files) == {"ch3/layers.py"}
    notes = "\n".join(found.notes)
    for name in ("ch3/losses.py", "ch3/inner", "ch5"):
        assert f"{name}: symbolic link ignored" in notes
    assert "nested deeper" in notes
    staged = stage(student, tmp_path / "staged")
    assert sorted(p.name for p in (tmp_path / "staged").rglob("*") if p.is_file()) == ["layers.py"]
    assert staged.notes == found.notes


def test_a_worker_that_cannot_start_is_the_graders_error(tmp_path, monkeypatch):
    (tmp_path / "student" / "ch3").mkdir(parents=True)
    implementation = RemoteImplementation(tmp_path / "student", use_sandbox=False)
    implementation._early_start.join()
    implementation.client.stop()
    implementation.client.generation = 0  # as before its first start
    monkeypatch.setattr(implementation.client, "command", lambda config: [sys.executable, "-c", "raise SystemExit(3)"])
    with pytest.raises(WorkerStartError, match="could not start"):
        implementation.client.ensure_started()
    with pytest.raises(WorkerStartError):  # and every later call: the run stops, no student is charged
        implementation.load("ch3.layers").anything()
    implementation.close()


UNPRIVILEGED = "dlgrade-sandbox-test"


def unprivileged_user() -> str | None:
    """A user without root who can run this environment's Python, or None (with the reason skipped)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None or shutil.which("useradd") is None:
        return None
    if subprocess.run(["id", UNPRIVILEGED], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--no-create-home", UNPRIVILEGED], capture_output=True)
    return UNPRIVILEGED


def as_user(user: str, command: list[str], **kwargs) -> subprocess.CompletedProcess:
    uid = int(subprocess.run(["id", "-u", user], capture_output=True, text=True).stdout)
    setpriv = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--reset-env"]
    return subprocess.run([*setpriv, *command], capture_output=True, text=True, **kwargs)


def test_an_unprivileged_instructor_gets_the_same_sandbox():
    user = unprivileged_user()
    if user is None:
        pytest.skip("needs root (to create an unprivileged user), setpriv and useradd")
    probe = "import grader, numpy, subprocess, sys; subprocess.run([sys.executable, '-c', 'pass'], check=True)"
    reachable = as_user(user, [sys.executable, "-c", probe], cwd="/")
    if reachable.returncode != 0:
        pytest.skip(f"the unprivileged user cannot run this environment's Python here: {reachable.stderr[-200:]}")
    with tempfile.TemporaryDirectory(prefix="dlgrade-unprivileged-") as tmp:  # where that user may read
        student = Path(tmp) / "student"
        shutil.copytree(ROOT / "examples" / "submissions" / "complete" / "ch3", student / "ch3")
        for path in [Path(tmp), *Path(tmp).rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        done = run_as_user(user, student)
    if "may not create namespaces" in done.stdout + done.stderr:
        pytest.skip("unprivileged user namespaces are disabled here")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "passed" in done.stdout and "failed" not in done.stdout


def run_as_user(user: str, student: Path) -> subprocess.CompletedProcess:
    return as_user(
        user,
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(ROOT / "tests" / "ch3" / "test_layers.py"),
            f"--impl={student}",
            "--isolate",
            f"--rootdir={ROOT}",
            "-c",
            str(ROOT / "pyproject.toml"),
        ],
        cwd=ROOT,
        timeout=600,
    )
