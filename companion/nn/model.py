"""``Sequential``: a stack of Dense layers with Keras's ``compile`` / ``fit`` / ``evaluate`` / ``predict``.

One training step on a batch :math:`(X, y)` of :math:`n` samples is

.. math::
    A^{(0)} = X,\\quad A^{(l)} = f_l(A^{(l-1)} W_l + b_l) \\;\\text{(forward, nn.dense.1)}, \\quad
    L = \\tfrac1n \\textstyle\\sum_i \\ell_i \\;\\text{(nn.loss.0)}, \\quad
    \\text{back-propagation (nn.dense.2)}, \\quad \\text{optimizer step (nn.adam.1, ...)}
    \\tag{nn.model.1}

All weights live in one parameter vector :math:`\\theta = (\\operatorname{vec} W_1, b_1, \\ldots)` (the
layers' ``kernel`` and ``bias`` are views of it), and the optimizer updates :math:`\\theta` with the
concatenated gradient :math:`\\nabla_\\theta L` (nn.model.2), exactly the element-wise rules of
:mod:`companion.nn.optimizers` applied to all weights at once.

An epoch shuffles the samples (if ``shuffle``), cuts them into batches of ``batch_size`` (the last one
may be smaller) and takes one step per batch.  The reported epoch loss and accuracy average the
per-batch values *before* each update, weighted by batch size, as Keras reports them.

Regularisation and dropout: the loss that ``fit``, ``train_on_batch``, ``compute_gradients`` and
``evaluate`` report and differentiate includes every Dense layer's ``kernel_regularizer`` penalty
(eq. nn.l2.2), as Keras's does; :class:`~companion.nn.layers.Dropout` layers drop units while training
(``fit``, ``train_on_batch``) and are the identity in ``predict``, ``evaluate`` and validation.

Non-finite loss: if a batch's loss is NaN or infinite, ``fit`` raises :class:`NonFiniteLossError`
(a ``FloatingPointError``) *without* applying that batch's update, so the model keeps the weights of
the last step whose loss was finite; ``history`` up to the previous epoch is on the exception.
"""

from __future__ import annotations

import math
import sys
import time
from numbers import Real
from collections.abc import Callable, Sequence
from os import PathLike

import numpy as np
from numpy.typing import DTypeLike, NDArray

from companion.nn import losses as _losses
from companion.nn import metrics as _metrics
from companion.nn import optimizers as _optimizers
from companion.nn import serialization as _serialization
from companion.nn._validation import check_positive_int, check_verbose, check_x, check_y
from companion.nn.callbacks import Callback, History
from companion.nn.layers import Dense, Dropout, Input
from companion.nn.progress import EpochProgress, format_logs
from companion.seed import _check_seed

__all__ = ["NonFiniteLossError", "NotCompiledError", "Sequential"]


class NotCompiledError(RuntimeError, ValueError):
    """``fit``/``evaluate``/``train_on_batch`` before ``compile``.

    A ``RuntimeError`` like Keras's, and also a ``ValueError`` (the engine's convention for misuse).
    """


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


class Sequential:
    """A linear stack of :class:`~companion.nn.layers.Dense` (and :class:`~companion.nn.layers.Dropout`) layers.

    Parameters
    ----------
    layers : sequence of Dense and Dropout (optionally starting with an Input), optional
    name : str, default "sequential"
    dtype : {"float32", "float64"}, default "float32"
        Floating type of weights and computations; ``"float64"`` for gradient checking.
    seed : int or numpy.random.Generator, optional
        Source of randomness for weight initialisation *and* shuffling; the same seed gives the same run.

    Examples
    --------
    >>> from companion import nn
    >>> model = nn.Sequential(
    ...     [nn.Dense(4, activation="relu", input_shape=(3,)), nn.Dense(2, activation="softmax")], seed=0
    ... )
    >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    >>> [w.shape for w in model.get_weights()]
    [(3, 4), (4,), (4, 2), (2,)]
    """

    def __init__(
        self,
        layers: Sequence[Dense | Input] | None = None,
        name: str = "sequential",
        dtype: DTypeLike = "float32",
        seed: int | np.random.Generator | None = None,
    ) -> None:
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
        if isinstance(seed, np.random.Generator):
            self.rng = seed
        else:
            self.rng = np.random.default_rng(None if seed is None else _check_seed(seed))
        self.name = name
        self.layers: list[Dense | Dropout] = []
        self.input_dim: int | None = None
        self.optimizer: _optimizers.Optimizer | None = None
        self.loss: _losses.Loss | None = None
        self.metrics: list[_metrics.Accuracy] = []
        self.stop_training = False
        for layer in layers or []:
            self.add(layer)

    # ------------------------------------------------------------------ structure
    def add(self, layer: Dense | Dropout | Input) -> None:
        """Append a layer (or, first, an :class:`~companion.nn.layers.Input`)."""
        if isinstance(layer, Input):
            if self.layers:
                raise ValueError("an Input can only come first")
            self.input_dim = layer.shape[0]
            return
        if not isinstance(layer, (Dense, Dropout)):
            raise TypeError(
                f"layers must be nn.Dense or nn.Dropout (or a first nn.Input), got {type(layer).__name__}"
            )
        if not self.layers and self.input_dim is None:
            self.input_dim = layer.input_dim
        self.layers.append(layer)
        if self.input_dim is not None:
            self.build(self.input_dim)

    @property
    def built(self) -> bool:
        return bool(self.layers) and all(layer.built for layer in self.layers)

    def build(self, input_dim: int) -> None:
        """Create the weights of every layer not built yet, for ``input_dim`` input features."""
        self.input_dim = check_positive_int("input_dim", input_dim)
        if not self.layers:
            return
        n_in = self.input_dim
        for layer in self.layers:
            if not layer.built:
                layer.build(n_in, self.dtype, self.rng)
            elif layer.input_dim != n_in:
                raise ValueError(
                    f"layer {layer.name!r} was built for {layer.input_dim} inputs, but the layer below "
                    f"gives {n_in}"
                )
            n_in = layer.units
        self._pack()
        if self.optimizer is not None:
            self.optimizer.build([self.theta])  # new weights, fresh optimizer state

    def _pack(self) -> None:
        """Gather every weight into one parameter vector :math:`\\theta` (eq. nn.model.2).

        Each layer's ``kernel`` and ``bias`` become views (same shapes) into ``self.theta``.  The update
        rules of all optimizers act element by element, so one step on :math:`\\theta` with the
        concatenated gradient is exactly the same arithmetic as one step per array, in 12 NumPy calls
        instead of 72 for the article's network (which matters at batch 32).
        """
        arrays = [w for layer in self.layers for w in layer.weights]
        theta = np.concatenate([w.astype(self.dtype, copy=False).ravel() for w in arrays]
                               or [np.zeros(0, self.dtype)])  # no weights yet: only Dropout so far
        offset = 0
        for layer in self.layers:
            if not layer.weights:  # Dropout
                continue
            views = []
            for w in layer.weights:
                views.append(theta[offset:offset + w.size].reshape(w.shape))
                offset += w.size
            layer.kernel = views[0]
            if layer.use_bias:
                layer.bias = views[1]
        self.theta = theta

    @property
    def output_dim(self) -> int:
        """Number of outputs: the units of the last Dense layer (Dropout keeps the width)."""
        return next((layer.units for layer in reversed(self.layers) if isinstance(layer, Dense)),
                    self.input_dim)

    @property
    def weights(self) -> list[NDArray]:
        """The weight arrays themselves (``[kernel, bias]`` per layer); prefer :meth:`get_weights`."""
        return [w for layer in self.layers for w in layer.weights]

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self.layers)

    def get_weights(self) -> list[NDArray]:
        """Copies of ``[kernel (in, out), bias (out,)]`` for every layer, first layer first (Keras order)."""
        return [w.copy() for w in self.weights]

    def set_weights(self, weights: Sequence[NDArray]) -> None:
        """Copy ``weights`` (as from :meth:`get_weights` or Keras's ``get_weights``) into the model.

        Raises
        ------
        ValueError
            If the model is not built, or the number or shapes of the arrays differ; nothing is changed then.
        """
        self._require_built("set_weights")
        own = self.weights
        weights = list(weights)
        if len(weights) != len(own):
            raise ValueError(
                f"set_weights expected a list of {len(own)} arrays ([kernel, bias] for each of "
                f"{len(self.layers)} layers), got {len(weights)}"
            )
        new = [np.asarray(w) for w in weights]
        for i, (mine, theirs) in enumerate(zip(own, new)):
            if mine.shape != theirs.shape:
                raise ValueError(
                    f"set_weights: array {i} must have shape {mine.shape}, got {theirs.shape}"
                )
        for mine, theirs in zip(own, new):
            mine[...] = theirs

    def _require_built(self, what: str) -> None:
        if not self.layers:
            raise ValueError(f"{what}: the model has no layers; add nn.Dense layers first")
        if not self.built:
            raise ValueError(
                f"{what}: the model is not built yet; give the first layer input_shape=(n_features,) "
                "or call fit/predict/build first"
            )

    def summary(self, print_fn: Callable[[str], None] | None = None) -> None:
        """Print a table of layers, output shapes and parameter counts (Keras's layout, plain text)."""
        self._require_built("summary")
        out = print_fn or (lambda line: print(line, file=sys.stdout))
        rule, width = "_" * 78, (33, 18, 12, 15)
        head = ("Layer (type)", "Output Shape", "Activation", "Param #")
        out(f'Model: "{self.name}"')
        out(rule)
        out(" " + "".join(h.ljust(w) for h, w in zip(head[:3], width)) + head[3].rjust(width[3]))
        out("=" * 78)
        for i, layer in enumerate(self.layers):
            kind, act = ("Dense", layer.activation.name) if isinstance(layer, Dense) else ("Dropout", "")
            cells = (f"{layer.name} ({kind})", f"(None, {layer.units})", act)
            params = f"{layer.count_params():,}".rjust(width[3])
            out(" " + "".join(c.ljust(w) for c, w in zip(cells, width)) + params)
            if i < len(self.layers) - 1:
                out("")
        n = self.count_params()
        size = n * self.dtype.itemsize
        out("=" * 78)
        out(f"Total params: {n:,} ({size / 1024:.2f} KB, {self.dtype.name})")
        out(f"Trainable params: {n:,} ({size / 1024:.2f} KB)")
        out("Non-trainable params: 0 (0.00 B)")
        out(rule)

    # ------------------------------------------------------------------ compile
    def compile(
        self,
        optimizer: str | _optimizers.Optimizer = "rmsprop",
        loss: str | _losses.Loss | None = None,
        metrics: Sequence[str | _metrics.Accuracy] | None = None,
    ) -> None:
        """Choose the optimizer, the loss and the metrics (strings or objects, as in Keras).

        Raises
        ------
        ValueError, TypeError
            For unknown names (the message lists the known ones) or a missing loss.
        """
        optimizer = _optimizers.get(optimizer)
        if loss is None:
            raise ValueError(f"compile needs a loss, e.g. 'sparse_categorical_crossentropy'; known: "
                             f"{sorted(_losses._REGISTRY)}")
        loss = _losses.get(loss)
        if metrics is not None and (isinstance(metrics, str) or not isinstance(metrics, Sequence)):
            raise TypeError(f"metrics must be a list such as ['accuracy'], got {metrics!r}")
        resolved = [_metrics.get(m) for m in metrics or []]
        self.optimizer, self.loss, self.metrics = optimizer, loss, resolved

    def _require_compiled(self, what: str) -> None:
        if self.loss is None or self.optimizer is None:
            raise NotCompiledError(
                f"{what}: the model must be compiled first; call model.compile(optimizer=..., loss=...)"
            )

    def _uses_logits(self) -> bool:
        """Whether the loss is computed from the last layer's pre-activation, as Keras does (nn.loss.2)."""
        loss = self.loss
        return (not loss.from_logits and loss.logits_of is not None
                and isinstance(self.layers[-1], Dense)
                and self.layers[-1].activation.name == loss.logits_of)

    # ------------------------------------------------------------------ one step
    def _forward(self, x: NDArray, training: bool = False) -> NDArray:
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    @property
    def losses(self) -> list[float]:
        """The penalties of the layers' ``kernel_regularizer`` at the current weights (Keras's ``model.losses``)."""
        return [layer.kernel_regularizer(layer.kernel) for layer in self.layers
                if getattr(layer, "kernel_regularizer", None) is not None]

    def _add_penalties(self, loss: NDArray, n: int, per_example: bool) -> NDArray:
        """Add each ``kernel_regularizer`` penalty to ``loss`` and its gradient to the kernel's (eq. nn.l2.2).

        With ``per_example`` the layers hold :math:`n` terms that *sum* to the batch gradient, so each
        term gets :math:`\\nabla R / n`.
        """
        for layer in self.layers:
            reg = getattr(layer, "kernel_regularizer", None)
            if reg is not None:
                loss = loss + reg(layer.kernel)
                grad = reg.gradient(layer.kernel)
                layer.grads[0] += grad / n if per_example else grad
        return loss

    def _loss_and_backward(self, x: NDArray, y: NDArray, loss_fn: _losses.Loss, logits: bool,
                           per_example: bool = False, training: bool = True) -> tuple[NDArray, NDArray]:
        """Forward, loss (with penalties) and back-propagation; leaves the gradients in each layer's ``grads``.

        ``training`` is passed to the layers (Dropout drops units only then).
        """
        layers = self.layers
        out = self._forward(x, training)
        last = layers[-1]
        if logits:
            loss, delta = loss_fn.value_and_gradient(y, last._z)
            grad = last.backward_preactivation(delta, len(layers) > 1, per_example)
        else:
            loss, grad = loss_fn.value_and_gradient(y, out)
            grad = last.backward(grad, len(layers) > 1, per_example)
        for i in range(len(layers) - 2, -1, -1):
            grad = layers[i].backward(grad, i > 0, per_example)
        return self._add_penalties(loss, len(x), per_example), out

    def _training_loss(self) -> tuple[_losses.Loss, bool]:
        logits = self._uses_logits()
        return (self.loss.with_logits() if logits else self.loss), logits

    def _gradients(self) -> list[NDArray]:
        return [g for layer in self.layers for g in layer.grads]

    def _step(self) -> None:
        """Optimizer step on :math:`\\theta` with the concatenated gradient (eq. nn.model.2)."""
        grad = np.concatenate([g.ravel() for layer in self.layers for g in layer.grads])
        self.optimizer.apply([grad], [self.theta])

    def _prepare(
        self, x: object, y: object, what: str, x_name: str = "x", y_name: str = "y"
    ) -> tuple[NDArray, NDArray]:
        if not self.layers:
            raise ValueError(f"{what}: the model has no layers; add nn.Dense layers first")
        x = check_x(x, self.input_dim, self.dtype, x_name)
        if y is None:
            raise ValueError(f"{what}: {y_name} (the targets) must be given")
        y = check_y(y, len(x), self.output_dim, self.loss.sparse, self.dtype, y_name, x_name)
        return x, y

    def compute_gradients(
        self, x: NDArray, y: NDArray, per_example: bool = False, training: bool = False
    ) -> tuple[float, list[NDArray]]:
        """Loss on ``(x, y)`` and its gradient with respect to every weight, without changing anything.

        The gradient is the mean of the per-example gradients (chapter 3, eq-ch3-minibatch).

        Parameters
        ----------
        per_example : bool, default False
            Return, for each weight array, an array with one leading axis of length ``n``: the gradient of
            each sample's own loss :math:`\\ell_i` (eq. nn.dense.3), e.g. for per-example clipping in
            differentially private SGD.  Their mean over the first axis is the batch gradient.
            A ``kernel_regularizer``'s gradient is added to every sample's gradient, so that the mean
            is still the gradient of the total loss (eq. nn.l2.2).
        training : bool, default False
            Run Dropout layers in training mode (a fresh random mask, as ``fit`` does); the default
            uses the deterministic inference network, so that repeated calls (e.g. gradient checks)
            see the same function.

        Returns
        -------
        loss : float
            Including the regularisation penalties (eq. nn.l2.2), as Keras's loss does.
        gradients : list of ndarray
            In the order of :meth:`get_weights`.
        """
        self._require_compiled("compute_gradients")
        x, y = self._prepare(x, y, "compute_gradients")
        if not self.built:
            self.build(x.shape[1])
        loss_fn, logits = self._training_loss()
        loss, _ = self._loss_and_backward(x, y, loss_fn, logits, per_example, training)
        grads = self._gradients()
        if per_example:
            grads = [g * len(x) for g in grads]
        return float(loss), [g.copy() for g in grads]

    def train_on_batch(self, x: NDArray, y: NDArray) -> float | list[float]:
        """One optimizer step on one batch; returns the loss (and metrics) before the step, like Keras."""
        self._require_compiled("train_on_batch")
        x, y = self._prepare(x, y, "train_on_batch")
        if not self.built:
            self.build(x.shape[1])
        loss_fn, logits = self._training_loss()
        fns = self._metric_functions()
        loss, out = self._loss_and_backward(x, y, loss_fn, logits)
        if not math.isfinite(loss):
            raise NonFiniteLossError(f"the loss is {float(loss)}; the step was not applied", 0, 0, History())
        self._step()
        values = [float(loss)] + [float(np.mean(fn(y, out))) for fn in fns]
        return values[0] if len(values) == 1 else values

    def _metric_functions(self) -> list:
        binary = isinstance(self.loss, _losses.BinaryCrossentropy)
        return [m.resolve(self.loss.sparse, self.output_dim, binary) for m in self.metrics]

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        x: NDArray | None = None,
        y: NDArray | None = None,
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
        """Train for ``epochs - initial_epoch`` epochs, eq. (nn.model.1); returns a :class:`History`.

        Parameters
        ----------
        x : array_like of shape (n, features)
        y : array_like
            Integer labels ``(n,)`` for the sparse loss, else targets ``(n, outputs)``.
        batch_size : int, optional
            Default (``None``) 32; the last batch of an epoch keeps the remaining samples.
        epochs : int, default 1
        verbose : {"auto", 0, 1, 2}
            ``"auto"`` and 1: a progress bar per epoch; 2: one line per epoch; 0: silent.  On stdout.
        callbacks : list of Callback, optional
        validation_split : float in [0, 1), default 0
            Fraction of samples held out for validation: the *last* ones, taken before shuffling.
        validation_data : (x_val, y_val), optional
            Overrides ``validation_split``.
        shuffle : bool, default True
            Reshuffle the training samples before every epoch (with the model's ``seed``).
        initial_epoch : int, default 0
        validation_batch_size : int, optional
            Default ``batch_size``.

        Returns
        -------
        History
            ``history.history["loss"]``, metric names, and ``"val_"`` versions when validating.

        Raises
        ------
        ValueError, TypeError
            For bad arguments, before anything changes.
        RuntimeError
            If the model was not compiled.
        NonFiniteLossError
            If the loss becomes NaN or infinite (weights stay at the last finite step).
        """
        self._require_compiled("fit")
        batch_size = 32 if batch_size is None else check_positive_int("batch_size", batch_size)
        epochs = check_positive_int("epochs", epochs)
        verbose = check_verbose(verbose)
        if isinstance(initial_epoch, bool) or not isinstance(initial_epoch, (int, np.integer)) \
                or not 0 <= initial_epoch < epochs:
            raise ValueError(
                f"initial_epoch must be an integer in [0, epochs={epochs}), got {initial_epoch!r}"
            )
        val_batch = batch_size if validation_batch_size is None else check_positive_int(
            "validation_batch_size", validation_batch_size)
        if isinstance(validation_split, bool) or not isinstance(validation_split, Real) \
                or not 0 <= validation_split < 1:
            raise ValueError(f"validation_split must be a number in [0, 1), got {validation_split!r}")
        callbacks = list(callbacks or [])
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks must be nn.callbacks.Callback objects, got {type(cb).__name__}")
        x, y = self._prepare(x, y, "fit")
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("validation_data must be a tuple (x_val, y_val)")
            x_val = check_x(validation_data[0], x.shape[1], self.dtype, "validation_data[0]")
            y_val = check_y(validation_data[1], len(x_val), self.output_dim, self.loss.sparse, self.dtype,
                            "validation_data[1]", "validation_data[0]")
        elif validation_split:
            split = int(math.floor(len(x) * (1 - validation_split)))
            if split == 0 or split == len(x):
                raise ValueError(
                    f"validation_split={validation_split} leaves no training or no validation samples "
                    f"out of {len(x)}"
                )
            x, x_val, y, y_val = x[:split], x[split:], y[:split], y[split:]
        else:
            x_val = y_val = None

        # Everything is valid: from here on the model changes.
        if not self.built:
            self.build(x.shape[1])
        history = History()
        callbacks = [history, *callbacks]
        n = len(x)
        steps = -(-n // batch_size)
        history.params = {"epochs": epochs, "steps": steps, "verbose": verbose}
        for cb in callbacks:
            cb.set_model(self)
        self.stop_training = False
        for cb in callbacks:
            cb.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            for cb in callbacks:
                cb.on_epoch_begin(epoch)
            # Overflow inside a diverging step shows up as a non-finite loss, reported by
            # NonFiniteLossError; NumPy's RuntimeWarnings about it would only add noise.
            progress = EpochProgress(epoch, epochs, steps, verbose)
            try:
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    logs = self._run_epoch(x, y, batch_size, shuffle, progress, history)
            except BaseException:  # NonFiniteLossError, KeyboardInterrupt, ...: end the bar's line
                progress.abort()
                raise
            if x_val is not None:
                val = self._evaluate_arrays(x_val, y_val, val_batch)
                logs.update({f"val_{k}": v for k, v in val.items()})
            logs = dict(sorted(logs.items(), key=lambda kv: kv[0].startswith("val_")))
            progress.close(steps, logs)
            for cb in callbacks:
                cb.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        for cb in callbacks:
            cb.on_train_end()
        return history

    def _run_epoch(
        self, x: NDArray, y: NDArray, batch_size: int, shuffle: bool, progress: EpochProgress,
        history: History,
    ) -> dict[str, float]:
        """One pass over the training data; returns ``{"loss": ..., metric: ...}``."""
        # A fresh permutation each epoch; batches gather their rows from it (no reshuffled copy of x).
        order = self.rng.permutation(len(x)) if shuffle else None
        loss_fn, logits = self._training_loss()
        fns = self._metric_functions()
        names = [m.name for m in self.metrics]
        correct = [0] * len(fns)
        counted = [0] * len(fns)
        loss_sum, seen = 0.0, 0
        for step, start in enumerate(range(0, len(x), batch_size)):
            if order is None:
                xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            else:
                rows = order[start:start + batch_size]
                xb, yb = x[rows], y[rows]
            loss, out = self._loss_and_backward(xb, yb, loss_fn, logits)
            if not math.isfinite(loss):
                raise NonFiniteLossError(
                    f"the training loss became {float(loss)} in {progress.title.lower()}, batch {step + 1}; "
                    "training stopped and the weights are those of the last step with a finite loss "
                    "(try a smaller learning rate, or scale the inputs)",
                    progress.epoch, step, history,
                )
            self._step()
            nb = len(xb)
            loss_sum += float(loss) * nb
            seen += nb
            for i, fn in enumerate(fns):
                hits = fn(yb, out)
                correct[i] += int(np.count_nonzero(hits))
                counted[i] += hits.size
            if time.perf_counter() >= progress.next_update:
                progress.update(step + 1, self._logs(loss_sum, seen, names, correct, counted))
        return self._logs(loss_sum, seen, names, correct, counted)

    @staticmethod
    def _logs(loss_sum, seen, names, correct, counted) -> dict:
        logs = {"loss": loss_sum / seen}
        for name, c, k in zip(names, correct, counted):
            logs[name] = c / k
        return logs

    # ------------------------------------------------------------------ inference
    def _evaluate_arrays(self, x: NDArray, y: NDArray, batch_size: int) -> dict:
        loss_fn, logits = self._training_loss()
        fns = self._metric_functions()
        loss_sum, correct, counted = 0.0, [0] * len(fns), [0] * len(fns)
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            out = self._forward(xb)
            loss_sum += float(loss_fn(yb, self.layers[-1]._z if logits else out)) * len(xb)
            for i, fn in enumerate(fns):
                hits = fn(yb, out)
                correct[i] += int(np.count_nonzero(hits))
                counted[i] += hits.size
        loss_sum += float(sum(self.losses)) * len(x)  # every batch's loss includes the penalties (nn.l2.2)
        return self._logs(loss_sum, len(x), [m.name for m in self.metrics], correct, counted)

    def evaluate(
        self, x: NDArray, y: NDArray, batch_size: int | None = None, verbose: int | str = "auto",
        return_dict: bool = False,
    ) -> float | list[float] | dict[str, float]:
        """Loss and metrics on ``(x, y)``: ``[loss, metric, ...]`` (a float if no metrics), like Keras.

        ``verbose`` 1 (``"auto"``) prints one line ``loss: ... - accuracy: ...`` to stdout.
        """
        self._require_compiled("evaluate")
        batch_size = 32 if batch_size is None else check_positive_int("batch_size", batch_size)
        verbose = check_verbose(verbose)
        x, y = self._prepare(x, y, "evaluate")
        self._require_built("evaluate")
        logs = self._evaluate_arrays(x, y, batch_size)
        if verbose:
            print(format_logs(logs), file=sys.stdout)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x: NDArray, batch_size: int | None = None, verbose: int | str = 0) -> NDArray:
        """Outputs of the last layer for ``x``, computed in batches of ``batch_size`` (default 32)."""
        batch_size = 32 if batch_size is None else check_positive_int("batch_size", batch_size)
        check_verbose(verbose)
        if not self.layers:
            raise ValueError("predict: the model has no layers; add nn.Dense layers first")
        x = check_x(x, self.input_dim, self.dtype)
        if not self.built:
            self.build(x.shape[1])
        return np.concatenate([self._forward(x[s:s + batch_size]) for s in range(0, len(x), batch_size)])

    __call__ = predict

    def input_gradient(self, x: NDArray, target: object = None, of: str = "probability") -> NDArray:
        """Gradient of one output per sample with respect to that sample's input (eq. nn.model.3).

        For each row :math:`\\mathbf{x}_i` of ``x`` and its target class :math:`c_i`,

        .. math::
            \\mathbf{g}_i = \\frac{\\partial\\, s_{c_i}(\\mathbf{x}_i)}{\\partial \\mathbf{x}_i}, \\qquad
            s = \\hat{\\mathbf{y}} \\text{ (probability)}, \\ \\mathbf{z}^{(L)} \\text{ (logit)}
            \\text{ or } \\ell \\text{ (the sample's own loss)},
            \\tag{nn.model.3}

        obtained by back-propagating a one-hot seed at the output (or the loss gradient) through
        every layer down to the input, eq. (nn.dense.2). This is what saliency maps, integrated
        gradients and adversarial examples need; the weights and the optimizer are not changed.

        Parameters
        ----------
        x : array_like of shape (n, input_dim)
        target : int or array_like of n ints, optional
            The output unit per sample (for ``of="probability"`` or ``"logit"``; default: the
            predicted class), or the labels (for ``of="loss"``, required, as ``fit`` takes them).
        of : {"probability", "logit", "loss"}, default "probability"
            Which scalar to differentiate: the last layer's output, its pre-activation, or the
            sample's own loss :math:`\\ell_i` under the compiled loss (not divided by ``n``).

        Returns
        -------
        ndarray of shape (n, input_dim)
            One gradient per row, in the model's dtype.

        Raises
        ------
        ValueError
            If ``of`` is not one of the three names, ``target`` is out of range or of the wrong
            length, or the model has no layers (``of="loss"``: is not compiled).

        Examples
        --------
        >>> from companion import nn
        >>> m = nn.Sequential([nn.Input(shape=(2,)), nn.Dense(3, activation="softmax")], seed=0)
        >>> m.input_gradient([[0.5, -1.0]], target=[1], of="logit").shape
        (1, 2)
        """
        if of not in ("probability", "logit", "loss"):
            raise ValueError(f"of must be 'probability', 'logit' or 'loss', got {of!r}")
        if not self.layers:
            raise ValueError("input_gradient: the model has no layers; add nn.Dense layers first")
        if of == "loss":
            self._require_compiled("input_gradient(of='loss')")
            x, y = self._prepare(x, target, "input_gradient", y_name="target")
            if not self.built:
                self.build(x.shape[1])
            loss_fn, logits = self._training_loss()
            grad_out = None
        else:
            x = check_x(x, self.input_dim, self.dtype)
            if not self.built:
                self.build(x.shape[1])
            out = self._forward(x)
            if target is None:
                target = np.argmax(out, axis=1)
            t = np.broadcast_to(np.asarray(target), (len(x),)) if np.ndim(target) == 0 else np.asarray(target)
            if t.shape != (len(x),) or not np.issubdtype(t.dtype, np.integer):
                raise ValueError(f"target must be an int or {len(x)} ints (one per row of x), got {target!r}")
            if t.min() < 0 or t.max() >= self.output_dim:
                raise ValueError(f"target must be in [0, {self.output_dim}), got values from {t.min()} to {t.max()}")
            grad_out = np.zeros_like(out)
            grad_out[np.arange(len(x)), t] = 1.0
        layers = self.layers
        last = layers[-1]
        if grad_out is None:  # the loss: the training path, per example (undo the 1/n of the mean)
            out = self._forward(x)
            if logits:
                _, delta = loss_fn.value_and_gradient(y, last._z)
                grad = last.backward_preactivation(delta * len(x), True)
            else:
                _, g = loss_fn.value_and_gradient(y, out)
                grad = last.backward(g * len(x), True)
        elif of == "logit":
            grad = last.backward_preactivation(grad_out, True)
        else:
            grad = last.backward(grad_out, True)
        for i in range(len(layers) - 2, -1, -1):
            grad = layers[i].backward(grad, True)
        return grad

    # ------------------------------------------------------------------ files
    def get_config(self) -> dict:
        """Architecture: input size, dtype and each layer's configuration."""
        return {
            "input_dim": self.input_dim,
            "dtype": self.dtype.name,
            "layers": [layer.get_config() for layer in self.layers],
        }

    def save_weights(self, path: str | PathLike) -> None:
        """Save the weights and the architecture to an ``.npz`` file (:mod:`companion.nn.serialization`)."""
        _serialization.save_weights(self, path)

    def load_weights(self, path: str | PathLike) -> None:
        """Load weights saved by :meth:`save_weights`; refuses files of another architecture."""
        _serialization.load_weights(self, path)

    def __repr__(self) -> str:
        return f"Sequential({self.layers!r}, dtype={self.dtype.name!r})"
