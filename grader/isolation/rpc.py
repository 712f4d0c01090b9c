"""A symmetric request/reply channel over a socket, used by test process and worker.

Either side may send a request while waiting for its own reply (the worker
calls back a test's function; that function may call the worker again), so
``request`` serves incoming requests until the matching reply arrives.
Messages are codec frames: ``{"kind": "request", "id": n, "op": ..., ...}``
and ``{"kind": "reply", "id": n, "value": ...}`` or ``{..., "error": {...}}``.
"""

from __future__ import annotations

import itertools
import socket
import time
from collections.abc import Callable

from grader.isolation.codec import MAX_FRAME, read_frame, write_frame

Handler = Callable[[dict, list[bytes]], tuple[dict, list[bytes]]]  # (request, buffers) -> (reply, buffers)


class RemoteFailure(Exception):
    """The other side answered a request with an error."""

    def __init__(self, error: dict):
        self.error = error
        super().__init__(f"{error.get('type', 'Error')}: {error.get('message', '')}")


class SocketStream:
    """Buffered file-like reading and writing on a socket, with an optional deadline."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.deadline: float | None = None
        self.buffer = bytearray()

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes (b"" at end of stream); one recv serves many small reads."""
        if not self.buffer:
            if self.deadline is not None:
                remaining = self.deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("deadline passed")
                self.sock.settimeout(remaining)
            else:
                self.sock.settimeout(None)
            try:
                self.buffer += self.sock.recv(1 << 20)
            except TimeoutError:
                raise TimeoutError("deadline passed") from None
        chunk = bytes(self.buffer[:size])
        del self.buffer[:size]
        return chunk

    def write(self, data: bytes) -> None:
        self.sock.settimeout(None)
        self.sock.sendall(data)

    def flush(self) -> None:
        pass


class Endpoint:
    """One side of the channel; ``handle(message, buffers)`` serves requests and returns ``(reply, buffers)``."""

    def __init__(self, sock: socket.socket, handle: Handler, max_message: int = MAX_FRAME):
        self.stream = SocketStream(sock)
        self.handle = handle
        self.max_message = max_message  # bytes in one message received
        self._ids = itertools.count(1)

    def request(self, header: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        """Send a request; serve nested requests; return the reply (header, buffers)."""
        number = next(self._ids)
        write_frame(self.stream, {**header, "kind": "request", "id": number}, buffers)
        while True:
            message, data = read_frame(self.stream, self.max_message)
            if message.get("kind") == "reply" and message.get("id") == number:
                if "error" in message:
                    raise RemoteFailure(message["error"])
                return message, data
            if message.get("kind") == "request":
                self.serve_one(message, data)
            # a stray reply (to a request abandoned after an error) is dropped

    def serve_one(self, message: dict, data: list[bytes]) -> None:
        try:
            reply, buffers = self.handle(message, data)
            reply = {**reply, "kind": "reply", "id": message.get("id")}
        except Exception as error:  # the handler's own errors go back to the requester
            reply, buffers = {"kind": "reply", "id": message.get("id"), "error": describe_error(error)}, []
        write_frame(self.stream, reply, buffers)

    def serve_forever(self) -> None:
        while True:
            message, data = read_frame(self.stream, self.max_message)
            if message.get("kind") == "request":
                self.serve_one(message, data)


def describe_error(error: BaseException, frames: list[str] | None = None) -> dict:
    return {"type": type(error).__name__, "message": str(error)[:2000], "traceback": frames or []}
