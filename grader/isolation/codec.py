"""Values that cross between the test process and the student's worker.

No pickle: a message is a JSON header plus raw array buffers. What can be
encoded is plain data: None, bools, numbers, strings, lists, tuples, dicts
with string keys, numeric ndarrays (decoded as plain ``np.ndarray``, never a
subclass) and numpy scalars. Everything else is replaced by a reference the
two sides agree on, supplied by ``refer`` when encoding and ``resolve`` when
decoding: a student's object stays in the worker behind a handle, a test's
callback or random generator stays in the test process.

A test's callback may return a view of an array the worker passed it (``v.T``,
``v[1:]``, ``v`` itself). Such a value travels as a view description (``$v``:
which argument, offset, strides) and is rebuilt in the worker as a view of the
worker's own array, so it changes when that array changes, as it would in one
process.

Frame layout on the wire: 8-byte header length, header JSON (utf-8),
8-byte buffer count, then for each buffer 8-byte length and bytes.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

NUMERIC_KINDS = "biufc"
MAX_DEPTH = 64
MAX_FRAME = 2 << 30  # bytes in one message
MAX_BUFFERS = 1 << 20  # arrays in one message
_LENGTH = struct.Struct("<Q")


class CodecError(ValueError):
    """A message that is malformed or too large."""


class MessageTooLarge(CodecError):
    """A message longer than the reader allows."""


class TruncatedFrame(CodecError, EOFError):
    """The stream ended inside a message (the other side is gone, or sent a malformed length)."""


class Stream(Protocol):
    """A binary stream: a file opened ``rb``/``wb``, ``io.BytesIO`` or ``rpc.SocketStream``."""

    def read(self, size: int, /) -> bytes: ...

    def write(self, data: bytes, /) -> object: ...

    def flush(self) -> None: ...


Refer = Callable[[Any], dict]  # an object that is not plain data -> its JSON reference
Resolve = Callable[[dict], Any]  # a JSON reference -> the object it stands for
Arrays = dict[int, np.ndarray]  # buffer index -> the array sent (or received) in that buffer


def is_plain_array(value: object) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind in NUMERIC_KINDS and not value.dtype.fields


def encode(
    value: Any,
    buffers: list[bytes],
    refer: Refer,
    depth: int = 0,
    *,
    sent: Arrays | None = None,
    bases: Arrays | None = None,
) -> Any:
    """JSON-able form of ``value``; array bytes are appended to ``buffers``.

    ``refer(value)`` returns the JSON reference for anything not plain data.
    ``sent`` records each array encoded, under its buffer index; an array that
    is a view of one of ``bases`` (arrays received from the other side) is
    encoded as that view (``$v``) instead of by value.
    """
    if depth > MAX_DEPTH:
        return refer(value)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and type(value) in (int, float):
        return value
    if isinstance(value, np.generic) and value.dtype.kind in NUMERIC_KINDS:
        return {"$s": _array(np.asarray(value), buffers)}
    if is_plain_array(value):
        view = _view_of(value, bases) if bases else None
        if view is not None:
            return {"$v": view}
        body = _array(value, buffers)
        if sent is not None:
            sent[body["i"]] = value
        return {"$a": body}
    inner = {"sent": sent, "bases": bases}
    if type(value) is tuple:
        return {"$t": [encode(v, buffers, refer, depth + 1, **inner) for v in value]}
    if type(value) is list:
        return [encode(v, buffers, refer, depth + 1, **inner) for v in value]
    if type(value) is dict and all(type(k) is str for k in value):
        return {"$d": [[k, encode(v, buffers, refer, depth + 1, **inner)] for k, v in value.items()]}
    return refer(value)


def _sent_fortran(array: np.ndarray) -> bool:
    """Whether ``_array`` sends this array as Fortran-ordered."""
    return array.ndim > 1 and array.flags.f_contiguous and not array.flags.c_contiguous


def _view_of(array: np.ndarray, bases: Arrays) -> dict | None:
    """``array`` as a view of one of ``bases`` (each received contiguous, so it owns one block of memory):
    which one, and the offset and strides in elements; None if it is a view of none of them."""
    itemsize = array.dtype.itemsize
    start = array.__array_interface__["data"][0]
    low = start + sum(min(0, s * (n - 1)) for s, n in zip(array.strides, array.shape))
    high = start + sum(max(0, s * (n - 1)) for s, n in zip(array.strides, array.shape)) + itemsize
    for index, base in bases.items():
        origin = base.__array_interface__["data"][0]
        if (
            array.size
            and base.dtype == array.dtype
            and origin <= low
            and high <= origin + base.nbytes
            and (start - origin) % itemsize == 0
            and all(s % itemsize == 0 for s in array.strides)
        ):
            strides = [s // itemsize for s in array.strides]
            return {"of": index, "offset": (start - origin) // itemsize, "strides": strides, "shape": list(array.shape)}
    return None


def _rebuild_view(body: object, bases: Arrays) -> np.ndarray:
    """The inverse of ``_view_of`` on the side that sent the base: a view of its own array.

    The base arrived on the other side as a contiguous copy (C or Fortran order, as ``_array`` sent it);
    element offsets there name logical positions here, which a view reaches only if their byte offsets
    here are affine in the view's index (always, unless the base here is itself non-contiguous and the
    view reshapes it; then numpy would have copied too, and so does this).
    """
    if not (
        isinstance(body, dict)
        and type(body.get("of")) is int
        and body["of"] in bases
        and type(body.get("offset")) is int
        and isinstance(body.get("shape"), list)
        and all(_is_count(n) for n in body["shape"])
        and isinstance(body.get("strides"), list)
        and len(body["strides"]) == len(body["shape"])
        and all(type(s) is int for s in body["strides"])
    ):
        raise CodecError("malformed view in message")
    base, shape = bases[body["of"]], tuple(body["shape"])
    if math.prod(shape) > MAX_FRAME:
        raise CodecError("view larger than a message")
    if not math.prod(shape):
        return np.empty(shape, dtype=base.dtype)
    grid = np.ix_(*(np.arange(n) for n in shape)) if shape else ()
    offsets = body["offset"] + sum((axis * s for axis, s in zip(grid, body["strides"])), np.zeros(shape, np.int64))
    if offsets.min() < 0 or offsets.max() >= base.size:
        raise CodecError("view outside its base array")
    positions = np.unravel_index(offsets, base.shape, order="F" if _sent_fortran(base) else "C")
    here = sum((p * s for p, s in zip(positions, base.strides)), np.zeros(shape, np.int64))
    first = here.flat[0]
    steps = [
        int(here[tuple(int(k == axis) for k in range(len(shape)))] - first) if n > 1 else 0
        for axis, n in enumerate(shape)
    ]
    if np.array_equal(here, first + sum((axis * s for axis, s in zip(grid, steps)), np.zeros(shape, np.int64))):
        corner: tuple[Any, ...] = (*(slice(int(p.flat[0]), int(p.flat[0]) + 1) for p in positions), Ellipsis)
        return np.lib.stride_tricks.as_strided(base[corner], shape=shape, strides=steps)
    return base[positions]  # not a view here either: its values now


def _array(array: np.ndarray, buffers: list[bytes]) -> dict:
    """An array's bytes in C order; a Fortran-ordered one (a transposed matrix) travels as its transpose
    and arrives Fortran-ordered again, so memory order is the same on both sides."""
    plain = np.ndarray.view(array, np.ndarray)
    fortran = _sent_fortran(plain)
    if fortran:
        plain = plain.T
    if not plain.flags.c_contiguous:
        plain = plain.copy(order="C")  # (np.ascontiguousarray would turn 0-d into 1-d)
    buffers.append(plain.tobytes())
    body = {"i": len(buffers) - 1, "dtype": plain.dtype.str, "shape": list(plain.shape)}
    return {**body, "fortran": True} if fortran else body


def decode(
    data: Any,
    buffers: list[bytes],
    resolve: Resolve,
    depth: int = 0,
    *,
    received: Arrays | None = None,
    bases: Arrays | None = None,
) -> Any:
    """Inverse of ``encode``; ``resolve(ref_dict)`` turns a reference into an object.

    ``received`` records each array decoded, under its buffer index; a view
    (``$v``) is rebuilt on ``bases``, the arrays this side sent (``encode``'s ``sent``).
    """
    if depth > MAX_DEPTH:
        raise CodecError("message nested too deeply")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    inner = {"received": received, "bases": bases}
    if isinstance(data, list):
        return [decode(v, buffers, resolve, depth + 1, **inner) for v in data]
    if not isinstance(data, dict) or len(data) != 1:
        if isinstance(data, dict):
            return resolve(data)
        raise CodecError(f"unexpected {type(data).__name__} in message")
    ((tag, body),) = data.items()
    if tag == "$a":
        array = _decode_array(body, buffers)
        if received is not None:
            received[body["i"]] = array
        return array
    if tag == "$s":
        return _decode_array(body, buffers)[()]
    if tag == "$v":
        if not bases:
            raise CodecError("a view of an array this side never sent")
        return _rebuild_view(body, bases)
    if tag == "$t":
        if not isinstance(body, list):
            raise CodecError("malformed tuple in message")
        return tuple(decode(v, buffers, resolve, depth + 1, **inner) for v in body)
    if tag == "$d":
        if not isinstance(body, list) or not all(
            isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) for item in body
        ):
            raise CodecError("malformed dict in message")
        return {key: decode(value, buffers, resolve, depth + 1, **inner) for key, value in body}
    return resolve(data)


def _is_count(value: object) -> bool:
    return type(value) is int and value >= 0


def _decode_array(body: object, buffers: list[bytes]) -> np.ndarray:
    if not (
        isinstance(body, dict)
        and isinstance(body.get("dtype"), str)
        and isinstance(body.get("shape"), list)
        and all(_is_count(n) for n in body["shape"])
        and _is_count(body.get("i"))
        and body["i"] < len(buffers)
        and body.get("fortran", False) in (True, False)
    ):
        raise CodecError("malformed array in message")
    try:
        dtype = np.dtype(body["dtype"])
    except (TypeError, ValueError):
        raise CodecError(f"unknown dtype {body['dtype']!r}") from None
    if dtype.kind not in NUMERIC_KINDS or dtype.fields or dtype.subdtype:
        raise CodecError(f"array of dtype {dtype} not allowed")
    shape = tuple(body["shape"])
    raw = buffers[body["i"]]
    if len(raw) != dtype.itemsize * math.prod(shape):
        raise CodecError("array buffer does not match its shape")
    array = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    return array.T if body.get("fortran") is True else array


def write_frame(stream: Stream, header: dict, buffers: list[bytes]) -> None:
    """Send one message (header and buffers) on a binary stream."""
    payload = json.dumps(header, allow_nan=True).encode("utf-8")
    parts = [_LENGTH.pack(len(payload)), payload, _LENGTH.pack(len(buffers))]
    for buffer in buffers:
        parts += [_LENGTH.pack(len(buffer)), buffer]
    stream.write(b"".join(parts))
    stream.flush()


def read_frame(stream: Stream, limit: int = MAX_FRAME) -> tuple[dict, list[bytes]]:
    """Receive one message of at most ``limit`` bytes in all (else ``MessageTooLarge``).

    Raises EOFError when the other side is gone before the message, and
    CodecError for anything malformed (``TruncatedFrame``, also an EOFError,
    when the stream ends inside the message).
    """
    budget = [limit, limit]  # bytes left, bytes allowed
    payload = _read_sized(stream, budget, first=True)
    try:
        header = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise CodecError(f"message header is not JSON ({type(error).__name__})") from None
    count = _read_length(stream)
    if count > MAX_BUFFERS:
        raise CodecError("too many buffers")
    buffers = [_read_sized(stream, budget) for _ in range(count)]
    if not isinstance(header, dict):
        raise CodecError("message header is not an object")
    return header, buffers


def _read_length(stream: Stream, first: bool = False) -> int:
    raw = _read_exact(stream, _LENGTH.size, first)
    return int(_LENGTH.unpack(raw)[0])


def _read_sized(stream: Stream, budget: list[int], first: bool = False) -> bytes:
    size = _read_length(stream, first)
    if size > budget[0]:
        raise MessageTooLarge(f"a message longer than the {budget[1] >> 20} MiB allowed")
    budget[0] -= size
    return _read_exact(stream, size)


def _read_exact(stream: Stream, size: int, first: bool = False) -> bytes:
    """``size`` bytes; ``first``: these would be the message's first bytes."""
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = stream.read(left)
        if not chunk:
            if first and left == size:
                raise EOFError("connection closed")
            raise TruncatedFrame("the stream ended inside a message")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
