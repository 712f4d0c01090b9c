"""What student code sees and may do inside the worker's sandbox.

A probe submission (``ch3/probe.py``) reports what it finds from inside a
sandboxed worker; the host must be invisible beyond the allow-list. Also:
safe staging (symbolic links never followed), a worker that cannot start
stops grading with the reason, and an unprivileged instructor gets the same
sandbox (where user namespaces allow it; the test opens the course to a user it
makes through a private mount namespace, so it runs as root in CI too).
"""

import csv
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
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


def running():  # processes not yet ended (a killed child may linger as a zombie until it is reaped)
    found = []
    for pid in processes():
        try:
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(pid)
        except OSError:
            continue
    return found


def leave_a_process():
    if os.fork() == 0:  # the child sleeps on, detached from the call that made it
        os.setsid()
        import time

        time.sleep(60)
        os._exit(0)


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
    before = probe.running()
    for _ in range(3):
        probe.leave_a_process()
        assert ended_soon(lambda: probe.running() == before)  # what a call left running is killed
    assert ended_soon(lambda: len(probe.processes()) <= 3)  # and reaped


def ended_soon(check, patience=5.0):
    """Whether ``check()`` holds within ``patience`` seconds (a killed process takes a moment to go)."""
    deadline = time.monotonic() + patience
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
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
    (tmp_path / "student" / "ch3" / "layers.py").write_text("x = 1\n")
    implementation = RemoteImplementation(tmp_path / "student", use_sandbox=False)
    implementation._early_start.join()
    client = implementation.client("ch3")
    client.stop()
    client.generation = 0  # as before its first start
    monkeypatch.setattr(client, "command", lambda config: [sys.executable, "-c", "raise SystemExit(3)"])
    with pytest.raises(WorkerStartError, match="could not start"):
        client.ensure_started()
    with pytest.raises(WorkerStartError):  # and every later call: the run stops, no student is charged
        implementation.load("ch3.layers").anything()
    implementation.close()


UNPRIVILEGED = "dlgrade-sandbox-test"


def unprivileged_uid() -> int | None:
    """The uid of a user without root (made once), or None where this test cannot make one."""
    tools = ("setpriv", "useradd", "unshare", "mount")
    if os.geteuid() != 0 or not all(shutil.which(tool) for tool in tools):
        return None
    if subprocess.run(["id", UNPRIVILEGED], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--no-create-home", UNPRIVILEGED], capture_output=True)
    found = subprocess.run(["id", "-u", UNPRIVILEGED], capture_output=True, text=True)
    return int(found.stdout) if found.returncode == 0 else None


def open_view(stage: Path) -> str:
    """Shell commands for a private mount namespace in which another user reaches this course and its
    Python (CI clones under root's mode-700 home): each closed folder above them is covered by an open
    tmpfs that holds binds of just those folders. Nothing is copied and the host is untouched."""
    wanted = sorted({ROOT, *sandbox.python_paths()}, key=lambda p: len(p.parts))
    needed = [p for p in wanted if not any(k in p.parents for k in wanted)]
    closed = [
        next((a for a in reversed(p.parents) if a != Path("/") and not a.stat().st_mode & 0o001), None) for p in needed
    ]
    commands = []
    for index, top in enumerate(dict.fromkeys(c for c in closed if c is not None)):
        hidden = stage / str(index)
        commands += [
            f"mkdir -p '{hidden}'",
            f"mount --rbind '{top}' '{hidden}'",
            f"mount -t tmpfs -o mode=755 tmpfs '{top}'",
        ]
        for path in (p for p, c in zip(needed, closed) if c == top):
            commands += [f"mkdir -p '{path}'", f"mount --rbind '{hidden / path.relative_to(top)}' '{path}'"]
    return " && ".join(commands or ["true"])


def as_user(uid: int, home: Path, command: list[str], path: str) -> subprocess.CompletedProcess:
    """``command`` run by the unprivileged user (its own uid and gid, no groups, a clean environment)."""
    view = open_view(home.parent / "closed")  # the closed folders, kept where root alone looks
    env = [f"HOME={home}", f"TMPDIR={home}", f"PATH={path}", "LANG=C.UTF-8"]
    user = f"--reuid={uid} --regid={pwd.getpwuid(uid).pw_gid} --clear-groups"
    script = f'{view} && exec setpriv {user} -- env -i {" ".join(env)} "$@"'
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *command],
        cwd=home,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_an_unprivileged_instructor_gets_the_same_sandbox():
    """An ordinary user grades the complete example with the sandbox (full marks); without bubblewrap
    the grader refuses, and ``--unsafe`` is the explicit way to grade anyway."""
    uid = unprivileged_uid()
    if uid is None:
        pytest.skip("needs root (to create an unprivileged user), setpriv, useradd, unshare and mount")
    if subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode != 0:
        pytest.skip("no private mount namespace here (needed to open this course to another user)")
    with tempfile.TemporaryDirectory(prefix="dlgrade-unprivileged-") as tmp:
        Path(tmp).chmod(0o755)
        home = Path(tmp) / "home"
        shutil.copytree(ROOT / "examples" / "submissions" / "complete", home / "complete")
        subprocess.run(["chown", "-R", f"{uid}:{pwd.getpwuid(uid).pw_gid}", str(home)], check=True)
        python_bin = str(Path(sys.executable).parent)  # this environment's scripts; no bubblewrap there

        def grade(out: str, path: str, *options: str) -> subprocess.CompletedProcess:
            command = [sys.executable, "-m", "grader", "grade", str(home / "complete"), "--chapters", "ch3"]
            return as_user(uid, home, [*command, "--out", str(home / out), "--jobs", "1", *options], path)

        sandboxed = grade("sandboxed", f"{python_bin}:/usr/bin:/bin")
        if "may not create namespaces" in sandboxed.stdout + sandboxed.stderr:
            pytest.skip("unprivileged user namespaces are disabled here")
        assert sandboxed.returncode == 0, sandboxed.stdout[-2000:] + sandboxed.stderr[-2000:]
        assert total_score(home / "sandboxed") == total_score(home / "sandboxed", "max_score") > 100  # full marks

        refused = grade("refused", python_bin)  # bubblewrap out of reach: no sandbox
        assert refused.returncode != 0 and "--unsafe" in refused.stdout + refused.stderr
        assert not (home / "refused" / "grades.csv").exists()

        unsafe = grade("unsafe", python_bin, "--unsafe")
        assert unsafe.returncode == 0, unsafe.stdout[-2000:] + unsafe.stderr[-2000:]
        assert total_score(home / "unsafe") == total_score(home / "unsafe", "max_score") > 100


def total_score(out: Path, column: str = "score") -> float:
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        return sum(float(row[column]) for row in csv.DictReader(handle))
