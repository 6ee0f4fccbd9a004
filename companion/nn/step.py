"""One training step of a :class:`~companion.nn.model.Sequential` model, eq. (nn.model.1).

On a batch :math:`(X, y)` of :math:`B` samples:

.. math::
    A^{[0]} = X,\\quad A^{[l]} = f^{[l]}\\big(A^{[l-1]} W^{[l]} + \\mathbf{b}^{[l]}\\big)
    \\;\\text{(forward, nn.dense.1)}, \\quad
    \\mathcal{L} = \\tfrac1B \\textstyle\\sum_i \\ell_i + \\textstyle\\sum_l R\\big(W^{[l]}\\big)
    \\;\\text{(nn.loss.0, nn.l2.2)}, \\quad
    \\text{back-propagation (nn.dense.2)}, \\quad \\boldsymbol\\theta \\leftarrow
    \\text{optimizer}(\\boldsymbol\\theta, \\nabla_{\\boldsymbol\\theta}\\mathcal{L}) \\;\\text{(nn.model.2)}

:func:`forward`, :func:`loss_and_backward` and :func:`apply_gradients` are those three parts; the
training loop (:mod:`companion.nn.training`), :meth:`~companion.nn.model.Sequential.compute_gradients`
and :meth:`~companion.nn.model.Sequential.input_gradient` are built from them.  When the output is a
softmax (sigmoid) and the loss a categorical (binary) cross-entropy, the loss is computed from the
last layer's pre-activation :math:`Z` and its gradient is :math:`\\hat y - y` (eq. nn.loss.2), as Keras
does (:func:`training_loss`).

The boundary checks every step-taking method shares also live here: :func:`require_layers`,
:func:`require_compiled` and :func:`prepare` (x and y checked once, before anything changes).

Examples
--------
>>> import numpy as np
>>> from companion import nn
>>> model = nn.article_model(num_inputs=3, num_hiddens=4, num_outputs=2, seed=0)
>>> x, y = np.ones((5, 3), dtype=np.float32), np.array([0, 1, 1, 0, 1])
>>> loss_fn, logits = training_loss(model)
>>> loss, out = loss_and_backward(model, x, y, loss_fn, logits)
>>> out.shape, [g.shape for g in model.layers[0].grads]
((5, 2), [(3, 4), (4,)])
>>> apply_gradients(model)
>>> model.optimizer.iterations
1
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_choice, check_x, check_y
from companion.nn import losses as _losses
from companion.nn.layers import Dense

if TYPE_CHECKING:
    from companion.nn.metrics import MetricFunction
    from companion.nn.model import Sequential
    from companion.nn.optimizers import Optimizer

__all__ = [
    "NotCompiledError",
    "add_penalties",
    "apply_gradients",
    "compute_gradients",
    "forward",
    "gradients",
    "input_gradient",
    "loss_and_backward",
    "metric_functions",
    "output_logits",
    "prepare",
    "require_compiled",
    "require_layers",
    "training_loss",
]


class NotCompiledError(RuntimeError, ValueError):
    """``fit``/``evaluate``/``train_on_batch`` before ``compile``.

    A ``RuntimeError`` like Keras's, and also a ``ValueError`` (the engine's convention for misuse).
    """


# ----------------------------------------------------------------------------- boundary checks
def require_layers(model: Sequential, what: str) -> None:
    """Raise ``ValueError`` if ``model`` has no layers (the one place that says so)."""
    if not model.layers:
        raise ValueError(f"{what}: the model has no layers; add nn.Dense layers first")


def require_compiled(model: Sequential, what: str) -> None:
    """Raise :class:`NotCompiledError` if ``model`` has no loss or optimizer yet."""
    if model.loss is None or model.optimizer is None:
        raise NotCompiledError(
            f"{what}: the model must be compiled first; call model.compile(optimizer=..., loss=...)"
        )


def prepare(
    model: Sequential, x: object, y: object, what: str, x_name: str = "x", y_name: str = "y"
) -> tuple[NDArray, NDArray]:
    """``x`` and ``y`` checked against the (compiled) model and converted to its dtype.

    Builds nothing and changes nothing: every error is raised before the model is touched.
    """
    require_layers(model, what)
    loss = cast(_losses.Loss, model.loss)
    x_arr = check_x(x, model.input_dim, model.dtype, x_name)
    if y is None:
        raise ValueError(f"{what}: {y_name} (the targets) must be given")
    y_arr = check_y(y, len(x_arr), model.output_dim, loss.sparse, model.dtype, y_name, x_name)
    return x_arr, y_arr


# ----------------------------------------------------------------------------- the step
def forward(model: Sequential, x: NDArray, training: bool = False) -> NDArray:
    """The output :math:`A^{(L)}` for ``x``, eq. (nn.dense.1) layer after layer.

    ``training`` is passed to the layers (Dropout drops units only then).
    """
    for layer in model.layers:
        x = layer.forward(x, training)
    return x


def training_loss(model: Sequential) -> tuple[_losses.Loss, bool]:
    """The loss the step differentiates, and whether it takes the last layer's logits (nn.loss.2).

    Keras computes a cross-entropy from the pre-activation of a softmax (sigmoid) output layer; so
    does the engine, with the loss's ``with_logits()`` form.
    """
    loss = cast(_losses.Loss, model.loss)
    last = model.layers[-1]
    logits = (not loss.from_logits and loss.logits_of is not None
              and isinstance(last, Dense) and last.activation.name == loss.logits_of)
    return (loss.with_logits() if logits else loss), logits


def output_logits(model: Sequential) -> NDArray:
    """The last layer's pre-activation :math:`Z^{(L)}` from the last forward pass (a Dense layer's)."""
    return cast(NDArray, cast(Dense, model.layers[-1]).z)


def add_penalties(model: Sequential, loss: NDArray, n: int, per_example: bool) -> NDArray:
    """Add each ``kernel_regularizer`` penalty to ``loss`` and its gradient to the kernel's (eq. nn.l2.2).

    With ``per_example`` the layers hold :math:`n` terms that *sum* to the batch gradient, so each
    term gets :math:`\\nabla R / n`.
    """
    for layer in model.layers:
        if isinstance(layer, Dense) and layer.kernel_regularizer is not None:
            reg, kernel = layer.kernel_regularizer, cast(NDArray, layer.kernel)
            loss = loss + reg(kernel)
            grad = reg.gradient(kernel)
            layer.grads[0] += grad / n if per_example else grad
    return loss


def loss_and_backward(
    model: Sequential, x: NDArray, y: NDArray, loss_fn: _losses.Loss, logits: bool,
    per_example: bool = False, training: bool = True,
) -> tuple[NDArray, NDArray]:
    """Forward, loss (with penalties) and back-propagation (eq. nn.dense.2).

    Leaves the gradients in each layer's ``grads`` and returns ``(loss, output)``.  ``loss_fn`` and
    ``logits`` come from :func:`training_loss`.
    """
    layers = model.layers
    out = forward(model, x, training)
    last = layers[-1]
    if logits:
        loss, delta = loss_fn.value_and_gradient(y, output_logits(model))
        grad = cast(Dense, last).backward_preactivation(delta, len(layers) > 1, per_example)
    else:
        loss, g = loss_fn.value_and_gradient(y, out)
        grad = last.backward(g, len(layers) > 1, per_example)
    for i in range(len(layers) - 2, -1, -1):
        grad = layers[i].backward(cast(NDArray, grad), i > 0, per_example)
    return add_penalties(model, loss, len(x), per_example), out


def gradients(model: Sequential) -> list[NDArray]:
    """The gradients left by :func:`loss_and_backward`, in the order of ``get_weights``."""
    return [g for layer in model.layers for g in layer.grads]


def apply_gradients(model: Sequential) -> None:
    """Optimizer step on :math:`\\theta` with the concatenated gradient (eq. nn.model.2).

    The update rules act element by element, so one step on the whole parameter vector is the same
    arithmetic as one step per weight array.
    """
    grad = np.concatenate([g.ravel() for layer in model.layers for g in layer.grads])
    cast("Optimizer", model.optimizer).apply([grad], [model.theta])


def metric_functions(model: Sequential) -> list[MetricFunction]:
    """The per-sample functions of the compiled metrics for this loss and output size."""
    loss = cast(_losses.Loss, model.loss)
    binary = isinstance(loss, _losses.BinaryCrossentropy)
    return [m.resolve(loss.sparse, model.output_dim, binary) for m in model.metrics]


# ----------------------------------------------------------------------------- gradients only
def compute_gradients(
    model: Sequential, x: object, y: object, per_example: bool = False, training: bool = False
) -> tuple[float, list[NDArray]]:
    """:meth:`Sequential.compute_gradients <companion.nn.model.Sequential.compute_gradients>`."""
    require_compiled(model, "compute_gradients")
    x_arr, y_arr = prepare(model, x, y, "compute_gradients")
    if not model.built:
        model.build(x_arr.shape[1])
    loss_fn, logits = training_loss(model)
    loss, _ = loss_and_backward(model, x_arr, y_arr, loss_fn, logits, per_example, training)
    grads = gradients(model)
    if per_example:
        grads = [g * len(x_arr) for g in grads]
    return float(loss), [g.copy() for g in grads]


def input_gradient(model: Sequential, x: object, target: object = None,
                   of: str = "probability") -> NDArray:
    """:meth:`Sequential.input_gradient <companion.nn.model.Sequential.input_gradient>`, eq. (nn.model.3)."""
    check_choice("of", of, ("probability", "logit", "loss"))
    require_layers(model, "input_gradient")
    layers = model.layers
    last = layers[-1]
    if of == "loss":
        require_compiled(model, "input_gradient(of='loss')")
        x_arr, y = prepare(model, x, target, "input_gradient", y_name="target")
        if not model.built:
            model.build(x_arr.shape[1])
        loss_fn, logits = training_loss(model)
        out = forward(model, x_arr)  # the loss: the training path, per example (undo the 1/n of the mean)
        if logits:
            _, delta = loss_fn.value_and_gradient(y, output_logits(model))
            grad = cast(Dense, last).backward_preactivation(delta * len(x_arr), True)
        else:
            _, g = loss_fn.value_and_gradient(y, out)
            grad = last.backward(g * len(x_arr), True)
    else:
        x_arr = check_x(x, model.input_dim, model.dtype)
        if not model.built:
            model.build(x_arr.shape[1])
        out = forward(model, x_arr)
        if target is None:
            target = np.argmax(out, axis=1)
        given = np.asarray(cast(ArrayLike, target))
        t = np.broadcast_to(given, (len(x_arr),)) if given.ndim == 0 else given
        if t.shape != (len(x_arr),) or not np.issubdtype(t.dtype, np.integer):
            raise ValueError(
                f"target must be an int or {len(x_arr)} ints (one per row of x), got {target!r}"
            )
        if t.min() < 0 or t.max() >= model.output_dim:
            raise ValueError(f"target must be in [0, {model.output_dim}), got values from {t.min()} "
                             f"to {t.max()}")
        grad_out = np.zeros_like(out)
        grad_out[np.arange(len(x_arr)), t] = 1.0
        if of == "logit":
            grad = cast(Dense, last).backward_preactivation(grad_out, True)
        else:
            grad = last.backward(grad_out, True)
    for i in range(len(layers) - 2, -1, -1):
        grad = layers[i].backward(cast(NDArray, grad), True)
    return cast(NDArray, grad)
