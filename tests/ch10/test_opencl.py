"""Hidden suite for ch10/opencl.py.

Every device test runs on every OpenCL device this machine has (PoCL's CPU
device at least). Results are float32 and compared with numpy's float64
product under float32 tolerances. Shapes: 1x1, non-square, vectors as
matrices, sizes not multiples of the tile (16) nor of the fast kernel's
8x8 block, K longer than several tiles, non-contiguous and integer inputs,
and a 5-million-element vector add. Kernel times must come from profiling
events: positive, within the wall time of the call, and of the size of
the reference's kernel time (not the microseconds of an enqueue). Repeated
calls must reuse their kernels: no RepeatedKernelRetrieval warning and no
program rebuilt per call.
"""

import functools
import time
import warnings

import numpy as np
import pytest

from grader.testing import (
    as_array,
    check_close,
    check_unchanged,
    fail,
    implementation_of,
    reference,
    snapshot,
    worker_opencl_devices,
)

opencl = implementation_of("ch10.opencl")
ref = reference("ch10.opencl")

TOL = {"rtol": 1e-4, "atol": 1e-5}  # float32: atol is relative to the largest |expected|


def available_devices():
    """Numbers of the OpenCL devices the code under test sees (an isolated worker's own list);
    [0] without OpenCL, so the tests fail with the install hint."""
    report = worker_opencl_devices()
    if report is None:
        try:
            report = ref.device_report()
        except ref.OpenCLUnavailable:
            report = []
    if not report:
        return [pytest.param(0, id="no-opencl")]
    return [pytest.param(index, id=f"dev{index}-{entry['type']}") for index, entry in enumerate(report)]


DEVICES = available_devices()
MATMULS = ["matmul_naive", "matmul_tiled", "matmul_fast"]


def each_exercise(names, points=1):
    """Parameters ``name``, each tagged with its own exercise."""
    return [pytest.param(name, id=name, marks=pytest.mark.exercise(name, points=points)) for name in names]


# (M, K, N): 1x1, row and column vectors, non-square, one tile exactly, sizes
# not multiples of 16 nor of 8, K spanning many tiles with a partial last one
SHAPES = [
    (1, 1, 1),
    (1, 7, 1),
    (3, 5, 7),
    (16, 16, 16),
    (17, 33, 15),
    (9, 1, 23),
    (31, 50, 47),
    (64, 48, 80),
    (2, 300, 3),
    (100, 70, 130),
]
# A tiled kernel without barriers reads tiles its neighbours have not loaded yet. Its answer is then what
# earlier kernels left in local memory; with an inner dimension of 1 beside other rows, that is right in
# some runs and wrong in others. The tiled kernel is checked on shapes where a missing barrier always shows.
TILED_SHAPES = [shape for shape in SHAPES if shape[1] > 1 or shape == (1, 1, 1)]


def is_repeated_retrieval(warning):
    return type(warning.message).__name__ == "RepeatedKernelRetrieval" or "retrieved more than once" in str(
        warning.message
    )


@pytest.fixture(autouse=True)
def no_repeated_kernel_retrieval():
    """pyopencl warns once per program, on the second retrieval: watch every test, not one."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    repeated = [str(w.message).split(" has been")[0] for w in caught if is_repeated_retrieval(w)]
    if repeated:
        fail(
            f"{repeated[0]} was retrieved from its program more than once (RepeatedKernelRetrieval): "
            "every retrieval builds a new kernel object; keep the cl.Kernel from kernel_for"
        )


def product_inputs(m, k, n, *, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, k)), rng.normal(size=(k, n))


def check_float32(out, shape, what):
    if not isinstance(out, np.ndarray):
        fail(f"{what}: expected a numpy array, got {type(out).__name__}")
    if out.dtype != np.float32:
        fail(f"{what}: expected dtype float32, got {out.dtype}")
    if out.shape != shape:
        fail(f"{what}: shape {out.shape}, expected {shape}")


def call_matmul(module, name, A, B, device):
    copies = snapshot(A, B)
    C = getattr(module, name)(A, B, device=device)
    check_unchanged([A, B], copies, name)
    check_float32(C, (A.shape[0], B.shape[1]), f"{name} output")
    return C


# ---------------------------------------------------------------- device report


@pytest.mark.exercise("device_report", points=2)
def test_device_report_matches_reference(opencl):
    report, expected = opencl.device_report(), ref.device_report()
    if not isinstance(report, list) or len(report) != len(expected):
        fail(f"device_report: expected a list with one dict per device ({len(expected)})")
    for index, (entry, want) in enumerate(zip(report, expected)):
        if not isinstance(entry, dict) or set(entry) != set(want):
            fail(f"device_report: device {index} must be a dict with the keys {sorted(want)}")
        for key, value in want.items():
            got = entry[key]
            if key == "global_memory_bytes":  # PoCL reports the memory free when asked: compare the size only
                if not (isinstance(got, (int, np.integer)) and 0.5 * value <= got <= 2 * value):
                    fail(f"device_report: device {index}: {key} is not the global memory size in bytes")
            elif got != value or type(got) is not type(value):
                fail(f"device_report: device {index}: wrong {key} ({type(value).__name__} expected)")


# ---------------------------------------------------------------- NDRange formula


@pytest.mark.exercise("global_id", points=1)
def test_global_id_scalars(opencl):
    rng = np.random.default_rng(100)
    for _ in range(20):
        w, s = int(rng.integers(0, 50)), int(rng.integers(1, 257))
        local, f = int(rng.integers(0, s)), int(rng.integers(0, 1000))
        check_close(opencl.global_id(w, s, local, f), w * s + local + f, "global_id(group, size, local, offset)")
        check_close(opencl.global_id(w, s, local), w * s + local, "global_id without offset (it defaults to 0)")


@pytest.mark.exercise("global_id", points=1)
def test_global_id_three_dimensions(opencl):
    got = opencl.global_id((2, 0, 3), (8, 4, 2), (5, 3, 1), (1, 7, 0))
    check_close(got, (22, 10, 7), "global_id in 3-D (the formula applies per dimension)")
    check_close(opencl.global_id((2, 0, 3), (8, 4, 2), (5, 3, 1)), (21, 3, 7), "global_id in 3-D, offset 0")


IDS_SOURCE = r"""
__kernel void ids(__global int *out)
{
    const int x = get_global_id(0) - get_global_offset(0);
    const int y = get_global_id(1) - get_global_offset(1);
    __global int *row = out + 8 * (y * get_global_size(0) + x);
    row[0] = get_group_id(0); row[1] = get_group_id(1);
    row[2] = get_local_id(0); row[3] = get_local_id(1);
    row[4] = get_global_id(0); row[5] = get_global_id(1);
    row[6] = get_local_size(0); row[7] = get_local_size(1);
}
"""


@pytest.mark.exercise("global_id", points=1)
@pytest.mark.parametrize("device", DEVICES)
def test_global_id_agrees_with_the_device(opencl, device):
    """Every work item of a real 2-D launch with an offset: the formula gives its global id."""
    import pyopencl as cl

    queue = ref.queue_for(device)
    size, local, offset = (12, 6), (4, 3), (5, 2)
    out = np.zeros(8 * size[0] * size[1], dtype=np.int32)
    buf = cl.Buffer(queue.context, cl.mem_flags.WRITE_ONLY, out.nbytes)
    ref.kernel_for(queue, IDS_SOURCE, "ids")(queue, size, local, buf, global_offset=offset)
    cl.enqueue_copy(queue, out, buf)
    for wx, wy, sx, sy, gx, gy, Sx, Sy in out.reshape(-1, 8).tolist():
        check_close(
            opencl.global_id((wx, wy), (Sx, Sy), (sx, sy), offset),
            (gx, gy),
            "global_id against the ids a device reports for a launch with a global offset",
        )
        check_close(opencl.global_id(wx, Sx, sx, offset[0]), gx, "global_id in 1-D against the device")


# ---------------------------------------------------------------- vector add


@pytest.mark.exercise("vector_add", points=1)
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("n", [1, 3, 1000, 65537])
def test_vector_add_sizes(opencl, device, n):
    rng = np.random.default_rng(200 + n)
    a, b = rng.normal(size=n), rng.normal(size=n)
    copies = snapshot(a, b)
    out = opencl.vector_add(a, b, device=device)
    check_unchanged([a, b], copies, "vector_add")
    check_float32(out, (n,), "vector_add output")
    check_close(out, a + b, "vector_add output", **TOL)


@pytest.mark.exercise("vector_add", points=2)
@pytest.mark.parametrize("device", DEVICES)
def test_vector_add_five_million(opencl, device):
    rng = np.random.default_rng(201)
    a, b = rng.random(5_000_000, dtype=np.float32), rng.random(5_000_000, dtype=np.float32)
    out = opencl.vector_add(a, b, device=device)
    check_float32(out, a.shape, "vector_add output (5 000 000 elements)")
    check_close(out, a.astype(np.float64) + b, "vector_add output (5 000 000 elements)", **TOL)


@pytest.mark.exercise("vector_add", points=1)
@pytest.mark.parametrize("device", DEVICES)
def test_vector_add_two_dimensional_mixed_layouts(opencl, device):
    rng = np.random.default_rng(202)
    a = rng.normal(size=(7, 5)).T  # a transposed view: Fortran-ordered memory
    b = rng.integers(-5, 5, size=(5, 7))  # integers, C order
    out = opencl.vector_add(a, b, device=device)
    check_float32(out, (5, 7), "vector_add of a transposed (5, 7) view and an int (5, 7) array")
    check_close(out, a + b, "vector_add of a transposed view and an int array (memory order matters)", **TOL)


# ---------------------------------------------------------------- matrix products


@pytest.mark.exercise("matmul_naive", points=1)
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_matmul_naive(opencl, device, shape):
    A, B = product_inputs(*shape, seed=300)
    check_close(call_matmul(opencl, "matmul_naive", A, B, device), A @ B, "matmul_naive output", **TOL)


@pytest.mark.exercise("matmul_tiled", points=1)
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", TILED_SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_matmul_tiled(opencl, device, shape):
    A, B = product_inputs(*shape, seed=301)
    check_close(call_matmul(opencl, "matmul_tiled", A, B, device), A @ B, "matmul_tiled output", **TOL)


@pytest.mark.exercise("matmul_fast", points=1)
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_matmul_fast(opencl, device, shape):
    A, B = product_inputs(*shape, seed=302)
    check_close(call_matmul(opencl, "matmul_fast", A, B, device), A @ B, "matmul_fast output", **TOL)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", each_exercise(MATMULS))
def test_matmul_transposed_views_and_integers(opencl, device, name):
    """A given as a transposed view (Fortran order) and B as integers: C order float32 is the host's job."""
    rng = np.random.default_rng(303)
    A = rng.normal(size=(21, 19)).T  # (19, 21), not C-contiguous
    B = rng.integers(-3, 4, size=(21, 10))
    check_close(call_matmul(opencl, name, A, B, device), A @ B, f"{name} with a transposed view and int inputs", **TOL)


@pytest.mark.exercise("matmul_fast", points=2)
@pytest.mark.parametrize("device", DEVICES)
def test_matmul_fast_large(opencl, device):
    A, B = product_inputs(200, 257, 131, seed=304)
    check_close(
        call_matmul(opencl, "matmul_fast", A, B, device), A @ B, "matmul_fast output (200x257 @ 257x131)", **TOL
    )


@pytest.mark.exercise("matmul_tiled", points=2)
@pytest.mark.parametrize("device", DEVICES)
def test_matmul_tiled_large(opencl, device):
    A, B = product_inputs(150, 97, 70, seed=305)
    check_close(call_matmul(opencl, "matmul_tiled", A, B, device), A @ B, "matmul_tiled output (150x97 @ 97x70)", **TOL)


# ---------------------------------------------------------------- kernel sources by their course names


@pytest.mark.parametrize(
    "constant,kernel",
    [
        pytest.param(constant, kernel, id=constant, marks=pytest.mark.exercise(kernel, points=1))
        for constant, kernel in [
            ("VECTOR_ADD_SRC", "vector_add"),
            ("MATMUL_NAIVE_SRC", "matmul_naive"),
            ("MATMUL_TILED_SRC", "matmul_tiled"),
            ("MATMUL_FAST_SRC", "matmul_fast"),
        ]
    ],
)
def test_source_constants_hold_the_kernels(opencl, constant, kernel):
    source = getattr(opencl, constant)
    if not isinstance(source, str) or f"__kernel void {kernel}" not in " ".join(source.split()):
        fail(f"{constant}: expected the OpenCL C source defining __kernel void {kernel}")


# ---------------------------------------------------------------- timing


def _kernel_seconds(timing):
    """``timing["kernel_s"]`` as a float, or 0 where it is missing or not a number."""
    try:
        return float(timing["kernel_s"])
    except (TypeError, KeyError, ValueError, IndexError):
        return 0.0


def reference_kernel_time(name, args, device):
    """The reference's kernel time: the quickest of three runs (a busy machine only makes a run slower)."""
    return min(ref.time_kernel(name, *args, device=device)["kernel_s"] for _ in range(3))


@pytest.mark.exercise("time_kernel", points=2)
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["vector_add", "matmul_naive", "matmul_fast"])
def test_time_kernel_uses_profiling_events(opencl, device, name):
    rng = np.random.default_rng(400)
    if name == "vector_add":
        args = (rng.random(5_000_000, dtype=np.float32), rng.random(5_000_000, dtype=np.float32))
        expected = args[0].astype(np.float64) + args[1]
    else:
        args = (rng.normal(size=(256, 200)).astype(np.float32), rng.normal(size=(200, 240)).astype(np.float32))
        expected = args[0].astype(np.float64) @ args[1]
    warm = opencl.time_kernel(name, *args, device=device)  # warm-up: builds the program
    start = time.perf_counter()
    timing = opencl.time_kernel(name, *args, device=device)
    wall = time.perf_counter() - start
    if not isinstance(timing, dict) or not {"result", "kernel_s", "wall_s"} <= set(timing):
        fail("time_kernel: must return a dict with the keys 'result', 'kernel_s' and 'wall_s'")
    check_close(timing["result"], expected, f"time_kernel('{name}') result", **TOL)
    kernel_s = float(as_array(timing["kernel_s"], "time_kernel kernel_s"))
    wall_s = float(as_array(timing["wall_s"], "time_kernel wall_s"))
    if not 0 < kernel_s <= wall_s <= wall:
        fail(
            f"time_kernel('{name}'): need 0 < kernel_s <= wall_s <= the call's own wall time "
            f"(kernel_s and wall_s in seconds)"
        )
    if kernel_s == wall_s:
        fail(
            f"time_kernel('{name}'): kernel_s equals wall_s; the kernel time comes from the event's "
            "profile.start and profile.end, the wall time from a stopwatch around the whole call"
        )
    # the launch alone takes about a fiftieth of the kernel; the longer of the two calls' kernel times, so
    # that only both being far too short fails (a busy machine makes a run longer, never shorter)
    longest = max(kernel_s, _kernel_seconds(warm))
    if name == "vector_add" and longest < 0.1 * reference_kernel_time(name, args, device):
        fail(
            "time_kernel('vector_add'): kernel_s is far shorter than the kernel runs; "
            "use the event's profile.start and profile.end, not the time of the launch"
        )


# ---------------------------------------------------------------- kernels reused, programs built once


@functools.cache
def build_seconds(device, name):
    """What building the reference's program ``name`` costs in this process: the quickest of three builds,
    after one that fills the caches (a rebuild by the code under test costs at least as much)."""
    import pyopencl as cl

    context, source = ref.queue_for(device).context, getattr(ref, f"{name}_source")()
    cl.Program(context, source).build()
    times = []
    for _ in range(3):
        start = time.perf_counter()
        cl.Program(context, source).build()
        times.append(time.perf_counter() - start)
    return min(times)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", each_exercise(["vector_add", *MATMULS]))
def test_repeated_calls_reuse_kernels(opencl, device, name):
    """Ten more calls after the first: none retrieves its kernel again, and the quickest of them costs
    less than a quarter of a program build (a rebuild costs a whole one; the quickest call and a ratio, so
    that a busy machine does not tip it)."""
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    args = (a, a) if name == "vector_add" else (a, a.T)
    call = getattr(opencl, name)
    call(*args, device=device)  # first call: the program may be built here
    times = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(10):
            start = time.perf_counter()
            call(*args, device=device)
            times.append(time.perf_counter() - start)
    if any(is_repeated_retrieval(w) for w in caught):
        fail(
            f"{name}: gets a new kernel object on every call (RepeatedKernelRetrieval); "
            "keep the cl.Kernel from kernel_for"
        )
    if min(times) > 0.25 * build_seconds(device, name):
        fail(
            f"{name}: every call takes {1000 * min(times):.0f} ms or more, about as long as building the program; "
            "is it rebuilt on every call? build once per context (kernel_for)"
        )
