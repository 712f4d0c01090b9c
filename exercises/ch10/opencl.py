# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch10` checks your work, `dlgrade hint NAME` gives a hint.
"""Computing on a GPU (or any OpenCL device) from Python with pyopencl.

The host program (this Python code) finds a platform and a device, makes a
context and a command queue, copies data into device buffers, builds a
program from OpenCL C source, launches a kernel over an NDRange of work
items, and copies the result back. Without a GPU, PoCL's CPU device plays
the part (``pip install "pyopencl[pocl]"``); every function works on any
device, chosen by its number ``device`` in the order of ``device_report()``.

Matrices are float32, C (row-major) order: A is M x K, B is K x N and
C = A @ B is M x N, so A[i, k] sits at ``A[i * K + k]`` in the buffer.

What you write: the report of the devices, the NDRange formula, four
kernels (their OpenCL C source, returned by ``*_source()``) and the host
code that runs each one, and a timer that reads the device's own clock.

Given (outside the exercises, do not change): ``platforms()`` lists the
platforms that can build kernels on this machine and raises one clear error
when there is none; ``queue_for(device)`` makes one
context and one profiling-enabled queue per device; ``kernel_for(queue,
source, name)`` builds each program once per context and hands out the same
``cl.Kernel`` object every time. Building is slow (tens of milliseconds even
when cached, seconds the first time), and ``program.kernel_name`` creates a
new kernel object on every access (pyopencl warns ``RepeatedKernelRetrieval``),
so host code must get its kernels from ``kernel_for``.

Kernel sources: each kernel's OpenCL C source is returned by a function
(``vector_add_source()``, ``matmul_naive_source()``, ...) that you write;
``VECTOR_ADD_SRC``, ``MATMUL_NAIVE_SRC``, ``MATMUL_TILED_SRC`` and
``MATMUL_FAST_SRC`` read the same strings once those functions work.

Timing (where the book goes wrong, chapter 10): ``kernel(queue, ...)`` only *enqueues* the
kernel and returns at once; the device runs it later, asynchronously. A
stopwatch around the launch therefore measures how long it takes to put a
command in a queue, not how long the kernel runs; the book's GPU times are
that. ``time_kernel`` reads the start and end stamps the device records in
the kernel's event (profiling must be enabled on the queue, as
``queue_for`` does) and reports the whole host call's wall time beside it.

Inputs are never changed in place: the host arrays a function is given are only read (copy
the result into a new array, never into an input's memory). The tests check it after every call.
"""

import time
from collections.abc import Callable

import numpy as np

try:
    import pyopencl as cl
except ImportError:  # reported by platforms(), so that this module still imports
    cl = None  # type: ignore[assignment]

INSTALL_HINT = 'pip install "pyopencl[pocl]"'
SYSTEM_POCL_HINT = "sudo apt-get install pocl-opencl-icd (Debian, Ubuntu)"
TILE = 16  # side of the square tiles of matmul_tiled (the kernel's TILE must match)
ROWS = 8  # rows of C per work item in matmul_fast
COLS = 8  # columns of C per work item in matmul_fast (one float8)


_SOURCES = {
    "VECTOR_ADD_SRC": "vector_add_source",
    "MATMUL_NAIVE_SRC": "matmul_naive_source",
    "MATMUL_TILED_SRC": "matmul_tiled_source",
    "MATMUL_FAST_SRC": "matmul_fast_source",
}


def __getattr__(name):
    """The kernel sources under the course's constant names (see the module docstring).

    Each name is looked up when asked for, so this works before the source
    functions below are defined (and in a notebook, once their cells ran).
    """
    if name in _SOURCES and _SOURCES[name] in globals():
        return globals()[_SOURCES[name]]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class OpenCLUnavailable(RuntimeError):
    """No OpenCL platform (or no pyopencl) on this machine."""


_PROBE = "__kernel void probe(__global float *x) { x[get_global_id(0)] += 1.0f; }"
_USABLE: dict[int, bool] = {}


def _compiles(platform):
    """Whether every device of ``platform`` can build a kernel (checked once per platform).

    A platform's compiler can be older than the processor: PoCL bundled with
    pyopencl fails on CPUs its LLVM does not know ("unknown target CPU 'generic'").
    """
    key = platform.int_ptr
    if key not in _USABLE:
        try:
            cl.Program(cl.Context(platform.get_devices()), _PROBE).build()
            _USABLE[key] = True
        except cl.Error:
            _USABLE[key] = False
    return _USABLE[key]


def platforms():
    """Every OpenCL platform that can build kernels here, or OpenCLUnavailable saying how to get one."""
    if cl is None:
        raise OpenCLUnavailable(f"pyopencl is not installed; run: {INSTALL_HINT} (PoCL adds a CPU device)")
    try:
        found = cl.get_platforms()
    except cl.Error:  # PLATFORM_NOT_FOUND_KHR when no driver is installed
        found = []
    if not found:
        raise OpenCLUnavailable(f"no OpenCL platform found; run: {INSTALL_HINT} to get PoCL's CPU device")
    usable = [platform for platform in found if _compiles(platform)]
    if not usable:
        raise OpenCLUnavailable(
            "no OpenCL platform here can compile a kernel for this processor (the PoCL that comes with "
            f"pyopencl does not know every recent CPU); install your system's PoCL as well: {SYSTEM_POCL_HINT}"
        )
    return usable


def devices():
    """Every device of every platform, in the order of device_report()."""
    return [device for platform in platforms() for device in platform.get_devices()]


_QUEUES: dict = {}


def queue_for(device=0):
    """The command queue of device number ``device``, with profiling enabled.

    Made once per device (one context each) and reused; ``queue.context``
    is its context.
    """
    if device not in _QUEUES:
        found = devices()
        if not 0 <= device < len(found):
            raise ValueError(f"device {device}: there are {len(found)} OpenCL devices (0 to {len(found) - 1})")
        context = cl.Context([found[device]])
        _QUEUES[device] = cl.CommandQueue(context, properties=cl.command_queue_properties.PROFILING_ENABLE)
    return _QUEUES[device]


_PROGRAMS: dict = {}
_KERNELS: dict = {}


def kernel_for(queue, source, name):
    """The kernel ``name`` of ``source``, built for ``queue``'s context.

    The program is built once per (context, source) and the ``cl.Kernel``
    object is made once and then reused: call it as
    ``kernel(queue, global_size, local_size, *args)``, which returns the
    kernel's ``cl.Event``.
    """
    context = queue.context
    if (context, source) not in _PROGRAMS:
        _PROGRAMS[context, source] = cl.Program(context, source).build()
    if (context, source, name) not in _KERNELS:
        _KERNELS[context, source, name] = cl.Kernel(_PROGRAMS[context, source], name)
    return _KERNELS[context, source, name]


def round_up(n, multiple):
    """The smallest multiple of ``multiple`` that is >= n."""
    return -(-n // multiple) * multiple


def as_matrices(A, B):
    """A and B as C-ordered float32 copies, after checking that A @ B is defined."""
    A = np.ascontiguousarray(A, dtype=np.float32)
    B = np.ascontiguousarray(B, dtype=np.float32)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError(f"cannot multiply shapes {A.shape} and {B.shape}: need M x K and K x N")
    return A, B


def device_report():
    """The book's listing 10-1 as data: one dict per OpenCL device.

    Devices in the order of ``platforms()``, and within a platform of
    ``platform.get_devices()``; a device's number in this list is the
    ``device`` argument of the other functions. Each dict has the keys:
    - "platform", "vendor", "version", "profile": the platform's name,
      vendor, version and profile strings
    - "device": the device's name
    - "type": "GPU", "CPU", "ACCELERATOR" or "CUSTOM", the first of these
      whose bit is set in device.type (cl.device_type.GPU, ...), else "OTHER"
    - "compute_units": device.max_compute_units (int)
    - "clock_mhz": device.max_clock_frequency (int, in MHz)
    - "local_memory_bytes": device.local_mem_size (int)
    - "constant_memory_bytes": device.max_constant_buffer_size (int)
    - "global_memory_bytes": device.global_mem_size (int)

    Use ``platforms()`` (not cl.get_platforms()) so that a machine without
    OpenCL gets a clear error.

    Returns: list of dicts, at least one.
    """
    raise NotImplementedError("device_report: not started, see its docstring")
    return report


def global_id(group_id, group_size, local_id, offset=0):
    """Global id of a work item in an NDRange: g = w * S + s + F.

    w is the work group's id, S the size of a work group, s the work item's
    id inside its group (local id) and F the global offset of the launch,
    per dimension (the book's (g_x, g_y) = (w_x S_x + s_x + F_x, ...)).

    Inputs:
    - group_id, group_size, local_id, offset: ints for a 1-D NDRange, or
      equal-length tuples (one entry per dimension) for 2-D and 3-D; an int
      offset applies to every dimension

    Returns: an int, or a tuple of ints for tuples.
    """
    raise NotImplementedError("global_id: not started, see its docstring")


def vector_add_source():
    """OpenCL C source of ``__kernel void vector_add(n, a, b, out)``.

    Arguments: ``const int n`` (number of elements), ``__global const float
    *a``, ``__global const float *b``, ``__global float *out``. Work item i
    (its global id in dimension 0) computes out[i] = a[i] + b[i] and does
    nothing when i >= n.

    Returns: the source, a str (also readable as VECTOR_ADD_SRC).
    """
    raise NotImplementedError("vector_add_source: not started, see its docstring")


def record(events, event):
    """Append ``event`` to the list ``events`` unless it is None."""
    if events is not None:
        events.append(event)


def vector_add(a, b, device=0, events=None):
    """out = a + b, elementwise, computed by the vector_add kernel.

    Host steps: queue_for(device); float32 copies of a and b; device
    buffers (READ_ONLY | COPY_HOST_PTR for inputs, WRITE_ONLY for the
    output); the kernel from kernel_for(queue, vector_add_source(),
    "vector_add"), launched over one work item per element; the result
    copied back with cl.enqueue_copy (which waits for the kernel).

    Inputs:
    - a, b: arrays of the same shape, any numeric dtype (computed in float32) and
      any memory layout (a transposed view works too); neither is modified
    - device: number of the device in device_report()
    - events: None, or a list to which the kernel's cl.Event is appended

    Returns:
    - out: float32 array shaped like a
    """
    queue = queue_for(device)
    raise NotImplementedError("vector_add: not started, see its docstring")
    return out


def matmul_naive_source():
    """OpenCL C source of ``__kernel void matmul_naive(M, N, K, A, B, C)``.

    Arguments: ``const int M, const int N, const int K``, ``__global const
    float *A`` (M x K), ``__global const float *B`` (K x N), ``__global float
    *C`` (M x N), all row-major. One work item per element of C: column
    j = global id 0, row i = global id 1, C[i, j] = sum_k A[i, k] B[k, j];
    work items outside the matrix do nothing.

    Returns: the source, a str (also readable as MATMUL_NAIVE_SRC).
    """
    raise NotImplementedError("matmul_naive_source: not started, see its docstring")


def matmul_naive(A, B, device=0, events=None):
    """C = A @ B by the naive kernel, one work item per element of C.

    Launch over the NDRange (N, M) (columns in dimension 0), local size
    None (the driver picks the work groups).

    Inputs:
    - A: (M, K), B: (K, N), any numeric dtype (computed in float32) and any
      memory layout (transposed views work too); neither is modified
    - device, events: as in vector_add

    Returns:
    - C: float32 array (M, N)
    """
    queue = queue_for(device)
    A, B = as_matrices(A, B)
    (M, K), N = A.shape, B.shape[1]
    raise NotImplementedError("matmul_naive: not started, see its docstring")
    return C


def matmul_tiled_source():
    """OpenCL C source of ``__kernel void matmul_tiled(M, N, K, A, B, C)``.

    Same arguments and one work item per element of C as matmul_naive, in
    work groups of TILE x TILE (TILE = 16, ``#define TILE 16``). The group
    walks along K one tile at a time: each work item loads one element of
    the A tile and one of the B tile into ``__local`` arrays (0 where the
    tile sticks out of the matrix), ``barrier(CLK_LOCAL_MEM_FENCE)`` so the
    tiles are complete, accumulates TILE products from local memory, and
    waits at a second barrier before the tiles are overwritten. Work items
    outside C compute (they help load) but do not store.

    Returns: the source, a str (also readable as MATMUL_TILED_SRC).
    """
    raise NotImplementedError("matmul_tiled_source: not started, see its docstring")


def matmul_tiled(A, B, device=0, events=None):
    """C = A @ B by the tiled kernel (local memory and barriers).

    The NDRange is (N, M) rounded up to multiples of TILE in each
    dimension, with local size (TILE, TILE): every work group is full, so
    sizes that are not multiples of TILE need the kernel's bounds checks.

    Inputs and returns as in matmul_naive.
    """
    queue = queue_for(device)
    A, B = as_matrices(A, B)
    (M, K), N = A.shape, B.shape[1]
    raise NotImplementedError("matmul_tiled: not started, see its docstring")
    return C


def matmul_fast_source():
    """OpenCL C source of ``__kernel void matmul_fast(K, N8, A, B, C)``.

    Register blocking with vector types, the fast way on a CPU device:
    each work item computes a block of ROWS = 8 rows by COLS = 8 columns of
    C, held in eight ``float8`` accumulators (private memory: registers).
    Arguments: ``const int K``, ``const int N8`` (columns of B and C divided
    by 8), ``__global const float *A`` (rows of length K), ``__global const
    float8 *B`` and ``__global float8 *C`` (rows of N8 float8 each). Work item
    (global id 0 = j, global id 1 = r) owns rows 8r .. 8r+7 of C and its
    j-th float8 of columns. For each k it loads b = B[k * N8 + j] once and
    adds A[row, k] * b to the accumulator of each of its 8 rows. The host
    pads M and N to multiples of 8 with zeros, so the kernel needs no
    bounds checks.

    Returns: the source, a str (also readable as MATMUL_FAST_SRC).
    """
    raise NotImplementedError("matmul_fast_source: not started, see its docstring")


def matmul_fast(A, B, device=0, events=None):
    """C = A @ B by the register-blocked float8 kernel.

    Pad A to (Mp, K) and B to (K, Np) with zeros, Mp and Np the multiples
    of 8 at or above M and N (no copy needed when they already are), launch
    over the NDRange (Np / 8, Mp / 8) with local size None, and return the
    top-left M x N corner of the padded result.

    Inputs and returns as in matmul_naive.
    """
    queue = queue_for(device)
    A, B = as_matrices(A, B)
    (M, K), N = A.shape, B.shape[1]
    raise NotImplementedError("matmul_fast: not started, see its docstring")
    return C


HOST_FUNCTIONS: dict[str, Callable[..., np.ndarray]] = {
    "vector_add": vector_add,
    "matmul_naive": matmul_naive,
    "matmul_tiled": matmul_tiled,
    "matmul_fast": matmul_fast,
}


def time_kernel(name, *args, device=0):
    """Run ``name`` once on ``args``; time its kernel with profiling events.

    Calls HOST_FUNCTIONS[name](*args, device=device, events=events) with a
    fresh list ``events`` and a stopwatch (time.perf_counter) around the
    whole call. The kernel time is the device's own: the sum over the
    recorded events of event.profile.end - event.profile.start, which are
    in nanoseconds. A stopwatch around the launch alone (the book's way)
    measures only the enqueue: the kernel runs asynchronously afterwards.

    Inputs:
    - name: "vector_add", "matmul_naive", "matmul_tiled" or "matmul_fast"
    - args: the host function's arrays
    - device: number of the device in device_report()

    Returns a dict:
    - "result": what the host function returned
    - "kernel_s": kernel run time on the device, in seconds
    - "wall_s": wall-clock time of the whole host call, in seconds
      (buffers, copies, launch and kernel: always >= kernel_s)
    """
    if name not in HOST_FUNCTIONS:
        raise ValueError(f"time_kernel: unknown kernel {name!r}; choose one of {sorted(HOST_FUNCTIONS)}")
    raise NotImplementedError("time_kernel: not started, see its docstring")
    return {"result": result, "kernel_s": kernel_s, "wall_s": wall_s}
