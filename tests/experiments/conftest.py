"""Tests of the chapter experiments (experiments/*.py) and the data they use.

A test module names its script in ``SCRIPT`` (``"ch8_optimizers"``); the
``experiment`` fixture imports it once per module, without running it.
"""

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

EXPERIMENTS = Path(__file__).resolve().parents[2] / "experiments"


@pytest.fixture(scope="module")
def experiment(request: pytest.FixtureRequest) -> ModuleType:
    name = request.module.SCRIPT
    spec = importlib.util.spec_from_file_location(name, EXPERIMENTS / f"{name}.py")
    assert spec is not None and spec.loader is not None, f"no experiment {name}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
