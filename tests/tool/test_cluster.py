"""`dlgrade grade --scheduler`: a real Dask scheduler and two real workers on 127.0.0.1.

One class of 8 submissions (ch2 and ch3) is graded locally and on the cluster;
during the cluster run one worker is killed (its whole process group, as a
host would die). grades.csv must be byte-identical to the local run's, every
student once. A task made for another course version is refused by a worker.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from grader.isolation.sandbox import unavailable_reason
from grader.paths import ROOT

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))
EXAMPLES = ROOT / "examples" / "submissions"
CHAPTERS = "ch2,ch3"
START_TIMEOUT_S = 60


def start(command: list[str], log: Path) -> subprocess.Popen:
    """A Dask process in its own process group (so that it and its children can be killed together)."""
    with open(log, "wb") as handle:
        return subprocess.Popen(command, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def kill(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def read_address(scheduler_file: Path) -> str:
    """The address the scheduler writes (the file may exist before it is complete)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            return json.loads(scheduler_file.read_text())["address"]
        except (OSError, ValueError, KeyError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers (no nanny: a killed worker stays dead); all killed at the end."""
    base = tmp_path_factory.mktemp("cluster")
    scheduler_file = base / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    processes = [
        start(
            [
                *dask,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
            ],
            base / "scheduler.log",
        )
    ]
    try:
        address = read_address(scheduler_file)
        workers = {}
        for name in ("a", "b"):
            command = [*dask, "worker", address, "--name", name, "--nthreads", "1", "--no-nanny"]
            command += ["--host", "127.0.0.1", "--no-dashboard", "--local-directory", str(base / name)]
            workers[name] = start(command, base / f"worker-{name}.log")
        processes += workers.values()
        client = distributed.Client(address, timeout=START_TIMEOUT_S, set_as_default=False)
        client.wait_for_workers(2, timeout=START_TIMEOUT_S)
        yield {"address": address, "client": client, "workers": workers, "base": base}
        client.close()
    finally:
        for process in processes:
            kill(process)


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """8 students: complete, partial, stubs and mixtures of ch2 and ch3."""
    base = tmp_path_factory.mktemp("class")
    ch3 = {"complete": EXAMPLES / "complete" / "ch3", "partial": EXAMPLES / "partial" / "ch3"}
    ch3["stub"] = ROOT / "exercises" / "ch3"
    ch2 = {"done": ROOT / "solutions" / "ch2", "stub": ROOT / "exercises" / "ch2"}
    mix: list[tuple[str | None, str | None]] = [
        ("complete", "done"),
        ("partial", "done"),
        ("stub", "stub"),
        ("complete", "stub"),
    ]
    mix += [("partial", "stub"), ("stub", "done"), ("complete", None), (None, "done")]
    for number, (three, two) in enumerate(mix):
        student = base / f"student{number}"
        student.mkdir()
        if three:
            shutil.copytree(ch3[three], student / "ch3", ignore=shutil.ignore_patterns("test_*", "__pycache__"))
        if two:
            shutil.copytree(ch2[two], student / "ch2", ignore=shutil.ignore_patterns("test_*", "__pycache__"))
    return sorted(base.iterdir())


def grade(students, out: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "grader", "grade", *map(str, students), "--out", str(out), "--chapters", CHAPTERS]
    return subprocess.Popen([*command, *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finished(process: subprocess.Popen) -> str:
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output[-3000:]
    return output


def test_cluster_grades_like_a_local_run_even_when_a_worker_dies(cluster, klass, tmp_path):
    local = grade(klass, tmp_path / "local", "--jobs", "2")
    finished(local)
    remote = grade(klass, tmp_path / "remote", "--scheduler", cluster["address"])
    client, victim = cluster["client"], None
    deadline = time.monotonic() + 300
    while victim is None and remote.poll() is None and time.monotonic() < deadline:
        busy = [address for address, keys in client.processing().items() if keys]
        if busy:
            time.sleep(2.0)  # into its student's suite
            pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
            victim = next(p for p in cluster["workers"].values() if p.pid == pid)
            kill(victim)
        time.sleep(0.1)
    finished(remote)
    assert victim is not None, "no worker was ever busy"
    assert len(client.nthreads()) == 1
    local_csv = (tmp_path / "local" / "grades.csv").read_bytes()
    assert (tmp_path / "remote" / "grades.csv").read_bytes() == local_csv
    students = {line.split(",")[0] for line in local_csv.decode().splitlines()[1:]}
    assert students == {path.name for path in klass}
    assert len(set(local_csv.decode().splitlines())) == len(local_csv.decode().splitlines())
    for student in klass:
        local_dir, remote_dir = tmp_path / "local" / student.name, tmp_path / "remote" / student.name
        assert (remote_dir / "feedback.md").read_bytes() == (local_dir / "feedback.md").read_bytes()
        remote, local = (json.loads((d / "scores.json").read_text()) for d in (remote_dir, local_dir))
        remote.pop("seconds", None), local.pop("seconds", None)  # the grading time is the only thing that may differ
        assert remote == local

    again = finished(grade(klass, tmp_path / "remote", "--scheduler", cluster["address"], "--resume"))
    assert "8 students" in again
    assert (tmp_path / "remote" / "grades.csv").read_bytes() == local_csv


def test_a_worker_refuses_a_task_of_another_course_version(cluster, klass):
    from grader.grading.tasks import CourseMismatch, Settings, make_task, run_task

    task = make_task("student0", klass[0], Settings(["ch3"]))
    stale = replace(task, fingerprint="0" * 64)
    with pytest.raises(CourseMismatch, match="same course"):
        cluster["client"].submit(run_task, stale, pure=False).result(timeout=120)


def test_a_refused_task_stops_the_run_with_one_line(klass):
    from concurrent.futures import ThreadPoolExecutor

    from grader.grading.cluster import ClusterError, Pool, run_all
    from grader.grading.tasks import Settings, make_task

    stale = replace(make_task("student0", klass[0], Settings(["ch3"])), fingerprint="f" * 64)
    with ThreadPoolExecutor(1) as threads, pytest.raises(ClusterError, match=r"has course version .* ffffffffffff"):
        run_all(Pool(threads, 1, "this machine"), [stale], lambda task, ran: None)
