"""The test process's side of isolation: student code behind a proxy.

``RemoteImplementation`` stands in for an in-process ``Implementation``:
``load("ch3.layers")`` returns a module proxy whose attributes are fetched
from the worker. Calls travel through ``grader.isolation.rpc``; values come back
decoded by ``grader.isolation.codec`` (plain data only), other objects as
``RemoteObject`` handles. Functions the test passes in are called back;
arrays the student modified in place are copied back into the caller's
arrays; random generators advance as they would in-process.

A worker that exits, crashes, runs out of memory or time costs only the
current test: it is killed and started afresh on the next call.

The worker keeps every object it handed out until told otherwise: when the
last ``RemoteObject`` for a handle is gone here, the handle is queued, and
once ``RELEASE_BATCH`` are queued the next request first sends them in one
``release`` operation, which drops the worker's references.
"""

from __future__ import annotations

import builtins
import collections
import contextlib
import fcntl
import functools
import io
import json
import os
import random
import signal
import socket
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from grader.defaults import CALL_TIMEOUT_S, ONE_THREAD_BLAS, TEST_TIMEOUT_S
from grader.grading.submissions import stage
from grader.implementations import OneLineError, SubmissionError
from grader.isolation import codec, sandbox
from grader.isolation.rpc import Endpoint, RemoteFailure
from grader.paths import ROOT

PASSED_THROUGH = (
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "FloatingPointError",
    "ImportError",
    "IndexError",
    "KeyError",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "OSError",
    "OverflowError",
    "RecursionError",
    "RuntimeError",
    "TypeError",
    "UnboundLocalError",
    "ValueError",
    "ZeroDivisionError",
)


RELEASE_BATCH = 100  # dropped handles sent to the worker together, before the next request
EXIT_GRACE_S = 0.05  # after the connection broke, time for the worker to exit so that its exit code is known
KILL_WAIT_S = 10.0  # wait for a killed worker to be gone
PIPE_CHUNK = 1 << 16  # bytes read at once from the worker's output


class StudentCodeError(Exception):
    """An error raised by, or because of, the student's code in the worker."""


class WorkerCrashed(StudentCodeError, OneLineError):
    """The worker died while running the student's code."""


class WorkerTimeout(StudentCodeError, OneLineError):
    """The student's code ran past its time limit; the worker was killed."""


def remote_exception(error: dict) -> BaseException:
    """An exception for the test process that reads like the student's."""
    name, message = error.get("type", "Error"), error.get("message", "")
    where = f" ({error['traceback'][-1]})" if error.get("traceback") else ""
    if name == "SubmissionError":
        return SubmissionError(message)
    if name == "NotImplementedError":
        return NotImplementedError(message)
    if name == "StopIteration":
        return StopIteration()
    if name in PASSED_THROUGH:
        return _passed_through(name)(f"{message}{where}")
    return StudentCodeError(f"{name}: {message}{where}")


@functools.cache
def _passed_through(name: str) -> type:
    """``ValueError`` from the student's code: a ValueError here too, and a StudentCodeError."""
    return type(name, (getattr(builtins, name), StudentCodeError), {"__str__": lambda self: self.args[0]})


def describe_exit(code: int | None) -> str:
    if code is None:
        return "the worker running your code stopped answering"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        reasons = {
            "SIGKILL": "was killed (memory, time or process limit)",
            "SIGXCPU": "used more CPU time than allowed",
            "SIGXFSZ": "wrote a file larger than allowed",
            "SIGSEGV": "crashed (segmentation fault)",
        }
        return f"your code {reasons.get(name, f'was ended by {name}')}"
    return f"your code ended the worker process (exit code {code}): never call sys.exit, os._exit or quit"


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

    (A killed worker's namespace takes about a second to go; waiting for the last one costs that.)
    """
    deadline = time.monotonic() + patience
    while len(pids := processes_of(uid)) > 0 and time.monotonic() < deadline:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if len(pids) <= few:
            return
        time.sleep(EXIT_GRACE_S)


class WorkerClient:
    """Starts, talks to and restarts one worker for one submission."""

    def __init__(self, scratch: Path, use_sandbox: bool, uid: int, hide: list[str], limits: dict, call_timeout: float):
        self.scratch, self.use_sandbox, self.uid = scratch, use_sandbox, uid
        self.hide, self.limits, self.call_timeout = hide, limits, call_timeout
        self.process: subprocess.Popen | None = None
        self.endpoint: Endpoint | None = None
        self.generation = 0
        self.callbacks: dict[int, Callable[..., Any]] = {}
        self.module_attributes: dict[tuple[str, str], RemoteObject] = {}  # functions and classes, per worker
        self.test_deadline: float | None = None
        self._starting = threading.Lock()
        self._holders: dict[int, weakref.WeakSet[RemoteObject]] = {}  # handle -> its live proxies here
        self._dropped: collections.deque[tuple[int, int]] = collections.deque()  # (generation, handle)

    # lifecycle -----------------------------------------------------------
    def ensure_started(self) -> None:
        """Start the worker unless it runs (safe to call from a background thread)."""
        with self._starting:
            if self.process is None:
                self.start()

    def start(self) -> None:
        parent, child = socket.socketpair()
        config = {
            "scratch": str(self.scratch),
            "uid": self.uid,
            "hide": self.hide,
            "limits": self.limits,
            "sandbox": self.use_sandbox,
            "fd": child.fileno(),
        }
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONDONTWRITEBYTECODE": "1",
            **ONE_THREAD_BLAS,
        }
        self.process = subprocess.Popen(
            sandbox.command(json.dumps(config), self.use_sandbox),
            cwd=ROOT,
            env=env,
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        child.close()
        threading.Thread(target=self._drain, args=(self.process.stdout,), daemon=True).start()
        self.endpoint = Endpoint(parent, self.serve_callback)
        self.generation += 1
        self.module_attributes.clear()
        self._holders.clear()
        self._dropped.clear()

    @staticmethod
    def _drain(pipe: io.BufferedReader) -> None:
        """Read and discard what the student's code prints, so the worker never blocks on a full pipe."""
        for _ in iter(lambda: pipe.read1(PIPE_CHUNK), b""):
            pass

    def stop(self) -> int | None:
        if self.process is None:
            return None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        try:
            code = self.process.wait(timeout=KILL_WAIT_S)
        except subprocess.TimeoutExpired:
            code = None
        if self.endpoint is not None:
            self.endpoint.stream.sock.close()
        self.process = self.endpoint = None
        if self.use_sandbox:
            reap_uid(self.uid)
        return code

    # requests --------------------------------------------------------------
    def request(self, header: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        self.ensure_started()
        endpoint = self.endpoint
        assert endpoint is not None, "ensure_started starts the worker"
        limit = self.call_timeout
        deadline = time.monotonic() + limit
        if self.test_deadline is not None and self.test_deadline < deadline:
            deadline, limit = self.test_deadline, max(0.0, self.test_deadline - time.monotonic())
        endpoint.stream.deadline = deadline
        try:
            if len(self._dropped) >= RELEASE_BATCH:
                self._release(endpoint)
            return endpoint.request(header, buffers)
        except RemoteFailure as failure:
            raise remote_exception(failure.error) from None
        except TimeoutError:
            self.stop()
            raise WorkerTimeout(f"your code took longer than {limit:.0f} s (infinite loop?)") from None
        except (EOFError, ConnectionError, codec.CodecError, json.JSONDecodeError):
            time.sleep(EXIT_GRACE_S)
            code = self.process.poll() if self.process else None
            self.stop()
            raise WorkerCrashed(describe_exit(code)) from None
        finally:
            if self.endpoint is not None:
                self.endpoint.stream.deadline = None

    # handles ---------------------------------------------------------------
    def hold(self, proxy: RemoteObject, handle: int) -> None:
        """Note a new proxy for ``handle``; when it is gone, the handle may be released."""
        self._holders.setdefault(handle, weakref.WeakSet()).add(proxy)
        weakref.finalize(proxy, self._dropped.append, (self.generation, handle))  # no I/O: runs in any GC

    def _release(self, endpoint: Endpoint) -> None:
        """Tell the worker to forget the dropped handles that no proxy here holds any more."""
        handles = set()
        while self._dropped:
            generation, handle = self._dropped.popleft()
            holders = self._holders.get(handle)
            if generation == self.generation and holders is not None and not holders:
                del self._holders[handle]
                handles.add(handle)
        if handles:
            endpoint.request({"op": "release", "handles": sorted(handles)}, [])

    def serve_callback(self, message: dict, data: list[bytes]) -> tuple[dict, list[bytes]]:
        if message.get("op") != "callback":
            raise ValueError("the worker may only call back the test's functions")
        function = self.callbacks[int(message["callback"])]
        args = self.decode(message["args"], data)
        kwargs = self.decode(message["kwargs"], data)
        buffers: list[bytes] = []
        return {"value": self.encode(function(*args, **kwargs), buffers)}, buffers

    # values ----------------------------------------------------------------
    def refer(self, value: object) -> dict:
        if isinstance(value, RemoteObject):
            if object.__getattribute__(value, "_generation") != self.generation:
                raise StudentCodeError("an object from before the worker restarted cannot be used")
            return {"$h": object.__getattribute__(value, "_handle")}
        if isinstance(value, np.random.Generator):
            return {"$rng": value.bit_generator.state}
        if callable(value):
            self.callbacks[id(value)] = value
            return {"$cb": id(value)}
        raise TypeError(f"a {type(value).__name__} cannot be sent to the student's code")

    def resolve(self, ref: dict) -> RemoteObject:
        if "$h" in ref:
            return RemoteObject(self, {"handle": ref["$h"]}, ref.get("type", "object"))
        raise codec.CodecError("unexpected reference from the worker")

    def encode(self, value: Any, buffers: list[bytes]) -> Any:
        return codec.encode(value, buffers, self.refer)

    def decode(self, data: Any, buffers: list[bytes]) -> Any:
        return codec.decode(data, buffers, self.resolve)

    def operation(self, op: str, target: dict, **fields: Any) -> Any:
        buffers: list[bytes] = []
        header = {"op": op, **target, **{k: self.encode(v, buffers) for k, v in fields.items()}}
        reply, data = self.request(header, buffers)
        return self.decode(reply["value"], data)

    def call(self, target: dict, args: tuple, kwargs: dict) -> Any:
        self.ensure_started()  # so that handles in the arguments are checked against this generation
        buffers: list[bytes] = []
        header = {
            "op": "call",
            **target,
            "args": self.encode(list(args), buffers),
            "kwargs": self.encode(dict(kwargs), buffers),
        }
        reply, data = self.request(header, buffers)
        self._apply_changes(reply.get("changes", []), data, list(args), kwargs)
        return self.decode(reply["value"], data)

    def _apply_changes(self, changes: list, data: list[bytes], args: list, kwargs: dict) -> None:
        """Make in-place effects of the call visible on the caller's objects.

        Arrays are overwritten in place; dicts and lists get the worker's new
        contents (CS231n's bn_param and config dicts are updated this way).
        """
        roots: dict[str, Any] = {"args": args, "kwargs": kwargs}
        for path, change in sorted(changes, key=lambda c: -len(c[0])):  # innermost first
            try:
                holder = roots[path[0]]
                for key in path[1:-1]:
                    holder = holder[key]
                target = holder[path[-1]]
            except (KeyError, IndexError, TypeError):
                continue
            if "rng" in change and isinstance(target, np.random.Generator):
                target.bit_generator.state = change["rng"]
            elif "value" in change:
                new = self.decode(change["value"], data)
                if isinstance(target, np.ndarray) and isinstance(new, np.ndarray):
                    if new.shape == target.shape and target.flags.writeable:
                        np.copyto(target, new, casting="unsafe")
                elif isinstance(target, dict) and isinstance(new, dict):
                    target.clear()
                    target.update(new)
                elif isinstance(target, list) and isinstance(new, list):
                    target[:] = new


class RemoteObject:
    """A student's object that lives in the worker."""

    __slots__ = ("__weakref__", "_client", "_generation", "_handle", "_target", "_type")

    def __init__(self, client: WorkerClient, target: dict, type_name: str):
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_handle", target.get("handle"))
        object.__setattr__(self, "_generation", client.generation)
        object.__setattr__(self, "_type", type_name)
        if self._handle is not None:
            client.hold(self, self._handle)

    def _check(self) -> dict:
        if "handle" in self._target and self._generation != self._client.generation:
            raise StudentCodeError(f"this {self._type} was lost when your code ended the worker")
        return self._target

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # numpy and pytest probe dunders; never ask the student's code
        client, module = self._client, self._target.get("module")
        if module is not None and (module, name) in client.module_attributes:
            return client.module_attributes[module, name]
        value = client.operation("getattr", self._check(), name=name)
        if module is not None and isinstance(value, RemoteObject):
            client.module_attributes[module, name] = value  # a module's functions: one lookup per worker
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        self._client.operation("setattr", self._check(), name=name, value=value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._client.call(self._check(), args, kwargs)

    def __getitem__(self, key: Any) -> Any:
        return self._client.operation("getitem", self._check(), key=key)

    def __iter__(self) -> Any:
        return self._client.operation("iter", self._check())

    def __next__(self) -> Any:
        return self._client.operation("next", self._check())

    def __repr__(self) -> str:
        return f"<{self._type} in the student's code>"

    __array_ufunc__ = None  # `array * obj` becomes obj.__rmul__(array), evaluated in the worker


def _remote_operator(name: str, reflected: bool = False) -> Callable[..., Any]:
    """``obj + other`` (or ``other + obj``): ``operator.name`` applied in the worker, as Python would."""

    def method(self: RemoteObject, *other: Any) -> Any:
        args = (*other, self) if reflected else (self, *other)
        return self._client.call({"operator": name}, args, {})

    return method


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul"):
    setattr(RemoteObject, f"__{_name}__", _remote_operator(_name))
    setattr(RemoteObject, f"__r{_name}__", _remote_operator(_name, reflected=True))
for _name in ("neg", "pos", "abs"):
    setattr(RemoteObject, f"__{_name}__", _remote_operator(_name))


class RemoteImplementation:
    """``--impl=PATH --isolate``: the submission runs in a worker process."""

    def __init__(
        self,
        folder: Path,
        use_sandbox: bool,
        hide: Sequence[str] = (),
        limits: dict | None = None,
        call_timeout: float = CALL_TIMEOUT_S,
        test_timeout: float = TEST_TIMEOUT_S,
    ):
        self.root = folder
        self._uid_lock: IO[str] | None = None
        uid, self._uid_lock = claim_uid() if use_sandbox else (os.getuid(), None)
        self._scratch = tempfile.TemporaryDirectory(prefix="dlgrade-worker-")
        scratch = Path(self._scratch.name)
        os.chmod(scratch, 0o700)
        stage(folder, scratch / "submission")
        self.client = WorkerClient(scratch, use_sandbox, uid, list(hide), limits or {}, call_timeout)
        self.test_timeout = test_timeout
        self._early_start = threading.Thread(target=self.client.ensure_started, daemon=True)
        self._early_start.start()  # the worker boots while pytest collects

    def __repr__(self) -> str:
        return f"RemoteImplementation({self.root})"

    def load(self, module: str) -> RemoteObject:
        return RemoteObject(self.client, {"module": module}, f"module {module}")

    def begin_test(self) -> None:
        self.client.test_deadline = time.monotonic() + self.test_timeout

    def end_test(self) -> None:
        self.client.test_deadline = None

    def close(self) -> None:
        self._early_start.join()
        self.client.stop()
        self._scratch.cleanup()
        if self._uid_lock is not None:
            self._uid_lock.close()
