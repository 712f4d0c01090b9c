"""Values cross the process boundary as plain data, never pickle."""

import io
from typing import Any

import numpy as np
import pytest

from grader.isolation.codec import CodecError, decode, encode, read_frame, write_frame


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
