"""The test process's side of isolation: student code behind a proxy.

``RemoteImplementation`` stands in for an in-process ``Implementation``:
``load("ch3.layers")`` returns a module proxy whose attributes are fetched
from the worker through a ``grader.isolation.client.WorkerClient``. Values
come back decoded by ``grader.isolation.codec`` (plain data only), other
objects as ``RemoteObject`` handles. Functions the test passes in are called
back; arrays the student modified in place are copied back into the caller's
arrays; random generators advance as they would in-process.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from grader.defaults import CALL_TIMEOUT_S, TEST_TIMEOUT_S
from grader.isolation.client import StudentCodeError, WorkerClient, WorkerStartError
from grader.isolation.uids import claim_uid
from grader.staging import stage


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
    """``--impl=PATH --isolate``: the submission runs in a worker process.

    The folder is staged (``grader.staging``) into a private scratch folder the
    worker receives read-only; the worker boots while pytest collects.
    """

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
        uid, self._uid_lock = claim_uid() if use_sandbox and os.geteuid() == 0 else (os.getuid(), None)
        self._scratch = tempfile.TemporaryDirectory(prefix="dlgrade-worker-")
        scratch = Path(self._scratch.name)
        os.chmod(scratch, 0o700)
        stage(folder, scratch / "submission")
        self.client = WorkerClient(scratch, use_sandbox, uid, list(hide), limits or {}, call_timeout)
        self.test_timeout = test_timeout
        self._early_start = threading.Thread(target=self._start_quietly, daemon=True)
        self._early_start.start()  # the worker boots while pytest collects

    def _start_quietly(self) -> None:
        with contextlib.suppress(WorkerStartError):  # kept in client.start_error; the first call raises it
            self.client.ensure_started()

    def __repr__(self) -> str:
        return f"RemoteImplementation({self.root})"

    def load(self, module: str) -> RemoteObject:
        return RemoteObject(self.client, {"module": module}, f"module {module}")

    def opencl_devices(self) -> list[dict]:
        """The OpenCL devices the worker sees (the ones the device tests must run on)."""
        return self.client.opencl_devices()

    @property
    def start_error(self) -> WorkerStartError | None:
        return self.client.start_error

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
