"""``Sequential``: a stack of Dense layers with Keras's ``compile`` / ``fit`` / ``evaluate`` / ``predict``.

One training step on a batch :math:`(X, y)` of :math:`B` samples is

.. math::
    A^{[0]} = X,\\quad A^{[l]} = f^{[l]}\\big(A^{[l-1]} W^{[l]} + \\mathbf{b}^{[l]}\\big)
    \\;\\text{(forward, nn.dense.1)}, \\quad
    \\mathcal{L} = \\tfrac1B \\textstyle\\sum_i \\ell_i \\;\\text{(nn.loss.0)}, \\quad
    \\text{back-propagation (nn.dense.2)}, \\quad \\text{optimizer step (nn.adam.1, ...)}
    \\tag{nn.model.1}

All weights live in one parameter vector
:math:`\\boldsymbol\\theta = (\\operatorname{vec} W^{[1]}, \\mathbf{b}^{[1]}, \\ldots)` (the layers'
``kernel`` and ``bias`` are views of it), and the optimizer updates :math:`\\boldsymbol\\theta` with
the concatenated gradient :math:`\\nabla_{\\boldsymbol\\theta}\\mathcal{L}` (nn.model.2), exactly the
element-wise rules of :mod:`companion.nn.optimizers` applied to all weights at once.

This module is the container: layers, weights, ``compile``, ``predict`` and ``summary``.  The step
itself (forward, loss, back-propagation, update) is :mod:`companion.nn.step`; the epoch loop and
evaluation behind ``fit``, ``evaluate`` and ``train_on_batch`` are :mod:`companion.nn.training`
(batches, the epoch's loss and metrics, eq. nn.model.4); the table of ``summary`` is
:mod:`companion.nn.summary`.

Regularisation and dropout: the loss that ``fit``, ``train_on_batch``, ``compute_gradients`` and
``evaluate`` report and differentiate includes every Dense layer's ``kernel_regularizer`` penalty
(eq. nn.l2.2), as Keras's does; :class:`~companion.nn.layers.Dropout` layers drop units while training
(``fit``, ``train_on_batch``) and are the identity in ``predict``, ``evaluate`` and validation.

Non-finite loss: if a batch's loss is NaN or infinite, ``fit`` raises
:class:`~companion.nn.training.NonFiniteLossError` (a ``FloatingPointError``) *without* applying that
batch's update, so the model keeps the weights of the last step whose loss was finite.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from os import PathLike
from typing import Literal, cast, overload

import numpy as np
from numpy.typing import DTypeLike, NDArray

from companion._validation import check_positive_int, check_rng, check_verbose, check_x, describe
from companion.nn import losses as _losses
from companion.nn import metrics as _metrics
from companion.nn import optimizers as _optimizers
from companion.nn import serialization as _serialization
from companion.nn import step as _step
from companion.nn import summary as _summary
from companion.nn import training as _training
from companion.nn.callbacks import Callback, History
from companion.nn.layers import Dense, Dropout, Input
from companion.nn.step import NotCompiledError
from companion.nn.training import NonFiniteLossError

__all__ = ["NonFiniteLossError", "NotCompiledError", "Sequential"]


def _float_dtype(dtype: object) -> np.dtype:
    """``dtype`` as ``float32`` or ``float64``, the two types the engine computes in."""
    try:
        name = np.dtype(dtype).name  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(
            f"dtype must be 'float32' or 'float64', got {describe(dtype)}"
        ) from None
    if name not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    return np.dtype(name)


class Sequential:
    """A linear stack of :class:`~companion.nn.layers.Dense` (and :class:`~companion.nn.layers.Dropout`)
    layers.

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
        self.dtype = _float_dtype(dtype)
        self.rng = check_rng(seed, "seed")
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
                f"layers must be nn.Dense or nn.Dropout (or a first nn.Input), got {describe(layer)}"
            )
        if not self.layers and self.input_dim is None:
            self.input_dim = layer.input_dim
        self.layers.append(layer)
        if self.input_dim is not None:
            self.build(self.input_dim)

    @property
    def built(self) -> bool:
        """Whether the model has layers and all their weights exist (see :meth:`require_built`)."""
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
            n_in = cast(int, layer.units)
        self._pack()
        if self.optimizer is not None:
            self.optimizer.build([self.theta])  # new weights, fresh optimizer state

    def _pack(self) -> None:
        """Gather every weight into one parameter vector :math:`\\boldsymbol\\theta` (eq. nn.model.2).

        Each layer's ``kernel`` and ``bias`` become views (same shapes) into ``self.theta``.  The update
        rules of all optimizers act element by element, so one step on :math:`\\boldsymbol\\theta` with the
        concatenated gradient is exactly the same arithmetic as one step per array, in 12 NumPy calls
        instead of 72 for the article's network (which matters at batch 32).
        """
        arrays = [w for layer in self.layers for w in layer.weights]
        theta = np.concatenate([w.astype(self.dtype, copy=False).ravel() for w in arrays]
                               or [np.zeros(0, self.dtype)])  # no weights yet: only Dropout so far
        offset = 0
        for layer in self.layers:
            if not isinstance(layer, Dense):  # Dropout has no weights
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
        units = next((layer.units for layer in reversed(self.layers) if isinstance(layer, Dense)),
                     self.input_dim)
        return cast(int, units)  # None only for a model with no layers and no Input

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
        self.require_built("set_weights")
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

    def require_built(self, what: str) -> None:
        """Raise ``ValueError`` unless the model has layers and their weights exist.

        ``what`` names the operation in the message (``"save_weights: the model is not built yet; ..."``).
        Methods that need weights call it before they change anything.
        """
        _step.require_layers(self, what)
        if not self.built:
            raise ValueError(
                f"{what}: the model is not built yet; give the first layer input_shape=(n_features,) "
                "or call fit/predict/build first"
            )

    def summary(self, print_fn: Callable[[str], None] | None = None) -> None:
        """Print a table of layers, output shapes and parameter counts (Keras's layout, plain text).

        See :func:`companion.nn.summary.print_summary`.
        """
        self.require_built("summary")
        _summary.print_summary(self, print_fn)

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
        resolved_optimizer = _optimizers.get(optimizer)
        if loss is None:
            raise ValueError(f"compile needs a loss, e.g. 'sparse_categorical_crossentropy'; known: "
                             f"{_losses.names()}")
        resolved_loss = _losses.get(loss)
        if metrics is not None and (isinstance(metrics, str) or not isinstance(metrics, Sequence)):
            raise TypeError(f"metrics must be a list such as ['accuracy'], got {describe(metrics)}")
        resolved = [_metrics.get(m) for m in metrics or []]
        self.optimizer, self.loss, self.metrics = resolved_optimizer, resolved_loss, resolved

    @property
    def losses(self) -> list[float]:
        """The penalties of the layers' ``kernel_regularizer`` at the current weights (Keras's
        ``model.losses``).
        """
        return [layer.kernel_regularizer(cast(NDArray, layer.kernel)) for layer in self.layers
                if isinstance(layer, Dense) and layer.kernel_regularizer is not None]

    # ------------------------------------------------------------------ training (companion.nn.training)
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
        return _step.compute_gradients(self, x, y, per_example, training)

    def train_on_batch(self, x: NDArray, y: NDArray) -> float | list[float]:
        """One optimizer step on one batch; returns the loss (and metrics) before the step, like Keras."""
        return _training.train_on_batch(self, x, y)

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
        return _training.fit(
            self, x, y, batch_size, epochs, verbose, callbacks, validation_split, validation_data,
            shuffle, initial_epoch, validation_batch_size,
        )

    @overload
    def evaluate(
        self, x: NDArray, y: NDArray, batch_size: int | None = None, verbose: int | str = "auto",
        return_dict: Literal[False] = False,
    ) -> float | list[float]: ...

    @overload
    def evaluate(
        self, x: NDArray, y: NDArray, batch_size: int | None = None, verbose: int | str = "auto",
        *, return_dict: Literal[True],
    ) -> dict[str, float]: ...

    def evaluate(
        self, x: NDArray, y: NDArray, batch_size: int | None = None, verbose: int | str = "auto",
        return_dict: bool = False,
    ) -> float | list[float] | dict[str, float]:
        """Loss and metrics on ``(x, y)``: ``[loss, metric, ...]`` (a float if no metrics), like Keras.

        ``verbose`` 1 (``"auto"``) prints one line ``loss: ... - accuracy: ...`` to stdout.
        """
        return _training.evaluate(self, x, y, batch_size, verbose, return_dict)

    # ------------------------------------------------------------------ inference
    def predict(self, x: NDArray, batch_size: int | None = None, verbose: int | str = 0) -> NDArray:
        """Outputs of the last layer for ``x``, computed in batches of ``batch_size`` (default 32)."""
        size = _training.batch_size_or_default(batch_size)
        check_verbose(verbose)
        _step.require_layers(self, "predict")
        x = check_x(x, self.input_dim, self.dtype)
        if not self.built:
            self.build(x.shape[1])
        return np.concatenate([_step.forward(self, x[s:s + size]) for s in range(0, len(x), size)])

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
        return _step.input_gradient(self, x, target, of)

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
