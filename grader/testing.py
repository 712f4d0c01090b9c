"""Helpers for the course's tests (public and hidden).

Tests reach the code under test only through ``implementation_of``, so the
same test runs against the reference, the stubs, a submission folder, or a
proxy to an isolated worker. Checks raise ``ExerciseFailure``, whose message
is one readable line: what was wrong, never the hidden expected values.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable, Sequence
from types import CodeType, FunctionType, MethodType, ModuleType
from typing import Any, NoReturn

import numpy as np
import pytest

IMPLEMENTATION: Any = None  # the code under test (set by the plugin)
LOADED_MODULES: dict[int, str] = {}  # id of each module ``implementation_of`` handed out -> its name ("ch3.layers")


def worker_opencl_devices() -> list[dict] | None:
    """The OpenCL devices an isolated worker sees (None when the code under test runs in this process).

    Device tests must run on exactly these: the worker may see fewer devices than this process.
    """
    devices = getattr(IMPLEMENTATION, "opencl_devices", None)
    return devices() if devices is not None else None


class ExerciseFailure(AssertionError):
    """A check on a student's answer failed; the message is the whole story."""


def implementation_of(module: str, may_update: Sequence[str] = ()) -> Any:
    """A fixture giving module ``chN.name`` of the implementation under test.

    Every call of one of its functions is checked to leave its inputs unchanged (``Checked``); the
    dicts named in ``may_update`` (CS231n's ``config``, ``bn_param``) may gain or change entries, but the
    arrays they hold must not be modified in place either.
    """

    @pytest.fixture(scope="module")
    def fixture(request: pytest.FixtureRequest) -> Any:
        loaded = request.config.dl_implementation.load(module)  # type: ignore[attr-defined]  # set by the plugin
        checked_module = CheckedModule(loaded, module, tuple(may_update))
        LOADED_MODULES[id(checked_module)] = module
        return checked_module

    fixture.__doc__ = f"The module {module} chosen by --impl."
    return fixture


def reference(module: str) -> ModuleType:
    """The reference solution's module ``chN.name`` (trusted code)."""
    return importlib.import_module(f"solutions.{module}")


def fail(message: str) -> NoReturn:
    raise ExerciseFailure(message)


def as_array(value: object, what: str) -> np.ndarray:
    """``value`` as a plain numeric ndarray, or a failure naming ``what``."""
    if isinstance(value, np.ndarray) and type(value) is not np.ndarray:
        value = np.array(value)  # never trust an ndarray subclass's comparisons
    try:
        array = np.asarray(value)
    except Exception:
        fail(f"{what}: expected an array of numbers, got {type(value).__name__}")
    if array.dtype.kind not in "biuf":
        fail(f"{what}: expected an array of numbers, got {type(value).__name__} of dtype {array.dtype}")
    return array.astype(np.float64)


def check_close(actual: object, expected: Any, what: str, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """``actual`` equals ``expected`` in shape and, elementwise, within tolerance.

    Passes when every |a - e| <= atol * max(1, max|e|) + rtol * |e|.
    """
    expected = np.asarray(expected, dtype=np.float64)
    actual = as_array(actual, what)
    if actual.shape != expected.shape:
        fail(f"{what}: shape {actual.shape}, expected {expected.shape}")
    if not np.all(np.isfinite(actual)) and np.all(np.isfinite(expected)):
        fail(f"{what}: contains NaN or infinity")
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    difference = np.abs(actual - expected)
    if np.any(difference > atol * scale + rtol * np.abs(expected)):
        relative = float(np.max(difference / np.maximum(np.abs(expected), 1e-12 * scale)))
        fail(
            f"{what}: values differ from the expected ones "
            f"(largest relative error {relative:.1e}, tolerance {rtol:.0e})"
        )


def check_scalar(actual: object, expected: float, what: str, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """``actual`` is one number close to ``expected``."""
    array = as_array(actual, what)
    if array.size != 1:
        fail(f"{what}: expected a single number, got shape {array.shape}")
    check_close(array.reshape(()), expected, what, rtol=rtol, atol=atol)


def unpack_pair(result: Any, what: str, names: str = "") -> tuple[Any, Any]:
    """A forward's ``(out, cache)`` or a loss's ``(loss, grad)``; ``names`` shows which, e.g. "(out, cache)"."""
    if not isinstance(result, tuple) or len(result) != 2:
        got = f"a tuple of {len(result)}" if isinstance(result, tuple) else type(result).__name__
        fail(f"{what} must return a pair{' ' + names if names else ''}, got {got}")
    return result


def unpack_tuple(result: Any, size: int, what: str) -> tuple:
    """A tuple of exactly ``size`` items (backward passes return one per input)."""
    if not isinstance(result, tuple) or len(result) != size:
        got = f"a tuple of {len(result)}" if isinstance(result, tuple) else type(result).__name__
        fail(f"{what}: must return a tuple of {size}, got {got}")
    return result


PLAIN = (int, float, complex, str, bytes, type(None), np.generic)  # values compared by value, not identity


def _copy(value: Any) -> Any:
    """A private copy of the data in ``value``: arrays copied, lists, tuples and dicts rebuilt, numbers
    kept; any other object is kept as itself (compared by identity, never asked for its contents)."""
    if type(value) in (list, tuple):
        return type(value)(_copy(v) for v in value)
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return np.array(value, copy=True)
    return value


def snapshot(*values: Any) -> list[Any]:
    """Private copies of the inputs (arrays, and lists, tuples and dicts of them), to check later that a
    call left them unchanged, or to compute expected values from before the student's code ran."""
    return [_copy(v) for v in values]


def _label(path: tuple) -> str:
    return "".join(f"[{key!r}]" for key in path)


def difference(value: Any, copy: Any, path: tuple = ()) -> tuple[tuple, str] | None:
    """Where ``value`` no longer matches its ``snapshot`` copy, and what it is there ("array", "list",
    "dict"), or None: the same structure (container types, lengths, keys) and the same values."""
    if type(copy) in (list, tuple):
        if type(value) is not type(copy) or len(value) != len(copy):
            return path, type(copy).__name__
        return next((d for i, c in enumerate(copy) if (d := difference(value[i], c, (*path, i)))), None)
    if type(copy) is dict:
        if type(value) is not dict or value.keys() != copy.keys():
            return path, "dict"
        return next((d for k, c in copy.items() if (d := difference(value[k], c, (*path, k)))), None)
    if isinstance(copy, np.ndarray):
        if not isinstance(value, np.ndarray) or value.shape != copy.shape or value.dtype != copy.dtype:
            return path, "array"
        nan = copy.dtype.kind in "fc"
        return None if np.array_equal(value, copy, equal_nan=nan) else (path, "array")
    if isinstance(copy, PLAIN):
        same = value is copy or (isinstance(value, PLAIN) and bool(value == copy or (value != value and copy != copy)))
        return None if same else (path, type(copy).__name__)
    return None if value is copy else (path, type(copy).__name__)


def changed_in_place(what: str, name: str, found: tuple[tuple, str]) -> str:
    """The sentence for an input that a call changed: ``sgd changed w in place; return a new array``."""
    path, kind = found
    return f"{what} changed {name}{_label(path)} in place; return a new {kind} (inputs must be left unchanged)"


def check_unchanged(values: Sequence[Any], copies: Sequence[Any], what: str, names: Sequence[str] = ()) -> None:
    """The call did not modify its inputs in place: same structure, lengths and values as ``snapshot`` saw.

    ``names`` are the inputs' names, for the message (else "input #1", ...).
    """
    if len(values) != len(copies):
        fail(f"{what}: {len(values)} inputs to check, {len(copies)} copies (a test error)")
    for index, (value, copy) in enumerate(zip(values, copies)):
        found = difference(value, copy)
        if found:
            restore(value, copy)
            fail(changed_in_place(what, names[index] if index < len(names) else f"its input #{index + 1}", found))


def restore(value: Any, copy: Any) -> Any:
    """``value`` given back the contents of its ``snapshot`` copy, in place where it can be (arrays, lists,
    dicts), so that a changed input costs points in one test and never spoils the data of the next."""
    if isinstance(copy, np.ndarray):
        if isinstance(value, np.ndarray) and value.shape == copy.shape and value.flags.writeable:
            np.copyto(value, copy, casting="unsafe")
            return value
        return copy
    if type(copy) is tuple and type(value) is tuple and len(value) == len(copy):
        return tuple(restore(v, c) for v, c in zip(value, copy))
    if type(copy) is list and type(value) is list:
        value[:] = [restore(value[i], c) if i < len(value) else c for i, c in enumerate(copy)]
        return value
    if type(copy) is dict and type(value) is dict:
        restored = {k: restore(value[k], c) if k in value else c for k, c in copy.items()}
        value.clear()
        value.update(restored)
        return value
    return copy


def _arrays_in(value: Any, path: tuple = ()) -> list[tuple[tuple, np.ndarray, np.ndarray]]:
    """(path, array, copy) for every array held in ``value`` (through lists, tuples and dicts)."""
    if isinstance(value, np.ndarray):
        return [(path, value, value.copy())]
    if type(value) in (list, tuple):
        return [found for i, v in enumerate(value) for found in _arrays_in(v, (*path, i))]
    if type(value) is dict:
        return [found for k, v in value.items() for found in _arrays_in(v, (*path, k))]
    return []


class Checked:
    """A function of the code under test whose every call must leave its inputs unchanged.

    The failure names the function and the input ("sgd changed w in place; return a new array"), and
    it comes before the test compares anything, so an answer that changes its inputs is told so.
    """

    def __init__(self, function: Any, name: str, parameters: Sequence[str], may_update: Sequence[str]):
        self.__wrapped__ = function
        self.__name__ = self.__qualname__ = name
        self._parameters = list(parameters)
        self._may_update = set(may_update)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__wrapped__, name)

    def __repr__(self) -> str:
        return repr(self.__wrapped__)

    def _names(self, args: tuple, kwargs: dict) -> list[str]:
        positional = self._parameters[: len(args)]
        return positional + [f"input #{i + 1}" for i in range(len(positional), len(args))] + list(kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = tuple(_unchecked(a) for a in args), {k: _unchecked(v) for k, v in kwargs.items()}
        values, names = [*args, *kwargs.values()], self._names(args, kwargs)
        updated = [name in self._may_update and type(value) is dict for value, name in zip(values, names)]
        copies = [_arrays_in(v) if loose else _copy(v) for v, loose in zip(values, updated)]
        result = self.__wrapped__(*args, **kwargs)
        for value, name, copy, loose in zip(values, names, copies, updated):
            found = (
                next(((p, "array") for p, a, c in copy if difference(a, c)), None) if loose else difference(value, copy)
            )
            if found:
                for original, saved in [(a, c) for _, a, c in copy] if loose else [(value, copy)]:
                    restore(original, saved)
                fail(changed_in_place(self.__name__, name, found))
        return result


def checked(function: Callable[..., Any], may_update: Sequence[str] = ()) -> Checked:
    """``function`` checked on every call to leave its inputs unchanged (the failure names the input);
    the dicts named in ``may_update`` may gain or change entries, never change the arrays they hold."""
    name = getattr(function, "__qualname__", "")
    name = name if name and "<locals>" not in name else getattr(function, "__name__", "the function")
    return Checked(function, name, _parameters(function), may_update)


def call_unchanged(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``, checked to leave its inputs unchanged (the failure names the input)."""
    return checked(function)(*args, **kwargs)


def _unchecked(value: Any) -> Any:
    """A function of the code under test as itself, when a test hands it to the code under test."""
    return value.__wrapped__ if isinstance(value, Checked) else value


class CheckedModule:
    """A module of the code under test whose functions and classes (their constructors) are ``Checked``;
    other attributes as they are."""

    def __init__(self, module: Any, name: str, may_update: Sequence[str]):
        object.__setattr__(self, "_module", module)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_may_update", may_update)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._module, name)
        if name.startswith("__") or isinstance(value, ModuleType) or not callable(value):
            return value
        model = _reference_attribute(self._name, name)
        if not isinstance(value, (FunctionType, type)) and not isinstance(model, (FunctionType, type)):
            return value  # an object that is neither a function nor a class
        return Checked(value, name, _parameters(value) or _parameters(model), self._may_update)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._module, name, value)

    def __repr__(self) -> str:
        return repr(self._module)


@functools.cache
def _reference_module(module: str) -> ModuleType | None:
    """The reference's ``module`` where it is at hand (the grader), else None (a student's copy)."""
    try:
        return importlib.import_module(f"solutions.{module}")
    except Exception:
        return None


def _reference_attribute(module: str, name: str) -> Any:
    return getattr(_reference_module(module), name, None)


def _parameters(function: Any) -> list[str]:
    """The positional parameters' names of a function, a bound method or a class's constructor, or of a
    wrapper that forwards its attributes to a function (else none)."""
    if isinstance(function, (FunctionType, MethodType, type)):
        try:
            parameters = inspect.signature(function).parameters.values()
        except (TypeError, ValueError):
            return []
        kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        return [p.name for p in parameters if p.kind in kinds]
    code = getattr(function, "__code__", None)
    if not isinstance(code, CodeType):
        return []
    names = list(code.co_varnames[: code.co_argcount])
    return names[1:] if getattr(function, "__self__", None) is not None else names


def numerical_gradient(f: Callable[[np.ndarray], Any], x: np.ndarray, dout: Any = None, h: float = 1e-6) -> np.ndarray:
    """Central differences of sum(f(x) * dout) with respect to x, in float64.

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / 2h; x is restored afterwards.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = np.asarray(f(x), dtype=np.float64)
        x[index] = old - h
        minus = np.asarray(f(x), dtype=np.float64)
        x[index] = old
        if dout is not None and np.shape(dout) != np.shape(plus):
            fail(
                f"the gradient could not be checked: the forward pass returns shape {np.shape(dout)} instead of "
                f"{np.shape(plus)}"
            )
        weights = 1.0 if dout is None else dout
        grad[index] = np.sum((plus - minus) * weights) / (2 * h)
    return grad


def autograd_vjp(f: Callable[..., Any], args: Sequence[Any], argnum: int, dout: Any) -> np.ndarray:
    """The vector-Jacobian product dout . d f(*args) / d args[argnum] by autograd."""
    from autograd import make_vjp

    def of_one(value: Any) -> Any:
        full = list(args)
        full[argnum] = value
        return f(*full)

    vjp, value = make_vjp(of_one)(np.asarray(args[argnum], dtype=np.float64))
    if np.shape(dout) != np.shape(value):
        fail(
            f"the gradient could not be checked: the forward pass returns shape {np.shape(dout)} instead of "
            f"{np.shape(value)}"
        )
    return np.asarray(vjp(dout), dtype=np.float64)


def check_forward_shape(out: Any, expected: Sequence[int], forward: str, backward: str) -> None:
    """A backward is judged on the student's own forward: an output of the wrong shape makes that
    impossible, and the failure says so (rather than blaming the backward)."""
    if np.shape(out) != tuple(expected):
        fail(f"{backward} could not be checked: {forward} returns shape {np.shape(out)} instead of {tuple(expected)}")


def away_from_zero(rng: np.random.Generator, shape: int | tuple[int, ...], margin: float = 0.1) -> np.ndarray:
    """Normal samples with |value| >= margin, for functions with a kink at 0."""
    values = rng.normal(size=shape)
    return np.where(np.abs(values) < margin, np.sign(values + 1e-12) * (margin + np.abs(values)), values)


def call_forward(
    forward: Callable[..., Any], inputs: Sequence[Any], params: Sequence[Any] = ()
) -> tuple[np.ndarray, Any]:
    """Call a forward pass on inputs (and fixed params); return (out, cache).

    Checks that it returns a pair and leaves its inputs unchanged.
    """
    name = getattr(forward, "__name__", "the forward pass")
    copies = snapshot(*inputs)
    out, cache = unpack_pair(forward(*inputs, *params), name, "(out, cache)")
    check_unchanged(inputs, copies, name, _parameters(forward))
    return as_array(out, f"{name} output"), cache


def run_forward(module: Any, name: str, inputs: Sequence[Any], params: Sequence[Any] = ()) -> tuple[np.ndarray, Any]:
    """Call ``name`` of ``module`` on inputs (and fixed params); return (out, cache).

    Checks that it returns a pair and leaves its inputs unchanged.
    """
    copies = snapshot(*inputs)
    out, cache = unpack_pair(getattr(module, name)(*inputs, *params), name, "(out, cache)")
    check_unchanged(inputs, copies, name)
    return as_array(out, f"{name} output"), cache


def call_backward(
    forward: Callable[..., Any],
    backward: Callable[..., Any],
    inputs: Sequence[Any],
    params: Sequence[Any] = (),
    dout: np.ndarray | None = None,
) -> tuple:
    """A forward then its backward pass on ``inputs``; return the gradients, one per input.

    Checks what every layer promises: the forward returns (out, cache) and
    leaves its inputs unchanged; the backward returns one gradient per input
    (a bare array for a single input), each shaped like its input, and leaves
    dout unchanged. ``dout`` defaults to ones shaped like the output.
    """
    name = getattr(backward, "__name__", "the backward pass")
    out, cache = call_forward(forward, inputs, params)
    dout = np.ones(out.shape) if dout is None else dout
    dout_copy = np.array(dout, copy=True)
    grads = backward(dout, cache)
    grads = (grads,) if len(inputs) == 1 else unpack_tuple(grads, len(inputs), name)
    check_unchanged([dout], [dout_copy], name, ["dout"])
    for index, (grad, value) in enumerate(zip(grads, inputs)):
        shape = np.shape(as_array(grad, f"{name}: gradient #{index + 1}"))
        if shape != np.shape(value):
            fail(f"{name}: gradient #{index + 1} has shape {shape}, like its input it should be {np.shape(value)}")
    return grads


def check_backward(
    module: Any,
    layer: str,
    inputs: Sequence[Any],
    autograd_forward: Callable[..., Any],
    rng: np.random.Generator,
    names: Sequence[str],
    params: Sequence[Any] = (),
    rtol: float = 1e-6,
) -> tuple[tuple, np.ndarray]:
    """``layer``_backward of ``module`` equals autograd's gradients of ``autograd_forward``.

    Runs the student's forward on ``inputs`` (plus non-differentiated ``params``),
    draws dout ~ N(0, 1), calls the backward and compares the gradient of every
    input, named by ``names`` ("dx", "dw", ...), with the vector-Jacobian
    product of ``autograd_forward(*inputs, *params)``. dout must not be modified.
    """
    out, cache = run_forward(module, f"{layer}_forward", inputs, params)
    expected_shape = np.shape(autograd_forward(*inputs, *params))
    check_forward_shape(out, expected_shape, f"{layer}_forward", f"{layer}_backward")
    dout = rng.normal(size=out.shape)
    dout_copy = dout.copy()
    grads = getattr(module, f"{layer}_backward")(dout, cache)
    grads = (grads,) if len(inputs) == 1 else unpack_tuple(grads, len(inputs), f"{layer}_backward")
    check_unchanged([dout], [dout_copy], f"{layer}_backward", ["dout"])
    full = lambda *values: autograd_forward(*values, *params)  # noqa: E731
    for index, (grad, name) in enumerate(zip(grads, names)):
        check_close(grad, autograd_vjp(full, inputs, index, dout), f"{layer}_backward: {name}", rtol=rtol)
    return grads, dout
