"""The installed package: version from its metadata, typed, and light to import."""

import importlib.metadata
import pathlib
import subprocess
import sys

import companion


def test_version_comes_from_the_distribution_metadata():
    assert companion.__version__ == importlib.metadata.version("nnbrain-companion")


def test_py_typed_marker_ships_with_the_package():
    assert (pathlib.Path(companion.__file__).parent / "py.typed").exists()


def test_importing_the_package_does_not_import_tensorflow():
    # the NumPy engine and the neuron models must work without TensorFlow (a 1.3 GB optional extra)
    code = (
        "import sys, companion, companion.nn, companion.neuro, companion.data, companion.plots; "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
    assert out.stderr == ""
