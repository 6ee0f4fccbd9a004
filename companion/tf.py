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
>>> tf, keras = ctf.setup(seed=0)
>>> keras.__version__.split(".")[0]      # Keras 3
'3'
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

from companion._validation import check_choice, check_positive_int, check_seed

__all__ = ["QUIET_ENV", "article_model", "quiet_environment", "setup", "steady_progress_bar"]

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
        if not os.environ.get(key):  # unset or empty
            os.environ[key] = value
    if "tensorflow" in sys.modules and not _quiet_enough():
        raise RuntimeError(
            "tensorflow was imported before companion.tf could silence it; set "
            "TF_CPP_MIN_LOG_LEVEL>=1 and TF_ENABLE_ONEDNN_OPTS=0 before importing tensorflow, "
            "or call companion.tf.setup() first"
        )


def _quiet_enough() -> bool:
    level = os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0")
    return level.isdigit() and int(level) >= 1 and os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "0"


def setup(
    seed: int | None = 0, op_determinism: bool = False, steady_progress: bool = True
) -> tuple[ModuleType, ModuleType]:
    """Import TensorFlow and Keras quietly and seeded, so that training is reproducible.

    On a CPU, seeding is enough for a Keras training run to print the same losses, to the last
    digit, every time on the same machine (the test suite checks this, and strict ``nbval`` checks
    it for every notebook).  Across CPUs, float32 results may differ in their last bits: round what
    you print, or train in float64 (:func:`article_model`).

    Parameters
    ----------
    seed : int or None, default 0
        Seed for Python's ``random``, NumPy and TensorFlow (``keras.utils.set_random_seed``).
        ``None`` leaves every generator as it is.
    op_determinism : bool, default False
        Also call ``tf.config.experimental.enable_op_determinism()``, which makes TensorFlow refuse
        non-deterministic kernels (useful on a GPU).  Off by default because TensorFlow 2.21 then
        writes a harmless but unsilenceable ``NodeDef mentions attribute use_unbounded_threadpool``
        error line to stderr whenever ``fit`` builds its input pipeline.
    steady_progress : bool, default True
        Make Keras's progress bar (``verbose=1``) print one line per epoch, its final state, see
        :func:`steady_progress_bar`.

    Returns
    -------
    tf, keras : module
        The ``tensorflow`` and ``keras`` modules (Keras 3).

    Raises
    ------
    TypeError
        If ``seed`` is not an integer or ``None``.
    ValueError
        If ``seed`` is outside ``[0, 2**32)``.
    """
    if seed is not None:
        check_seed(seed)
    quiet_environment()
    import tensorflow as tf
    from tensorflow import keras

    if op_determinism:
        tf.config.experimental.enable_op_determinism()
    if steady_progress:
        steady_progress_bar(keras)
    if seed is not None:
        keras.utils.set_random_seed(seed)
    return tf, keras


def steady_progress_bar(keras: ModuleType) -> None:
    """Make Keras's progress bar draw each epoch once, when it ends, instead of every 0.05 s.

    ``keras.utils.Progbar`` redraws itself whenever at least ``interval`` seconds (0.05 by default)
    have passed since its last redraw.  A terminal overwrites the line; a notebook keeps every
    redraw, so the number of lines an epoch prints, and the ETA on them, depend on how fast the
    machine is and how busy it is, and a committed notebook would not reproduce.  With an infinite
    interval only the final state of each epoch is drawn: the step count, the elapsed time and the
    epoch's mean loss and metrics, exactly what ``fit`` reports in its history.

    Parameters
    ----------
    keras : module
        The ``keras`` module whose ``utils.Progbar`` default is changed (for every progress bar
        created afterwards, in this process).

    Raises
    ------
    RuntimeError
        If this Keras's ``Progbar`` has no ``interval`` argument (the set-up would then silently do
        nothing).
    """
    import inspect
    import math

    init = keras.utils.Progbar.__init__
    params = [p for p in inspect.signature(init).parameters.values() if p.default is not p.empty]
    names = [p.name for p in params]
    if "interval" not in names or init.__defaults__ is None or len(init.__defaults__) != len(names):
        raise RuntimeError("keras.utils.Progbar has no default 'interval' argument; cannot steady it")
    defaults = list(init.__defaults__)
    defaults[names.index("interval")] = math.inf
    init.__defaults__ = tuple(defaults)


def article_model(
    num_inputs: int = 100,
    num_hiddens: int = 64,
    num_outputs: int = 10,
    optimizer: str | object = "adam",
    dtype: str = "float32",
) -> object:
    """The article's network (Dense 64 relu, Dense 64 relu, Dense 10 softmax), compiled.

    The same model as the article's code, written with ``keras.Input`` instead of the
    ``input_shape=`` argument, which Keras 3 deprecates with a warning.  Each layer computes

    .. math::

        A^{[l]} = f^{[l]}\\big(A^{[l-1]} W^{[l]} + \\mathbf{b}^{[l]}\\big),
        \\qquad f^{[1]} = f^{[2]} = \\mathrm{relu},\\; f^{[3]} = \\mathrm{softmax}.

    Parameters
    ----------
    num_inputs, num_hiddens, num_outputs : int
        Layer widths; the defaults are the article's 100, 64 and 10.
    optimizer : str or keras optimizer, default "adam"
    dtype : {"float32", "float64"}, default "float32"
        Precision of the weights and of every computation.  ``"float32"`` is Keras's default and the
        article's; ``"float64"`` computes the same network with rounding errors about
        :math:`10^{-16}` instead of :math:`10^{-7}`, so that a long training run ends with the same
        accuracy, and the same best epoch, on every machine (float32 rounding differs in its last
        bits between CPUs, and many epochs of training can amplify that into another result).

    Returns
    -------
    keras.Sequential
        Compiled with ``sparse_categorical_crossentropy`` and ``metrics=["accuracy"]``.
        Seed first (:func:`setup` or ``keras.utils.set_random_seed``) for reproducible weights.

    Raises
    ------
    TypeError
        If a width is not an integer.
    ValueError
        If a width is below 1 or ``dtype`` is neither ``"float32"`` nor ``"float64"``.
    """
    num_inputs = check_positive_int("num_inputs", num_inputs)
    num_hiddens = check_positive_int("num_hiddens", num_hiddens)
    num_outputs = check_positive_int("num_outputs", num_outputs)
    check_choice("dtype", dtype, ("float32", "float64"))
    quiet_environment()
    from tensorflow import keras

    model = keras.Sequential([
        keras.Input(shape=(num_inputs,), dtype=dtype),
        keras.layers.Dense(num_hiddens, activation="relu", dtype=dtype),
        keras.layers.Dense(num_hiddens, activation="relu", dtype=dtype),
        keras.layers.Dense(num_outputs, activation="softmax", dtype=dtype),
    ])
    # Keras computes a loss in its global floatx (float32) unless told otherwise.
    loss = ("sparse_categorical_crossentropy" if dtype == "float32"
            else keras.losses.SparseCategoricalCrossentropy(dtype=dtype))
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return model
