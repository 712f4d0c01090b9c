"""Values cross the process boundary as plain data, never pickle."""

import contextlib
import io
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as npst

from grader.isolation.codec import CodecError, TruncatedFrame, decode, encode, read_frame, write_frame


class Opaque:
    pass


def roundtrip(value):
    buffers: list[bytes] = []
    refs: list[object] = []

    def refer(obj):
        refs.append(obj)
        return {"$h": len(refs) - 1}

    data = encode(value, buffers, refer)
    stream = io.BytesIO()
    write_frame(stream, {"value": data}, buffers)
    stream.seek(0)
    header, received = read_frame(stream)
    return decode(header["value"], received, lambda ref: ("handle", ref["$h"])), refs


def test_plain_data_round_trips():
    value: dict[str, Any] = {
        "a": [1, 2.5, None, True, "s"],
        "b": (np.arange(6.0).reshape(2, 3), np.float64(2.5), np.int32(3)),
        "c": np.array(7.0),
        "nan": float("nan"),
    }
    back, refs = roundtrip(value)
    assert refs == []
    assert back["a"] == [1, 2.5, None, True, "s"] and isinstance(back["b"], tuple)
    np.testing.assert_array_equal(back["b"][0], value["b"][0])
    assert back["b"][1] == 2.5 and isinstance(back["b"][1], np.float64)
    assert back["c"].shape == () and np.isnan(back["nan"])


def test_subclasses_come_back_as_plain_arrays():
    class Always(np.ndarray):
        def __eq__(self, other):
            return True

    back, _ = roundtrip(np.arange(3.0).view(Always))
    assert type(back) is np.ndarray
    assert not np.array_equal(back, np.zeros(3))


def test_other_objects_become_references():
    opaque = Opaque()
    back, refs = roundtrip({"cache": opaque, 3: "int key"})
    assert refs[0] == {"cache": opaque, 3: "int key"} and back == ("handle", 0)
    back, refs = roundtrip([np.array([object()], dtype=object)])
    assert back == [("handle", 0)]


def test_malformed_arrays_are_rejected():
    with pytest.raises(CodecError):
        decode({"$a": {"i": 0, "dtype": "|O", "shape": [1]}}, [b"\0" * 8], lambda ref: ref)
    with pytest.raises(CodecError):
        decode({"$a": {"i": 0, "dtype": "<f8", "shape": [4]}}, [b"\0" * 8], lambda ref: ref)


# ---------------------------------------------------------------- properties

NUMERIC_DTYPES = (
    npst.boolean_dtypes()
    | npst.integer_dtypes()
    | npst.unsigned_integer_dtypes()
    | npst.floating_dtypes()
    | npst.complex_number_dtypes()
)
ARRAYS = npst.arrays(NUMERIC_DTYPES, npst.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | ARRAYS
    | ARRAYS.map(lambda a: a.T)  # not C-contiguous
    | ARRAYS.filter(lambda a: a.ndim == 0).map(lambda a: a[()])  # numpy scalars
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def same(a: Any, b: Any) -> bool:
    """Equal in type and value, NaNs included; arrays bit for bit."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (np.ndarray, np.generic)):
        return a.dtype == b.dtype and a.shape == b.shape and np.asarray(a).tobytes() == np.asarray(b).tobytes()
    if isinstance(a, float):
        return (a == b and str(a) == str(b)) or (np.isnan(a) and np.isnan(b))  # -0.0 stays -0.0
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


@settings(deadline=None)
@given(VALUES)
def test_any_supported_value_round_trips(value):
    back, refs = roundtrip(value)
    assert refs == [], "plain data never becomes a reference"
    assert same(back, value)


@settings(deadline=None)
@given(st.binary(min_size=1, max_size=200))
def test_malformed_bytes_raise_the_codec_error(data):
    try:
        header, buffers = read_frame(io.BytesIO(data))
    except CodecError:
        return
    assert isinstance(header, dict) and all(isinstance(b, bytes) for b in buffers)  # by chance a valid frame


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4) | st.sampled_from(["$a", "$s", "$t"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["$a", "$s", "$t", "$d", "i", "dtype", "shape", "x"]), inner, max_size=3)
    ),
    max_leaves=15,
)


@settings(deadline=None)
@example({"$d": None}, [])
@example({"$t": 5}, [])
@example({"$s": {"i": 0, "dtype": "<f8", "shape": [True]}}, [b"\0" * 8])
@given(JSON, st.lists(st.binary(max_size=16), max_size=3))
def test_malformed_messages_decode_to_the_codec_error_or_a_value(data, buffers):
    with contextlib.suppress(CodecError):
        decode(data, buffers, lambda ref: ("reference", ref))


def test_a_frame_cut_short_is_a_codec_error_and_an_end_of_stream():
    stream = io.BytesIO()
    write_frame(stream, {"value": [1, 2, 3]}, [b"12345678"])
    whole = stream.getvalue()
    with pytest.raises(EOFError) as error:
        read_frame(io.BytesIO(b""))
    assert not isinstance(error.value, CodecError), "nothing at all is the other side gone, not a malformed frame"
    for cut in (3, 12, len(whole) - 1):
        with pytest.raises(TruncatedFrame):
            read_frame(io.BytesIO(whole[:cut]))


def test_deeply_nested_headers_are_rejected_without_recursing_to_death():
    payload = b"[" * 100_000 + b"]" * 100_000
    frame = len(payload).to_bytes(8, "little") + payload + (0).to_bytes(8, "little")
    with pytest.raises(CodecError):
        read_frame(io.BytesIO(frame))
    nested: Any = 1
    for _ in range(100):
        nested = [nested]
    with pytest.raises(CodecError, match="nested too deeply"):
        decode(nested, [], lambda ref: ref)


def test_array_sizes_are_checked_before_anything_is_allocated():
    huge = {"$a": {"i": 0, "dtype": "<f8", "shape": [2**62, 2**62]}}
    with pytest.raises(CodecError, match="does not match"):
        decode(huge, [b""], lambda ref: ref)
    for body in ({"i": 0, "dtype": "<f8", "shape": [-1]}, {"i": 1, "dtype": "<f8", "shape": [1]}, {"i": 0, "dtype": 5}):
        with pytest.raises(CodecError, match="malformed"):
            decode({"$a": body}, [b"\0" * 8], lambda ref: ref)


# ---------------------------------------------------------------- a callback's views


def call_back(function, *args):
    """The worker sends ``args`` to a test's function and decodes what it returns, as ``Worker.call_back``."""
    buffers: list[bytes] = []
    sent: dict[int, np.ndarray] = {}
    message = encode(list(args), buffers, lambda ref: ref, sent=sent)
    received: dict[int, np.ndarray] = {}
    reply: list[bytes] = []
    value = encode(
        function(*decode(message, buffers, lambda ref: ref, received=received)), reply, lambda ref: ref, bases=received
    )
    return decode(value, reply, lambda ref: ref, bases=sent)


VIEWS = [
    lambda v: v,
    lambda v: v.T,
    lambda v: v[1:, ::-2],
    lambda v: v.reshape(-1),
    lambda v: v[None, 1],
    lambda v: v[..., 1],
    lambda v: np.broadcast_to(v[:1], (3, *v.shape[1:])),
]
BASES = {  # fresh each time: a test negates its base
    "C": lambda: np.arange(12.0).reshape(3, 4),
    "Fortran": lambda: np.arange(12.0).reshape(4, 3).T,
    "strided": lambda: np.arange(24.0).reshape(3, 8)[:, ::2],
    "reversed": lambda: np.arange(12.0).reshape(3, 4)[::-1],
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("layout", BASES)
def test_a_view_a_callback_returns_is_a_view_of_the_array_sent(layout, view):
    base = BASES[layout]()
    expected = view(base)
    back = call_back(view, base)
    assert back.shape == expected.shape and np.array_equal(back, expected)
    assert np.shares_memory(back, base) == np.shares_memory(expected, base), "a view exactly where numpy makes one"
    if np.shares_memory(back, base):
        base[...] = -base
        np.testing.assert_array_equal(back, view(base), "the view follows the array it was taken of")


def test_a_new_array_or_a_view_of_another_array_comes_by_value():
    x, y = np.arange(6.0).reshape(2, 3), np.ones(4)
    assert not np.shares_memory(call_back(lambda v: v * 2, x), x)
    keep = np.zeros(3)
    assert not np.shares_memory(call_back(lambda v: keep[:2], x), x)
    second = call_back(lambda a, b: (b[1:], a.T.astype(np.float32)), x, y)
    assert np.shares_memory(second[0], y) and not np.shares_memory(second[1], x)
    assert call_back(lambda v: v[:0], x).shape == (0, 3)


def test_a_view_of_what_was_never_sent_is_rejected():
    view = {"$v": {"of": 0, "offset": 0, "strides": [1], "shape": [2]}}
    with pytest.raises(CodecError, match="never sent"):
        decode(view, [], lambda ref: ref)
    with pytest.raises(CodecError, match="outside"):
        decode({"$v": {**view["$v"], "offset": 5}}, [], lambda ref: ref, bases={0: np.zeros(6)})
    with pytest.raises(CodecError, match="malformed"):
        decode({"$v": {**view["$v"], "strides": [1, 1]}}, [], lambda ref: ref, bases={0: np.zeros(6)})
