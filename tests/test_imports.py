"""Importing what you use, only: the engine and the neuron models cost NumPy, not the heavy stack.

Each case runs in a fresh interpreter, because this test process has long imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("matplotlib", "sklearn", "tensorflow", "keras", "tqdm")

PROBE = """
import json, sys
{statement}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _loaded_after(statement: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(statement=statement, heavy=HEAVY)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False,
    )
    assert done.returncode == 0, f"{statement!r} failed:\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("statement", [
    "import companion",
    "import companion.nn",
    "from companion import nn",
    "import companion.neuro",
    "from companion.neuro import HodgkinHuxley, LIFNeuron",
    "import companion.training",
    "from companion import seed_everything",
    "import companion.report",
    "import companion.structures",
    "import companion.scaling",
    "import companion.fairness",
    "import companion.explain",
])
def test_light_imports_leave_the_heavy_stack_out(statement: str) -> None:
    assert _loaded_after(statement) == []


def test_the_probe_sees_a_heavy_import() -> None:
    # the check above could pass by never seeing anything: show that it sees matplotlib
    assert _loaded_after("import companion.plots") == ["matplotlib"]


def test_lazy_attributes_still_work() -> None:
    import companion

    assert callable(companion.seed_everything)
    assert companion.plots.new_figure is not None
    assert companion.data.load_digits is not None
    assert isinstance(companion.__version__, str)
    assert {"data", "nn", "neuro", "plots", "tf", "training"} <= set(dir(companion))
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        companion.nope  # noqa: B018


def test_tqdm_comes_with_the_first_progress_bar() -> None:
    # the engine imports tqdm when fit(verbose=1) draws a bar, not before
    shown = "import io, contextlib\nfrom companion.nn.progress import EpochProgress\n" \
            "with contextlib.redirect_stdout(io.StringIO()):\n    EpochProgress(0, 1, 1, verbose=1).abort()"
    assert _loaded_after(shown) == ["tqdm"]
