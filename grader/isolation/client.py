"""The test process's side of a worker: start it, talk to it, restart it.

``WorkerClient`` starts the worker (in the sandbox of ``grader.isolation.sandbox``,
inside a cgroup of ``grader.isolation.limits`` where the host offers one) and
waits for its hello: a worker that cannot start is the grader's failure
(``WorkerStartError``, which stops the run), never the student's. After the
hello, a worker that exits, crashes, runs out of memory or time costs only the
current test: it is killed and started afresh on the next call. Replies are
capped in size; each call carries this process's numpy error handling and
warning filters, and warnings the student's code raised come back as warnings.
"""

from __future__ import annotations

import builtins
import collections
import contextlib
import functools
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.defaults import ONE_THREAD_BLAS
from grader.implementations import OneLineError, SubmissionError
from grader.isolation import codec, process_state, sandbox
from grader.isolation.limits import Cgroup, enter_command, with_defaults
from grader.isolation.rpc import Endpoint, RemoteFailure
from grader.isolation.uids import reap_uid
from grader.paths import ROOT

if TYPE_CHECKING:
    from grader.isolation.proxy import RemoteObject

BOOT_TIMEOUT = 120.0  # seconds for a worker to say hello (a loaded machine)
MAX_REPLY = 256 << 20  # bytes in one message from the worker
BOOT_OUTPUT = 8192  # bytes of the worker's output kept to explain a failed start
RELEASE_BATCH = 100  # dropped handles sent to the worker together, before the next request
EXIT_GRACE_S = 0.05  # after the connection broke, time for the worker to exit so that its exit code is known
KILL_WAIT_S = 10.0  # wait for a killed worker to be gone
PIPE_CHUNK = 1 << 16  # bytes read at once from the worker's output
# Workers are started from one thread that lives as long as this process: bubblewrap kills the
# sandbox when the thread that started it ends (--die-with-parent), and a test's thread may end first.
SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dlgrade-spawner")


class StudentCodeError(Exception):
    """An error raised by, or because of, the student's code in the worker."""


class WorkerCrashed(StudentCodeError, OneLineError):
    """The worker died while running the student's code."""


class WorkerTimeout(StudentCodeError, OneLineError):
    """The student's code ran past its time limit; the worker was killed."""


class ReplyTooLarge(StudentCodeError, OneLineError):
    """The student's code answered with more data than a reply may hold."""


class WorkerStartError(OneLineError):
    """The worker could not start: the grader's or the host's problem, never the student's."""


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


class WorkerClient:
    """Starts, talks to and restarts one worker for one submission (staged in ``scratch/submission``)."""

    def __init__(self, scratch: Path, use_sandbox: bool, uid: int, hide: list[str], limits: dict, call_timeout: float):
        self.scratch, self.use_sandbox, self.uid = scratch, use_sandbox, uid
        self.hide, self.limits, self.call_timeout = [Path(p) for p in hide], with_defaults(limits), call_timeout
        self.process: subprocess.Popen | None = None
        self.endpoint: Endpoint | None = None
        self.cgroup: Cgroup | None = None
        self.generation = 0
        self.start_error: WorkerStartError | None = None
        self.callbacks: dict[int, Callable[..., Any]] = {}
        self.module_attributes: dict[tuple[str, str], RemoteObject] = {}  # functions and classes, per worker
        self.test_deadline: float | None = None
        self.worker_random = process_state.RandomWatch()  # numpy's global random state as this worker has it
        self.filters_sent: list | None = None  # the warning filters this worker has
        self.boot_output = bytearray()
        self._starting = threading.Lock()
        self._holders: dict[int, weakref.WeakSet[RemoteObject]] = {}  # handle -> its live proxies here
        self._dropped: collections.deque[tuple[int, int]] = collections.deque()  # (generation, handle)

    # lifecycle -----------------------------------------------------------
    def ensure_started(self) -> None:
        """Start the worker unless it runs (safe to call from a background thread).

        A worker that cannot start even once more raises ``WorkerStartError``, and so does every later call.
        """
        with self._starting:
            if self.start_error is not None:
                raise self.start_error
            if self.process is not None:
                return
            try:
                self.start()
            except WorkerStartError as first:
                if self.generation == 0:
                    self.start_error = first
                    raise
                try:
                    self.start()  # a restart after the student's crash: once more before blaming the host
                except WorkerStartError as error:
                    self.start_error = error
                    raise

    def command(self, config: dict) -> list[str]:
        config_json = json.dumps(config)
        if not self.use_sandbox:
            return [sys.executable, "-m", "grader.isolation.worker", config_json]
        try:
            return sandbox.command(config_json, self.scratch, self.limits, self.hide)
        except sandbox.SandboxError as error:
            raise WorkerStartError(f"the sandbox cannot be set up: {error}") from None

    def start(self) -> None:
        parent, child = socket.socketpair()
        config = {
            "scratch": str(self.scratch),
            "uid": self.uid,
            "limits": self.limits,
            "sandbox": self.use_sandbox,
            "fd": child.fileno(),
        }
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONDONTWRITEBYTECODE": "1",
            **ONE_THREAD_BLAS,
        }
        command = self.command(config)
        if self.use_sandbox:
            self.cgroup = Cgroup(f"dlgrade-{os.getpid()}-{self.uid}-{self.generation}", self.limits)
            command = enter_command(self.cgroup, command)
        self.boot_output = bytearray()
        self.process = SPAWNER.submit(
            subprocess.Popen,
            command,
            cwd=ROOT,
            env=env,
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ).result()
        child.close()
        threading.Thread(target=self._drain, args=(self.process.stdout,), daemon=True).start()
        self.endpoint = Endpoint(parent, self.serve_callback, max_message=MAX_REPLY)
        self.generation += 1
        self.module_attributes.clear()
        self._holders.clear()
        self._dropped.clear()
        self.worker_random = process_state.RandomWatch()
        self.filters_sent = None
        self._wait_for_hello()

    def _wait_for_hello(self) -> None:
        assert self.endpoint is not None and self.process is not None, "start() made them"
        stream = self.endpoint.stream
        stream.deadline = time.monotonic() + BOOT_TIMEOUT
        try:
            hello, _ = codec.read_frame(stream, 4096)
            if hello.get("kind") == "hello":
                return
            problem = "it sent something else than its hello"
        except TimeoutError:
            problem = f"it did not answer within {BOOT_TIMEOUT:.0f} s"
        except (EOFError, ConnectionError, codec.CodecError):
            time.sleep(0.1)  # the last of its output
            code = self.process.poll()
            problem = f"it exited (code {code})" if code is not None else "it closed its channel"
        finally:
            stream.deadline = None
        output = self.boot_output.decode("utf-8", "replace").strip().splitlines()
        self.stop()
        hint = sandbox.diagnose() if self.use_sandbox else ""
        last = f"; its last words: {output[-1][:300]}" if output else ""
        raise WorkerStartError(f"the worker that runs student code could not start: {hint or problem}{last}")

    def _drain(self, pipe: io.BufferedReader) -> None:
        """Keep the start of what the worker prints (to explain a failed start), discard the rest."""
        for chunk in iter(lambda: pipe.read1(PIPE_CHUNK), b""):
            if len(self.boot_output) < BOOT_OUTPUT:
                self.boot_output += chunk[: BOOT_OUTPUT - len(self.boot_output)]

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
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
        if self.use_sandbox and os.geteuid() == 0:
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
        except codec.MessageTooLarge:
            self.stop()
            raise ReplyTooLarge(
                f"your code returned more data than one answer may hold ({MAX_REPLY >> 20} MiB)"
            ) from None
        except (EOFError, ConnectionError, codec.CodecError):
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
        received: codec.Arrays = {}
        args = codec.decode(message["args"], data, self.resolve, received=received)
        kwargs = codec.decode(message["kwargs"], data, self.resolve, received=received)
        buffers: list[bytes] = []
        return {"value": codec.encode(function(*args, **kwargs), buffers, self.refer, bases=received)}, buffers

    # values ----------------------------------------------------------------
    def refer(self, value: object) -> dict:
        from grader.isolation.proxy import RemoteObject

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
        from grader.isolation.proxy import RemoteObject

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
            **process_state.capture(),
        }
        filters = header["warnings"]
        if filters == self.filters_sent:
            del header["warnings"]  # the worker keeps the last ones
        rest = None
        if self.worker_random.moved():  # numpy's global generator moved since the worker last had its state
            key, rest = process_state.random_state()
            header["random"] = {"key": self.encode(key, buffers), **rest}
        reply, data = self.request(header, buffers)
        self.filters_sent = filters
        if rest is not None:
            self.worker_random.mark(rest)
        returned = reply.get("random")
        if isinstance(returned, dict) and process_state.set_random_state(
            self.decode(returned.get("key"), data), returned
        ):
            self.worker_random.mark()
        self._apply_changes(reply.get("changes", []), data, list(args), kwargs)
        process_state.reissue(reply.get("warnings"))
        return self.decode(reply["value"], data)

    def opencl_devices(self) -> list[dict]:
        return self.operation("opencl_devices", {})

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
