"""Quiet, deterministic TensorFlow/Keras set-up.

TensorFlow writes to stderr when it is imported (oneDNN notices, CPU-feature guards, absl's log
initialisation).  In a notebook that text becomes a ``stderr`` output, which the book treats as an
error and which breaks strict ``nbval``.  Only two environment variables *together* silence it, and
they must be set before the first ``import tensorflow``:

* ``TF_CPP_MIN_LOG_LEVEL=2`` hides C++ info and warning messages;
* ``TF_ENABLE_ONEDNN_OPTS=0`` turns off the oneDNN kernels, whose notice is printed regardless of the
  log level; it also makes float results independent of oneDNN's blocking order.

Call :func:`setup` at the top of a notebook (or import this module) before importing TensorFlow.

Examples
--------
>>> from companion import tf as ctf
>>> tf, keras = ctf.setup(seed=0)        # doctest: +SKIP
>>> keras.__version__                    # doctest: +SKIP
'3.15.1'
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

__all__ = ["QUIET_ENV", "quiet_environment", "setup"]

#: Environment variables that keep TensorFlow from writing to stderr on import.
QUIET_ENV: dict[str, str] = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}


def quiet_environment() -> None:
    """Set :data:`QUIET_ENV` in ``os.environ`` unless the user already chose other values.

    Raises
    ------
    RuntimeError
        If TensorFlow was already imported without these settings: it is then too late to silence it,
        and saying so is better than a stderr message in the middle of a notebook.
    """
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    if "tensorflow" in sys.modules and not _quiet_enough():
        raise RuntimeError(
            "tensorflow was imported before companion.tf could silence it; set "
            "TF_CPP_MIN_LOG_LEVEL>=1 and TF_ENABLE_ONEDNN_OPTS=0 before importing tensorflow, "
            "or call companion.tf.setup() first"
        )


def _quiet_enough() -> bool:
    level = os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0")
    return level.isdigit() and int(level) >= 1 and os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "0"


def setup(seed: int | None = 0, deterministic: bool = True) -> tuple[ModuleType, ModuleType]:
    """Import TensorFlow and Keras quietly, seeded and (optionally) deterministic.

    Parameters
    ----------
    seed : int or None, default 0
        Seed for Python's ``random``, NumPy and TensorFlow (``keras.utils.set_random_seed``).
        ``None`` leaves every generator as it is.
    deterministic : bool, default True
        Ask TensorFlow for deterministic kernels (``tf.config.experimental.enable_op_determinism``),
        so that a training run prints the same losses every time on the same machine.

    Returns
    -------
    tf, keras : module
        The ``tensorflow`` and ``keras`` modules (Keras 3).

    Raises
    ------
    TypeError
        If ``seed`` is not an integer or ``None``.
    ValueError
        If ``seed`` is negative.
    """
    from companion.seed import _check_seed

    if seed is not None:
        _check_seed(seed)
    quiet_environment()
    import tensorflow as tf
    from tensorflow import keras

    if deterministic:
        tf.config.experimental.enable_op_determinism()
    if seed is not None:
        keras.utils.set_random_seed(seed)
    return tf, keras
