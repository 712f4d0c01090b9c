"""The request/reply channel between the test process and the worker (grader.isolation.rpc)."""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from grader.isolation.codec import read_frame, write_frame
from grader.isolation.rpc import Endpoint, RemoteFailure, SocketStream, describe_error


def serve_in_background(endpoint: Endpoint) -> threading.Thread:
    def serve() -> None:
        with contextlib.suppress(EOFError, OSError):  # until the other side closes
            endpoint.serve_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    left, right = socket.socketpair()
    yield left, right
    left.close()
    right.close()


def echo(message: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
    if message["op"] == "fail":
        raise KeyError("no such thing")
    return {"value": message["value"]}, [b[::-1] for b in buffers]


def test_a_request_gets_its_reply_with_buffers(pair):
    serve_in_background(Endpoint(pair[1], echo))
    client = Endpoint(pair[0], echo)
    for number in range(3):
        reply, buffers = client.request({"op": "echo", "value": number}, [b"abc", b""])
        assert reply["value"] == number and reply["kind"] == "reply"
        assert buffers == [b"cba", b""]


def test_the_handlers_error_comes_back_as_remote_failure(pair):
    serve_in_background(Endpoint(pair[1], echo))
    with pytest.raises(RemoteFailure, match="KeyError: 'no such thing'") as failure:
        Endpoint(pair[0], echo).request({"op": "fail"}, [])
    assert failure.value.error["type"] == "KeyError"


def test_either_side_may_call_back_while_it_serves_a_request(pair):
    """The worker calls a test's function, which calls the worker again: nested requests."""
    worker: Endpoint

    def worker_handle(message: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        if message["op"] == "square":
            return {"value": message["x"] ** 2}, []
        inner, _ = worker.request({"op": "callback", "x": message["x"]}, [])  # ask the test process
        return {"value": inner["value"] + 1}, []

    def test_handle(message: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        squared, _ = test_side.request({"op": "square", "x": message["x"]}, [])  # and back to the worker
        return {"value": squared["value"] * 10}, []

    worker = Endpoint(pair[1], worker_handle)
    test_side = Endpoint(pair[0], test_handle)
    serve_in_background(worker)
    reply, _ = test_side.request({"op": "call", "x": 3}, [])
    assert reply["value"] == 91  # (3 ** 2) * 10 + 1


def test_a_reply_to_an_abandoned_request_is_dropped(pair):
    def answer_twice() -> None:
        message, _ = read_frame(SocketStream(pair[1]))
        stream = SocketStream(pair[1])
        write_frame(stream, {"kind": "reply", "id": message["id"] - 1, "value": "stale"}, [])
        write_frame(stream, {"kind": "reply", "id": message["id"], "value": "fresh"}, [])

    threading.Thread(target=answer_twice, daemon=True).start()
    reply, _ = Endpoint(pair[0], echo).request({"op": "echo", "value": 0}, [])
    assert reply["value"] == "fresh"


def test_a_request_past_its_deadline_raises_timeout(pair):
    client = Endpoint(pair[0], echo)  # nobody serves the other end
    client.stream.deadline = time.monotonic() + 0.2
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        client.request({"op": "echo", "value": 1}, [])
    assert time.monotonic() - started < 30  # it returned, rather than waiting for ever


def test_the_other_side_closing_ends_the_request(pair):
    client = Endpoint(pair[0], echo)
    pair[1].close()
    with pytest.raises((EOFError, ConnectionError)):
        client.request({"op": "echo", "value": 1}, [])


def test_error_descriptions_are_bounded():
    described = describe_error(ValueError("x" * 10_000), ["f.py, line 1, in f: x"])
    assert described["type"] == "ValueError" and len(described["message"]) <= 2000
    assert described["traceback"] == ["f.py, line 1, in f: x"]
