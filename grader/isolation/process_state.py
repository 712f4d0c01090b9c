"""Process-global state that crosses with each call between test process and worker.

A hidden test may set numpy's floating-point error handling
(``np.errstate(over="raise")``), warning filters, or numpy's global random
state; in-process they would apply to the student's code, so the test
process sends them with each call (``capture``) and the worker applies them
around it (``applied``). Back come the warnings the call raised (re-issued
here as warnings of the same class name) and the global random state, if
the call moved it. Everything is plain data, checked on arrival.
"""

from __future__ import annotations

import builtins
import contextlib
import ctypes
import functools
import re
import warnings
from collections.abc import Iterator
from typing import Any, Literal, cast

import numpy as np
from numpy.random.mtrand import get_bit_generator

from grader.implementations import public_text

ERRSTATE_KEYS = ("divide", "over", "under", "invalid")
ERRSTATE_VALUES = ("ignore", "warn", "raise", "print", "log")  # not "call": a function does not cross
WARNING_ACTIONS = ("default", "error", "ignore", "always", "all", "module", "once")
MAX_WARNINGS = 100  # warnings sent back per call
MT_WORDS = 624  # the legacy generator's key (MT19937)
MT_STATE_BYTES = MT_WORDS * 4 + 4  # its C state: uint32 key[624], then int pos

Action = Literal["default", "error", "ignore", "always", "all", "module", "once"]


# ---------------------------------------------------------------- test process side
def capture() -> dict[str, Any]:
    """This process's error handling and warning filters, as plain data."""
    return {"errstate": dict(np.geterr()), "warnings": _plain_filters(tuple(warnings.filters))}


@functools.lru_cache(maxsize=16)
def _plain_filters(filters: tuple) -> list[list]:
    """Warning filters as plain data (the same filters come with every call: converted once)."""
    return [
        [
            action,
            getattr(message, "pattern", message) or "",
            category.__name__ if isinstance(category, type) else "Warning",
            getattr(module, "pattern", module) or "",
            lineno,
        ]
        for action, message, category, module, lineno in filters
    ]


def random_state() -> tuple[np.ndarray, dict[str, Any]]:
    """numpy's global random state: the key array and the rest as plain data."""
    _, key, position, has_gauss, cached = cast(tuple[str, np.ndarray, int, int, float], np.random.get_state())
    return key, {"pos": int(position), "gauss": [int(has_gauss), float(cached)]}


def random_bytes() -> bytes | None:
    """The global generator's key and position, copied raw from its C state (None if it is not MT19937)."""
    generator = get_bit_generator()
    if not isinstance(generator, np.random.MT19937):
        return None
    return ctypes.string_at(generator.ctypes.state_address, MT_STATE_BYTES)


class RandomWatch:
    """Whether numpy's global random state changed since ``mark``, seen cheaply.

    ``get_state`` takes tens of microseconds (it copies the key word by word), a copy of the raw
    state about one. The raw state misses one change: the legacy normals come in pairs, the second
    kept for the next draw, which takes it without moving the key. So while a normal is kept, the
    full state is read.
    """

    def __init__(self) -> None:
        self.raw: bytes | None = None
        self.gauss: list | None = None  # [has_gauss, cached] at the mark

    def mark(self, rest: dict[str, Any] | None = None) -> None:
        """Remember the state as it is now (``rest``: what ``random_state`` just gave, if at hand)."""
        self.raw = random_bytes()
        self.gauss = (rest if rest is not None else random_state()[1])["gauss"]

    def moved(self) -> bool:
        raw = random_bytes()
        if raw is None or raw != self.raw:
            return True
        return (self.gauss is None or bool(self.gauss[0])) and random_state()[1]["gauss"] != self.gauss


def set_random_state(key: object, rest: object) -> bool:
    """Set numpy's global random state from what ``random_state`` gave; False if malformed."""
    key = np.asarray(key)
    if key.shape != (MT_WORDS,) or key.dtype.kind not in "ui" or not isinstance(rest, dict):
        return False
    try:
        has_gauss, cached = rest.get("gauss", [0, 0.0])
        state = (
            "MT19937",
            key.astype(np.uint32),
            int(rest.get("pos", 0)) % (MT_WORDS + 1),
            int(has_gauss),
            float(cached),
        )
    except (TypeError, ValueError):
        return False
    np.random.set_state(state)
    return True


def reissue(raised: object) -> None:
    """Warnings the student's code raised in the worker, raised again here."""
    for entry in raised[:MAX_WARNINGS] if isinstance(raised, list) else []:
        if isinstance(entry, dict):
            category = _stand_in(str(entry.get("category", "Warning")))
            warnings.warn_explicit(str(entry.get("message", "")), category, "<student code>", 0)


def _stand_in(name: str) -> type[Warning]:
    """The builtin warning class of that name, or a stand-in of that name (``RepeatedKernelRetrieval``)."""
    found = _builtin_warning(name)
    return found if found is not None else _stand_in_class(name if name.isidentifier() else "Warning")


@functools.cache
def _stand_in_class(name: str) -> type[Warning]:
    return type(name, (UserWarning,), {})


# ---------------------------------------------------------------- worker side
def _builtin_warning(name: str) -> type[Warning] | None:
    found = getattr(builtins, name, None)
    return found if isinstance(found, type) and issubclass(found, Warning) else None


@contextlib.contextmanager
def applied(errstate: object, filters: list[tuple]) -> Iterator[list[warnings.WarningMessage]]:
    """Within: the caller's error handling and warning filters (from ``prepare_filters``); yields the
    warnings raised."""
    errors = errstate if isinstance(errstate, dict) else {}
    handling = {k: v for k, v in errors.items() if k in ERRSTATE_KEYS and v in ERRSTATE_VALUES}
    with np.errstate(**handling), warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()  # which also tells the warnings machinery that the filters changed
        cast(list, warnings.filters).extend(filters)
        yield caught


def prepare_filters(filters: object) -> list[tuple]:
    """The caller's warning filters (plain data, most important first) as ``warnings.filters`` entries;
    unknown classes skipped. Done once per change, not for every call."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        for entry in reversed(filters if isinstance(filters, list) else []):
            try:
                action, message, name, module, lineno = entry
                category = _builtin_warning(str(name))
                if category is not None and action in WARNING_ACTIONS:
                    warnings.filterwarnings(cast(Action, action), str(message), category, str(module), int(lineno))
            except (TypeError, ValueError, AssertionError, re.error):
                continue
        return list(warnings.filters)


def raised(caught: list[warnings.WarningMessage]) -> list[dict[str, str]]:
    """The warnings a call raised, as plain data (never naming the private package of the submission)."""
    return [
        {"category": type(w.message).__name__, "message": public_text(str(w.message))[:2000]}
        for w in caught[:MAX_WARNINGS]
    ]
