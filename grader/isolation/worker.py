"""The worker: the only process that imports a student's code.

Started by ``grader.isolation.client`` as ``python -m grader.isolation.worker CONFIG`` (inside the
sandbox of ``grader.isolation.sandbox`` when available). It boots (copies the submission
onto its own tmpfs, sets limits, drops privileges), says hello, then loads the submission,
one view per chapter it grades (``grader.given``), with the same loader as ``--impl=PATH``,
and serves requests on a socket: ``getattr``, ``setattr``, ``call``, ``getitem``, ``iter``,
``next``, ``release``, ``opencl_devices``; a call may name an arithmetic operator instead of
a function, so that a test
can write ``3 - x`` on the student's objects (``OPERATORS``).
Results that are plain data go back by value (``grader.isolation.codec``); anything
else stays here behind a handle, in ``Worker.objects``, until the test process
sends ``release`` for it (it does when it no longer holds a proxy for it). After a call, arrays passed as arguments
that the call modified, and the state of random generators it used, are
sent back, so the caller sees exactly what an in-process call would do.
Each call carries the test process's floating-point error handling, warning
filters and numpy's global random state, which apply while the student's code
runs; warnings it raises and the random state it leaves go back.
"""

from __future__ import annotations

import contextlib
import json
import operator
import os
import shutil
import signal
import socket
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from grader.implementations import ChapterViews, public_text
from grader.isolation import codec, process_state, sandbox
from grader.isolation.codec import write_frame
from grader.isolation.limits import apply_rlimits, with_defaults
from grader.isolation.rpc import Endpoint, RemoteFailure, describe_error
from grader.isolation.uids import processes_of

OPERATORS = frozenset({"add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "neg", "pos", "abs"})
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


def make_generator(state: dict) -> np.random.Generator:
    name = state.get("bit_generator")
    if name not in BIT_GENERATORS:
        raise ValueError(f"unsupported bit generator {name!r}")
    bit_generator = getattr(np.random, name)()
    bit_generator.state = state
    return np.random.Generator(bit_generator)


def walk(value: object, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, item) for every array, generator, list and dict inside call arguments."""
    if isinstance(value, (np.ndarray, np.random.Generator)):
        yield path, value
    elif isinstance(value, (list, tuple)):
        if isinstance(value, list):
            yield path, value
        for index, item in enumerate(value):
            yield from walk(item, (*path, index))
    elif isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from walk(item, (*path, key))


def snapshot(item: object) -> object:
    """What to compare after a call to see whether it changed ``item`` in place."""
    if isinstance(item, np.ndarray):
        return item.copy()
    if isinstance(item, list):
        return [id(v) for v in item]
    if isinstance(item, dict):
        return {k: id(v) for k, v in item.items()}
    return None


def changed(item: object, before: Any) -> bool:
    if isinstance(item, np.ndarray):
        return item.shape != before.shape or not np.array_equal(item, before, equal_nan=True)
    return snapshot(item) != before


def opencl_devices() -> list[dict]:
    """The OpenCL devices this worker can use: those of every platform that compiles a kernel."""
    try:
        import pyopencl as cl
    except ImportError:
        return []
    try:
        platforms = cl.get_platforms()
    except cl.Error:
        return []
    found = []
    for platform in platforms:
        try:
            devices = platform.get_devices()
            cl.Program(cl.Context(devices), "__kernel void probe(__global float *x) { x[0] = 1.0f; }").build()
        except cl.Error:
            continue
        for device in devices:
            kinds = [k for k in ("GPU", "CPU", "ACCELERATOR", "CUSTOM") if device.type & getattr(cl.device_type, k)]
            found.append({"platform": platform.name, "device": device.name, "type": (kinds or ["OTHER"])[0]})
    return found


def last_pid() -> int | None:
    """The last process or thread id handed out in this PID namespace (``/proc/loadavg``'s last field)."""
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            return int(handle.read().split()[-1])
    except (OSError, ValueError, IndexError):
        return None


class Callback:
    """A function of the test process, called through the channel."""

    def __init__(self, worker: Worker, number: int):
        self.worker, self.number = worker, number

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.worker.call_back(self.number, args, kwargs)


class Worker:
    def __init__(self, submission: Path, sock: socket.socket, sandboxed: bool = False):
        self.sandboxed = sandboxed
        self.submission = submission.resolve()
        self.implementation = ChapterViews(self.submission)
        self.objects: dict[int, object] = {}
        self.endpoint = Endpoint(sock, self.handle)
        self.pid = os.getpid()
        self.last_pid: int | None = None  # as end_strays last saw it
        self.random = process_state.RandomWatch()  # numpy's global random state as last sent or received
        self.filters: list[tuple] = []  # the test process's warning filters, as last sent
        os.register_at_fork(after_in_child=sock.close)  # a child of the student's never speaks for the worker

    # references --------------------------------------------------------
    def refer(self, value: object) -> dict:
        number = id(value)
        self.objects[number] = value
        return {"$h": number, "type": type(value).__name__, "callable": callable(value)}

    def resolve(self, ref: dict) -> Any:
        if "$h" in ref:
            try:
                return self.objects[int(ref["$h"])]
            except KeyError:
                raise ValueError("unknown object (from an earlier worker?)") from None
        if "$cb" in ref:
            return Callback(self, int(ref["$cb"]))
        if "$rng" in ref:
            return make_generator(ref["$rng"])
        raise ValueError(f"unknown reference {sorted(ref)}")

    def encode(self, value: Any, buffers: list[bytes]) -> Any:
        return codec.encode(value, buffers, self.refer)

    def decode(self, data: Any, buffers: list[bytes]) -> Any:
        return codec.decode(data, buffers, self.resolve)

    def call_back(self, number: int, args: tuple, kwargs: dict) -> Any:
        """Call the test's function; a view it returns of an array sent here is a view of that array here."""
        buffers: list[bytes] = []
        sent: codec.Arrays = {}
        header = {
            "op": "callback",
            "callback": number,
            "args": codec.encode(list(args), buffers, self.refer, sent=sent),
            "kwargs": codec.encode(dict(kwargs), buffers, self.refer, sent=sent),
        }
        try:
            reply, data = self.endpoint.request(header, buffers)
        except RemoteFailure as failure:
            raise RuntimeError(f"the test's function raised {failure}") from None
        return codec.decode(reply["value"], data, self.resolve, bases=sent)

    # requests ----------------------------------------------------------
    def target(self, message: dict) -> Any:
        if message.get("op") == "opencl_devices":
            return None
        if "operator" in message:
            if message["operator"] not in OPERATORS:
                raise ValueError(f"unknown operator {message['operator']!r}")
            return getattr(operator, message["operator"])
        if "module" in message:
            return self.implementation.load(str(message["module"]))
        return self.resolve({"$h": message["handle"]})

    def handle(self, message: dict, data: list[bytes]) -> tuple[dict, list[bytes]]:
        op = message.get("op")
        buffers: list[bytes] = []
        try:
            if op == "call":
                return self.call(message, data)
            if op == "release":  # the test process holds none of these objects any more
                for handle in message["handles"]:
                    self.objects.pop(int(handle), None)
                return {"value": None}, []
            target = self.target(message)
            if op == "getattr":
                value = getattr(target, str(message["name"]))
            elif op == "setattr":
                setattr(target, str(message["name"]), self.decode(message["value"], data))
                value = None
            elif op == "getitem":
                value = target[self.decode(message["key"], data)]
            elif op == "iter":
                value = iter(target)
            elif op == "next":
                value = next(target)
            elif op == "opencl_devices":
                value = opencl_devices()
            else:
                raise ValueError(f"unknown operation {op!r}")
        except Exception as error:
            return {"error": self.describe(error)}, []
        return {"value": self.encode(value, buffers)}, buffers

    def call(self, message: dict, data: list[bytes]) -> tuple[dict, list[bytes]]:
        try:
            function = self.target(message)
            args = self.decode(message["args"], data)
            kwargs = self.decode(message["kwargs"], data)
            watched = [(("args", *path), item, snapshot(item)) for path, item in walk(args)]
            watched += [(("kwargs", *path), item, snapshot(item)) for path, item in walk(kwargs)]
            sent = message.get("random")
            if isinstance(sent, dict) and process_state.set_random_state(self.decode(sent.get("key"), data), sent):
                self.random.mark()
            if "warnings" in message:  # sent when they changed
                self.filters = process_state.prepare_filters(message["warnings"])
            with process_state.applied(message.get("errstate"), self.filters) as caught:
                result = function(*args, **kwargs)
        except Exception as error:
            self.leave_if_forked()
            self.end_strays()
            return {"error": self.describe(error)}, []
        self.leave_if_forked()
        self.end_strays()
        buffers: list[bytes] = []
        changes = []
        for path, item, before in watched:
            if isinstance(item, np.random.Generator):
                changes.append([list(path), {"rng": item.bit_generator.state}])
            elif changed(item, before):
                changes.append([list(path), {"value": self.encode(item, buffers)}])
        reply = {"value": self.encode(result, buffers), "changes": changes, "warnings": process_state.raised(caught)}
        if self.random.moved():
            key, rest = process_state.random_state()
            reply["random"] = {"key": self.encode(key, buffers), **rest}
            self.random.mark(rest)
        return reply, buffers

    def leave_if_forked(self) -> None:
        """A process the student forked that returns here ends at once."""
        if os.getpid() != self.pid:
            os._exit(0)

    def end_strays(self) -> None:
        """In the sandbox's own PID namespace: end what the call left running (a fork bomb's children).

        Only bubblewrap's init (pid 1) and this worker remain between calls, so leftovers neither spin
        on the worker's CPU share nor hold its process limit.
        """
        if not self.sandboxed:
            return
        seen = last_pid()  # read first: a process started while the look goes on shows at the next one
        if seen is not None and seen == self.last_pid:
            return  # no process (nor thread) started since the last look
        strays = [int(entry) for entry in os.listdir("/proc") if entry.isdigit() and int(entry) not in (1, self.pid)]
        for pid in strays:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        self.last_pid = None if strays else seen  # the killed may still be dying: look again next time

    def describe(self, error: BaseException) -> dict:
        """Type, message and the student's own frames of the traceback (not those of given code)."""
        frames = []
        for frame in traceback.extract_tb(error.__traceback__):
            try:
                view, *rest = Path(frame.filename).relative_to(self.submission).parts
            except ValueError:
                continue
            if rest and rest[0] == view:  # view chN, file chN/...: the student's chapter
                frames.append(f"{Path(*rest)}, line {frame.lineno}, in {frame.name}: {(frame.line or '').strip()}")
        described = describe_error(error, frames[-8:])
        described["message"] = public_text(described["message"])
        return described


def boot(config: dict) -> Path:
    """Prepare the worker before any student code exists in it; return the submission folder.

    In the sandbox: copy the staged submission onto the working tmpfs, set
    limits, and (as root) drop to the worker's own uid with no groups.
    """
    limits = with_defaults(config.get("limits"))
    if not config.get("sandbox"):
        apply_rlimits(limits, processes_already=len(processes_of(os.getuid())))
        os.chdir(config["scratch"])
        return Path(config["scratch"]) / "submission"
    submission = sandbox.WORK / "submission"
    shutil.copytree(sandbox.STAGE / "submission", submission, symlinks=True)
    uid = int(config["uid"])
    if os.geteuid() == 0:
        for folder, _, files in os.walk(sandbox.WORK):
            os.lchown(folder, uid, uid)
            for name in files:
                os.lchown(os.path.join(folder, name), uid, uid)
        apply_rlimits(limits)
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    else:  # in a user namespace of its own: the process count is the instructor's
        apply_rlimits(limits, processes_already=len(processes_of(os.getuid())))
    os.chdir(sandbox.WORK)
    return submission


def main(argv: list[str]) -> int:
    config = json.loads(argv[0])
    sock = socket.socket(fileno=int(config["fd"]))
    submission = boot(config)
    sys.stdin.close()
    worker = Worker(submission, sock, sandboxed=bool(config.get("sandbox")))
    write_frame(worker.endpoint.stream, {"kind": "hello", "pid": os.getpid()}, [])
    try:
        worker.endpoint.serve_forever()
    except (EOFError, ConnectionError):
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
