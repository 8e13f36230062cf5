"""The rules and the engine import each other's modules: either may come first."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    ["streams.contradiction", "streams.contradiction.rules", "streams.consensus",
     "streams.consensus.engine", "streams.replay"],
)
def test_each_package_imports_first_in_a_fresh_interpreter(module: str) -> None:
    code = f"import {module}; from streams.consensus import ConsensusEngine; ConsensusEngine()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
