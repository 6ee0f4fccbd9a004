"""The epoch loop and evaluation of a :class:`~companion.nn.model.Sequential` model.

An epoch shuffles the samples (if ``shuffle``), cuts them into batches of ``batch_size`` (the last one
may be smaller; :func:`batches`) and takes one step per batch (:mod:`companion.nn.step`).  The
reported epoch loss and metrics are those of each batch *before* its update, weighted by batch size,
as Keras reports them (:class:`MetricAccumulator`):

.. math:: \\bar L_\\text{epoch} = \\frac1N \\sum_{\\text{batches } B} |B|\\, L_B, \\qquad
   \\text{accuracy} = \\frac{\\#\\text{correct}}{N}
   \\tag{nn.model.4}

Non-finite loss: if a batch's loss is NaN or infinite, :func:`fit` raises :class:`NonFiniteLossError`
(a ``FloatingPointError``) *without* applying that batch's update, so the model keeps the weights of
the last step whose loss was finite; ``history`` up to the previous epoch is on the exception.

The methods :meth:`~companion.nn.model.Sequential.fit`, ``evaluate`` and ``train_on_batch`` call the
functions of the same names here.

Examples
--------
>>> import numpy as np
>>> x, y = np.arange(10.0).reshape(5, 2), np.arange(5)
>>> [len(yb) for _, yb in batches(x, y, batch_size=2)]
[2, 2, 1]
>>> acc = MetricAccumulator(["accuracy"], [lambda y, p: p.argmax(-1) == y])
>>> acc.update(0.5, np.array([0, 1]), np.array([[0.9, 0.1], [0.8, 0.2]]))
>>> acc.update(0.25, np.array([1, 0]), np.array([[0.3, 0.7], [0.4, 0.6]]))
>>> acc.result()  # (2 * 0.5 + 2 * 0.25) / 4, and 2 of 4 right
{'loss': 0.375, 'accuracy': 0.5}
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, cast

import numpy as np
from numpy.typing import NDArray

from companion._validation import (
    check_int,
    check_positive_int,
    check_unit_interval,
    check_verbose,
    check_x,
    check_y,
    describe,
)
from companion.nn import step as _step
from companion.nn.callbacks import Callback, History
from companion.nn.progress import EpochProgress, format_logs

if TYPE_CHECKING:
    from companion.nn.losses import Loss
    from companion.nn.metrics import MetricFunction
    from companion.nn.model import Sequential

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "MetricAccumulator",
    "NonFiniteLossError",
    "batch_size_or_default",
    "batches",
    "evaluate",
    "fit",
    "train_on_batch",
]

#: Batch size of ``fit``, ``evaluate`` and ``predict`` when none is given (Keras's).
DEFAULT_BATCH_SIZE = 32


class NonFiniteLossError(FloatingPointError):
    """The training loss became NaN or infinite; the weights are those of the last finite step.

    Attributes
    ----------
    epoch, batch : int
        Where it happened (from 0).
    history : History
        Epochs completed before.
    """

    def __init__(self, message: str, epoch: int, batch: int, history: History) -> None:
        super().__init__(message)
        self.epoch, self.batch, self.history = epoch, batch, history


def batch_size_or_default(batch_size: object, name: str = "batch_size") -> int:
    """``batch_size`` checked, or :data:`DEFAULT_BATCH_SIZE` for ``None``."""
    return DEFAULT_BATCH_SIZE if batch_size is None else check_positive_int(name, batch_size)


def batches(
    x: NDArray, y: NDArray, batch_size: int, order: NDArray | None = None
) -> Iterator[tuple[NDArray, NDArray]]:
    """Consecutive batches of ``batch_size`` rows (the last may be smaller).

    With ``order`` (a permutation of the rows) each batch gathers its rows from it, so the data are
    never copied in shuffled order as a whole.
    """
    for start in range(0, len(x), batch_size):
        if order is None:
            yield x[start:start + batch_size], y[start:start + batch_size]
        else:
            rows = order[start:start + batch_size]
            yield x[rows], y[rows]


class MetricAccumulator:
    """Running loss and metrics over batches, eq. (nn.model.4).

    Parameters
    ----------
    names : sequence of str
        Metric names, the keys of :meth:`result` after ``"loss"``.
    functions : sequence of callables
        Per-sample metric functions ``fn(y, output) -> bool array``, one per name.
    """

    def __init__(self, names: Sequence[str], functions: Sequence[MetricFunction]) -> None:
        self.names, self.functions = list(names), list(functions)
        self.loss_sum, self.seen = 0.0, 0
        self.correct = [0] * len(self.functions)
        self.counted = [0] * len(self.functions)

    def update(self, loss: float | NDArray, y: NDArray, output: NDArray) -> None:
        """Add one batch: its mean ``loss`` (weighted by its size) and its metric hits."""
        n = len(y)
        self.loss_sum += float(loss) * n
        self.seen += n
        for i, fn in enumerate(self.functions):
            hits = fn(y, output)
            self.correct[i] += int(np.count_nonzero(hits))
            self.counted[i] += hits.size

    def add_penalty(self, penalty: float) -> None:
        """Add a term that every sample's loss carries (the regularisation penalties, eq. nn.l2.2)."""
        self.loss_sum += penalty * self.seen

    def result(self) -> dict[str, float]:
        """``{"loss": mean loss, name: fraction correct, ...}``."""
        logs = {"loss": self.loss_sum / self.seen}
        for name, c, k in zip(self.names, self.correct, self.counted):
            logs[name] = c / k
        return logs


def _accumulator(model: Sequential) -> MetricAccumulator:
    return MetricAccumulator([m.name for m in model.metrics], _step.metric_functions(model))


# ----------------------------------------------------------------------------- one batch
def train_on_batch(model: Sequential, x: object, y: object) -> float | list[float]:
    """:meth:`Sequential.train_on_batch <companion.nn.model.Sequential.train_on_batch>`."""
    _step.require_compiled(model, "train_on_batch")
    x_arr, y_arr = _step.prepare(model, x, y, "train_on_batch")
    if not model.built:
        model.build(x_arr.shape[1])
    loss_fn, logits = _step.training_loss(model)
    fns = _step.metric_functions(model)
    loss, out = _step.loss_and_backward(model, x_arr, y_arr, loss_fn, logits)
    if not math.isfinite(loss):
        raise NonFiniteLossError(f"the loss is {float(loss)}; the step was not applied", 0, 0, History())
    _step.apply_gradients(model)
    values = [float(loss)] + [float(np.mean(fn(y_arr, out))) for fn in fns]
    return values[0] if len(values) == 1 else values


# ----------------------------------------------------------------------------- evaluation
def evaluate_arrays(model: Sequential, x: NDArray, y: NDArray, batch_size: int) -> dict[str, float]:
    """Loss (with the penalties) and metrics on checked arrays, batch by batch, inference mode."""
    loss_fn, logits = _step.training_loss(model)
    acc = _accumulator(model)
    for xb, yb in batches(x, y, batch_size):
        out = _step.forward(model, xb)
        acc.update(loss_fn(yb, _step.output_logits(model) if logits else out), yb, out)
    acc.add_penalty(float(sum(model.losses)))  # every batch's loss includes the penalties (nn.l2.2)
    return acc.result()


def evaluate(
    model: Sequential, x: object, y: object, batch_size: int | None = None,
    verbose: int | str = "auto", return_dict: bool = False,
) -> float | list[float] | dict[str, float]:
    """:meth:`Sequential.evaluate <companion.nn.model.Sequential.evaluate>`."""
    _step.require_compiled(model, "evaluate")
    size = batch_size_or_default(batch_size)
    level = check_verbose(verbose)
    x_arr, y_arr = _step.prepare(model, x, y, "evaluate")
    model.require_built("evaluate")
    logs = evaluate_arrays(model, x_arr, y_arr, size)
    if level:
        print(format_logs(logs), file=sys.stdout)
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


# ----------------------------------------------------------------------------- the epoch loop
def _validation_arrays(
    model: Sequential, x: NDArray, y: NDArray, validation_split: float,
    validation_data: object,
) -> tuple[NDArray, NDArray, NDArray | None, NDArray | None]:
    """``(x_train, y_train, x_val, y_val)``, the validation part checked (or ``None``)."""
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)):
            raise TypeError(
                f"validation_data must be a tuple (x_val, y_val), got {describe(validation_data)}"
            )
        if len(validation_data) != 2:
            raise ValueError(
                f"validation_data must be a tuple (x_val, y_val), got {len(validation_data)} item(s)"
            )
        loss = cast("Loss", model.loss)
        x_val = check_x(validation_data[0], x.shape[1], model.dtype, "validation_data[0]")
        y_val = check_y(validation_data[1], len(x_val), model.output_dim, loss.sparse, model.dtype,
                        "validation_data[1]", "validation_data[0]")
        return x, y, x_val, y_val
    if validation_split:
        split = int(math.floor(len(x) * (1 - validation_split)))
        if split == 0 or split == len(x):
            raise ValueError(
                f"validation_split={validation_split} leaves no training or no validation samples "
                f"out of {len(x)}"
            )
        return x[:split], y[:split], x[split:], y[split:]
    return x, y, None, None


def fit(
    model: Sequential,
    x: object = None,
    y: object = None,
    batch_size: int | None = None,
    epochs: int = 1,
    verbose: int | str = "auto",
    callbacks: Sequence[Callback] | None = None,
    validation_split: float = 0.0,
    validation_data: tuple[NDArray, NDArray] | None = None,
    shuffle: bool = True,
    initial_epoch: int = 0,
    validation_batch_size: int | None = None,
) -> History:
    """:meth:`Sequential.fit <companion.nn.model.Sequential.fit>`: every argument is checked, then
    the model trains.
    """
    _step.require_compiled(model, "fit")
    size = batch_size_or_default(batch_size)
    epochs = check_positive_int("epochs", epochs)
    level = check_verbose(verbose)
    initial_epoch = check_int("initial_epoch", initial_epoch, minimum=0)
    if initial_epoch >= epochs:
        raise ValueError(
            f"initial_epoch must be an integer in [0, epochs={epochs}), got {initial_epoch!r}"
        )
    val_size = size if validation_batch_size is None else check_positive_int(
        "validation_batch_size", validation_batch_size)
    check_unit_interval("validation_split", validation_split)
    cbs = list(callbacks or [])
    for cb in cbs:
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks must be nn.callbacks.Callback objects, got {describe(cb)}")
    x_arr, y_arr = _step.prepare(model, x, y, "fit")
    x_arr, y_arr, x_val, y_val = _validation_arrays(model, x_arr, y_arr, validation_split,
                                                    validation_data)

    # Everything is valid: from here on the model changes.
    if not model.built:
        model.build(x_arr.shape[1])
    history = History()
    cbs = [history, *cbs]
    steps = -(-len(x_arr) // size)
    history.params = {"epochs": epochs, "steps": steps, "verbose": level}
    for cb in cbs:
        cb.set_model(model)
    model.stop_training = False
    for cb in cbs:
        cb.on_train_begin()
    for epoch in range(initial_epoch, epochs):
        for cb in cbs:
            cb.on_epoch_begin(epoch)
        # Overflow inside a diverging step shows up as a non-finite loss, reported by
        # NonFiniteLossError; NumPy's RuntimeWarnings about it would only add noise.
        progress = EpochProgress(epoch, epochs, steps, level)
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                logs = run_epoch(model, x_arr, y_arr, size, shuffle, progress, history)
        except BaseException:  # NonFiniteLossError, KeyboardInterrupt, ...: end the bar's line
            progress.abort()
            raise
        if x_val is not None and y_val is not None:
            val = evaluate_arrays(model, x_val, y_val, val_size)
            logs.update({f"val_{k}": v for k, v in val.items()})
        logs = dict(sorted(logs.items(), key=lambda kv: kv[0].startswith("val_")))
        progress.close(steps, logs)
        for cb in cbs:
            cb.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    for cb in cbs:
        cb.on_train_end()
    return history


def run_epoch(
    model: Sequential, x: NDArray, y: NDArray, batch_size: int, shuffle: bool,
    progress: EpochProgress, history: History,
) -> dict[str, float]:
    """One pass over the training data, one step per batch; returns ``{"loss": ..., metric: ...}``."""
    # A fresh permutation each epoch; batches gather their rows from it (no reshuffled copy of x).
    order = model.rng.permutation(len(x)) if shuffle else None
    loss_fn, logits = _step.training_loss(model)
    acc = _accumulator(model)
    for i, (xb, yb) in enumerate(batches(x, y, batch_size, order)):
        loss, out = _step.loss_and_backward(model, xb, yb, loss_fn, logits)
        if not math.isfinite(loss):
            raise NonFiniteLossError(
                f"the training loss became {float(loss)} in {progress.title.lower()}, batch {i + 1}; "
                "training stopped and the weights are those of the last step with a finite loss "
                "(try a smaller learning rate, or scale the inputs)",
                progress.epoch, i, history,
            )
        _step.apply_gradients(model)
        acc.update(loss, yb, out)
        if time.perf_counter() >= progress.next_update:
            progress.update(i + 1, acc.result())
    return acc.result()
