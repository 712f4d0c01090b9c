# Public tests: `pytest exercises/ch10/test_opencl.py` runs them; `dlgrade check` shows your progress.
"""Public tests for opencl.py: small fixed examples on the first OpenCL device.

Run them with `pytest exercises/ch10/test_opencl.py`. Without any OpenCL
device, every test fails with the message to `pip install "pyopencl[pocl]"`.
Results are float32, so they are compared with float32 tolerances.
"""

import warnings

import numpy as np
import pytest

from grader.testing import call_unchanged, check_close, check_unchanged, snapshot

from .opencl import (
    device_report,
    global_id,
    matmul_fast,
    matmul_fast_source,
    matmul_naive,
    matmul_naive_source,
    matmul_tiled,
    matmul_tiled_source,
    time_kernel,
    vector_add,
    vector_add_source,
)

# Building an OpenCL program takes seconds the first time: more than the usual few seconds per test.
pytestmark = pytest.mark.timeout(60)


def small_matrices(m, k, n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, k)).astype(np.float32), rng.normal(size=(k, n)).astype(np.float32)


@pytest.mark.exercise("device_report")
def test_device_report_lists_every_device_with_the_books_fields():
    report = device_report()
    assert isinstance(report, list) and len(report) >= 1, "one dict per OpenCL device, at least one"
    keys = {
        "platform",
        "vendor",
        "version",
        "profile",
        "device",
        "type",
        "compute_units",
        "clock_mhz",
        "local_memory_bytes",
        "constant_memory_bytes",
        "global_memory_bytes",
    }
    for entry in report:
        assert set(entry) == keys, f"keys must be exactly {sorted(keys)}"
        assert entry["type"] in {"GPU", "CPU", "ACCELERATOR", "CUSTOM", "OTHER"}
        assert entry["compute_units"] >= 1 and entry["global_memory_bytes"] > entry["local_memory_bytes"] > 0


@pytest.mark.exercise("global_id")
def test_global_id_one_dimension():
    # work item 3 of work group 2, groups of 16, launched with offset 5: 2 * 16 + 3 + 5
    assert global_id(2, 16, 3, 5) == 40
    assert global_id(0, 64, 0) == 0, "the offset defaults to 0"


@pytest.mark.exercise("global_id")
def test_global_id_two_dimensions_apply_the_formula_per_dimension():
    assert global_id((1, 2), (4, 8), (3, 1), (10, 0)) == (17, 17)
    assert global_id((1, 2), (4, 8), (3, 1)) == (7, 17)


@pytest.mark.exercise("vector_add")
def test_vector_add_small_example():
    a = np.array([1.0, 2.0, 3.0, 4.0, 5.0], dtype=np.float32)
    b = np.array([10.0, 20.0, 30.0, 40.0, 50.0], dtype=np.float32)
    out = call_unchanged(vector_add, a, b)  # float32 inputs: never write the result into a's memory
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [11.0, 22.0, 33.0, 44.0, 55.0])


@pytest.mark.exercise("vector_add")
def test_vector_add_source_names_the_kernel():
    assert "__kernel void vector_add" in vector_add_source()


@pytest.mark.exercise("matmul_naive")
def test_matmul_naive_two_by_three_times_three_by_two():
    A = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)
    B = np.array([[7, 8], [9, 10], [11, 12]], dtype=np.float32)
    C = matmul_naive(A, B)
    assert "__kernel void matmul_naive" in matmul_naive_source()
    np.testing.assert_array_equal(C, [[58, 64], [139, 154]], err_msg="C[i, j] = sum_k A[i, k] B[k, j]")


@pytest.mark.exercise("matmul_naive")
def test_matmul_naive_non_square():
    A, B = small_matrices(5, 3, 7)
    np.testing.assert_allclose(matmul_naive(A, B), A @ B, rtol=1e-5, atol=1e-5, err_msg="A is 5x3, B is 3x7")


@pytest.mark.exercise("matmul_tiled")
def test_matmul_tiled_sizes_not_multiples_of_the_tile():
    A, B = small_matrices(20, 37, 18, seed=1)
    assert "__local" in matmul_tiled_source() and "barrier" in matmul_tiled_source()
    np.testing.assert_allclose(
        matmul_tiled(A, B),
        A @ B,
        rtol=1e-5,
        atol=1e-5,
        err_msg="20x37 @ 37x18: partial tiles at the edges must load zeros, not skip",
    )


@pytest.mark.exercise("matmul_fast")
def test_matmul_fast_multiple_of_eight():
    A, B = small_matrices(16, 24, 32, seed=2)
    assert "float8" in matmul_fast_source()
    np.testing.assert_allclose(matmul_fast(A, B), A @ B, rtol=1e-5, atol=1e-5)


@pytest.mark.exercise("matmul_fast")
def test_matmul_fast_pads_other_sizes():
    A, B = small_matrices(3, 5, 11, seed=3)
    C = matmul_fast(A, B)
    assert C.shape == (3, 11), "the padded rows and columns are cut off again"
    np.testing.assert_allclose(C, A @ B, rtol=1e-5, atol=1e-5)


@pytest.mark.exercise("time_kernel")
def test_time_kernel_reads_the_event_not_the_launch():
    A, B = small_matrices(128, 128, 128, seed=4)
    timing = call_unchanged(time_kernel, "matmul_naive", A, B)
    np.testing.assert_allclose(timing["result"], A @ B, rtol=1e-4, atol=1e-4)
    assert 0 < timing["kernel_s"] <= timing["wall_s"], "the kernel runs inside the host call: 0 < kernel_s <= wall_s"


@pytest.mark.exercise("vector_add")
def test_repeated_calls_reuse_the_kernel():
    a = np.arange(8, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pyopencl's RepeatedKernelRetrieval becomes an error
        for _ in range(3):
            vector_add(a, a)


# What the grader also checks: any memory layout and integer inputs (making float32,
# C-ordered copies is the host code's job) and inputs left unchanged.
@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.exercise(n), id=n) for n in ("matmul_naive", "matmul_tiled", "matmul_fast")],
)
def test_matmul_of_a_transposed_view_and_integers(name):
    matmul = globals()[name]  # the function imported above
    rng = np.random.default_rng(5)
    A = rng.normal(size=(5, 3)).T  # (3, 5), Fortran order in memory
    B = rng.integers(-3, 4, size=(5, 2))
    copies = snapshot(A, B)
    C = matmul(A, B)
    check_unchanged([A, B], copies, name, ["A", "B"])
    check_close(C, A @ B, f"{name} of a transposed view and an integer matrix", rtol=1e-4, atol=1e-4)


@pytest.mark.exercise("vector_add")
def test_vector_add_of_a_transposed_view_and_integers():
    a = np.arange(6.0).reshape(3, 2).T  # (2, 3), Fortran order
    b = np.ones((2, 3), dtype=np.int64)
    out = vector_add(a, b)
    assert np.asarray(out).dtype == np.float32, f"vector_add returns float32, not {np.asarray(out).dtype}"
    check_close(out, a + b, "vector_add of a transposed view and an integer array")
