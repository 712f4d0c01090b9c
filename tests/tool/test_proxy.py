"""The test process's side of isolation: objects the worker holds for it are freed; numpy's global
random state moves as it would in-process."""

import gc
import runpy
import textwrap
from types import SimpleNamespace

import numpy as np
import pytest

from grader.isolation.proxy import RemoteImplementation

BOXES = textwrap.dedent(
    """
    import gc


    class Box:
        pass


    ONE = Box()


    def the_same_box():
        return ONE


    def boxes_alive():
        return sum(isinstance(o, Box) for o in gc.get_objects())
    """
)


@pytest.fixture
def boxes(tmp_path):
    """Module ch1.boxes of a submission, in a worker without the sandbox (no root needed)."""
    (tmp_path / "ch1").mkdir()
    (tmp_path / "ch1" / "boxes.py").write_text(BOXES)
    implementation = RemoteImplementation(tmp_path, use_sandbox=False)
    yield implementation.load("ch1.boxes")
    implementation.close()


def test_worker_frees_the_objects_the_test_process_dropped(boxes):
    made = [boxes.Box() for _ in range(10_000)]
    assert boxes.boxes_alive() == 10_001  # and ONE
    kept = made[1234]
    del made
    gc.collect()
    assert boxes.boxes_alive() == 2, "the worker still holds objects the test process dropped"
    kept.label = "still here"
    assert kept.label == "still here", "a proxy still held here keeps its object in the worker"


def test_an_object_handed_out_twice_lives_while_either_proxy_does(boxes):
    first, second = boxes.the_same_box(), boxes.the_same_box()
    del first
    for _ in range(200):  # dropped handles reach the worker in batches
        boxes.Box()
    gc.collect()
    boxes.boxes_alive()
    second.label = "same"
    assert boxes.the_same_box().label == "same"


def test_a_view_a_test_function_returns_is_a_view_in_the_worker(tmp_path):
    (tmp_path / "ch1").mkdir()
    (tmp_path / "ch1" / "views.py").write_text(
        "import numpy as np\n\n\ndef follows(f, x):\n    y = f(x)\n    x += 1\n    return np.shares_memory(y, x), y\n"
    )
    implementation = RemoteImplementation(tmp_path, use_sandbox=False)
    try:
        module = implementation.load("ch1.views")
        shared, y = module.follows(lambda v: v.T, np.zeros((2, 3)))
        assert shared, "f(x) = x.T must be a view of the worker's x, as it is in one process"
        np.testing.assert_array_equal(y, np.ones((3, 2)))
        shared, y = module.follows(lambda v: v * 2, np.zeros(3))
        assert not shared
        np.testing.assert_array_equal(y, np.zeros(3))
    finally:
        implementation.close()


DRAWS = textwrap.dedent(
    """
    import numpy as np


    def one_normal():
        return np.random.randn()


    def uniforms(n):
        return np.random.rand(n)


    def nothing(x):
        return x
    """
)


def draw_in_turn(draws):
    """Draws from numpy's global generator, in turn by the student's code and by the test."""
    np.random.seed(5)
    seen = [draws.one_normal()]  # a pair of normals made there, the second kept
    seen.append(np.random.randn())  # here, the kept one: the generator's key does not move
    seen.append(draws.one_normal())  # so there, a new pair
    seen.append(draws.one_normal())  # and the kept one, without moving the key
    seen.append(np.random.randn())  # here, a new pair
    seen.append(draws.nothing(1.0))
    seen.append(draws.one_normal())  # there, the one kept here
    seen.extend(draws.uniforms(3))
    seen.append(draws.nothing(2.0))
    seen.append(np.random.rand())
    return seen


def test_the_global_random_state_moves_as_in_process(tmp_path):
    (tmp_path / "ch1").mkdir()
    (tmp_path / "ch1" / "draws.py").write_text(DRAWS)
    expected = draw_in_turn(SimpleNamespace(**runpy.run_path(str(tmp_path / "ch1" / "draws.py"))))
    implementation = RemoteImplementation(tmp_path, use_sandbox=False)
    try:
        assert draw_in_turn(implementation.load("ch1.draws")) == expected
    finally:
        implementation.close()
