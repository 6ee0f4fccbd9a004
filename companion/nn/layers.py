"""The fully connected (Dense) layer, forward and backward.

Layer :math:`l` of a network, in the book's notation (the notation page): for a batch
:math:`A^{[l-1]}` of shape ``(B, n_in)`` (:math:`A^{[0]} = X` for the first layer), kernel
:math:`W^{[l]}` ``(n_in, units)`` and bias :math:`\\mathbf{b}^{[l]}` ``(units,)``, added to every row:

.. math:: Z^{[l]} = A^{[l-1]} W^{[l]} + \\mathbf{b}^{[l]}, \\qquad A^{[l]} = f^{[l]}\\big(Z^{[l]}\\big)
   \\tag{nn.dense.1}

Back-propagation receives :math:`G = \\partial\\mathcal{L}/\\partial A^{[l]}`, forms the error signal
:math:`\\delta^{[l]} = \\partial\\mathcal{L}/\\partial Z^{[l]}` by eq. (nn.act.0), and returns the
gradient for the layer below:

.. math::
    \\frac{\\partial \\mathcal{L}}{\\partial W^{[l]}} = A^{[l-1]\\top} \\delta^{[l]}, \\qquad
    \\frac{\\partial \\mathcal{L}}{\\partial \\mathbf{b}^{[l]}} = \\sum_{i} \\delta^{[l]}_{i}, \\qquad
    \\frac{\\partial \\mathcal{L}}{\\partial A^{[l-1]}} = \\delta^{[l]} W^{[l]\\top}
    \\tag{nn.dense.2}

where :math:`\\delta^{[l]}_i` is row :math:`i` of :math:`\\delta^{[l]}`.

**Per-example gradients.**  The sums over the batch in eq. (nn.dense.2) add one term per sample,
:math:`\\mathbf{a}^{[l-1]}_i \\otimes \\delta^{[l]}_i` and :math:`\\delta^{[l]}_i`.
``backward(..., per_example=True)`` keeps these terms apart (shapes ``(B, n_in, units)`` and
``(B, units)``); their sum over the first axis is the batch gradient.
Because the loss is a *mean*, the term of sample :math:`i` is :math:`\\nabla \\ell_i / B`
(:meth:`~companion.nn.model.Sequential.compute_gradients` with ``per_example=True`` returns the
:math:`\\nabla \\ell_i` themselves).  Differentially private SGD clips each :math:`\\nabla \\ell_i` to norm
:math:`C` and adds Gaussian noise before averaging:

.. math:: \\tilde{\\mathbf{g}} = \\frac{1}{B}\\Big(\\sum_{i=1}^{B} \\nabla \\ell_i \\,
   \\min\\big(1, C / \\lVert \\nabla \\ell_i \\rVert\\big) + \\mathcal{N}(0, \\sigma^2 C^2 I)\\Big)
   \\tag{nn.dense.3}

where :math:`\\lVert \\cdot \\rVert` is the norm over *all* weights of the model for that sample.

Examples
--------
>>> import numpy as np
>>> layer = Dense(2, activation="relu")
>>> layer.build(3, dtype="float64", rng=0)
>>> layer.forward(np.ones((4, 3))).shape
(4, 2)
>>> dx = layer.backward(np.ones((4, 2)))
>>> [g.shape for g in layer.grads], dx.shape
([(3, 2), (2,)], (4, 3))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
from numpy.typing import DTypeLike, NDArray

from companion._validation import check_positive_int, check_real, check_seed
from companion.nn import activations as _activations
from companion.nn import initializers as _initializers
from companion.nn import regularizers as _regularizers

__all__ = ["Dense", "Dropout", "Input"]


def _input_dim(input_shape: Sequence[int] | int | None, input_dim: int | None) -> int | None:
    if input_shape is not None and input_dim is not None:
        raise ValueError("give input_shape or input_dim, not both")
    if input_shape is not None:
        if isinstance(input_shape, (int, np.integer)):
            input_shape = (int(input_shape),)
        shape = tuple(input_shape)
        if len(shape) != 1:
            raise ValueError(
                f"input_shape must have one entry (the number of features), got {input_shape!r}"
            )
        return check_positive_int("input_shape[0]", shape[0])
    if input_dim is not None:
        return check_positive_int("input_dim", input_dim)
    return None


class Input:
    """Declares the number of input features, like ``keras.Input(shape=(100,))``.

    Use it as the first entry of :class:`~companion.nn.model.Sequential`.
    """

    def __init__(self, shape: Sequence[int] | int) -> None:
        self.shape = (_input_dim(shape, None),)

    def __repr__(self) -> str:
        return f"Input(shape={self.shape})"


class Dense:
    """Fully connected layer, eqs. (nn.dense.1) and (nn.dense.2).

    Parameters
    ----------
    units : int
        Number of outputs.
    activation : str, Activation or None
        ``"linear"`` (``None``), ``"relu"``, ``"sigmoid"``, ``"tanh"`` or ``"softmax"``.
    use_bias : bool, default True
    kernel_initializer, bias_initializer : str or Initializer
        Keras's defaults: ``"glorot_uniform"`` and ``"zeros"``.
    input_shape : tuple of one int, optional
        Number of input features, as in Keras; lets the model build at once.
    input_dim : int, optional
        Same as ``input_shape=(input_dim,)``.
    name : str, optional
    kernel_regularizer : str, Regularizer or None
        A penalty on the kernel added to the training loss, e.g. ``nn.regularizers.L2(0.01)``
        (eq. nn.l2.1; ``"l2"`` gives Keras's default factor 0.01).  The model adds it (eq. nn.l2.2).

    Notes
    -----
    The floating type is the model's (``Sequential(..., dtype="float64")``) or, for a layer used on its
    own, the ``dtype`` given to :meth:`build`.  Inside a model, ``kernel`` and ``bias`` are views into
    the model's parameter vector (eq. nn.model.2).

    Attributes
    ----------
    kernel, bias : ndarray
        Weights, shapes ``(in, out)`` and ``(out,)``; created by :meth:`build`.
    grads : list of ndarray
        ``[dL/dkernel, dL/dbias]`` from the last :meth:`backward`.
    """

    _count = 0

    def __init__(
        self,
        units: int,
        activation: str | _activations.Activation | None = None,
        use_bias: bool = True,
        kernel_initializer: str | _initializers.Initializer = "glorot_uniform",
        bias_initializer: str | _initializers.Initializer = "zeros",
        input_shape: Sequence[int] | None = None,
        input_dim: int | None = None,
        name: str | None = None,
        kernel_regularizer: str | _regularizers.Regularizer | None = None,
    ) -> None:
        self.units = check_positive_int("units", units)
        self.activation = _activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = _initializers.get(kernel_initializer)
        self.bias_initializer = _initializers.get(bias_initializer)
        self.input_dim = _input_dim(input_shape, input_dim)
        self.kernel_regularizer = _regularizers.get(kernel_regularizer)
        if name is None:
            name = "dense" if Dense._count == 0 else f"dense_{Dense._count}"
            Dense._count += 1
        self.name = name
        self.kernel: NDArray | None = None
        self.bias: NDArray | None = None
        self.grads: list[NDArray] = []
        self._x: NDArray | None = None
        self._z: NDArray | None = None
        self._a: NDArray | None = None

    @property
    def built(self) -> bool:
        return self.kernel is not None

    @property
    def z(self) -> NDArray | None:
        """The pre-activation :math:`Z = XW + b` of the last :meth:`forward` call (``None`` before one).

        Read-only: the book's :math:`Z^{[l]}`, for looking inside a network without private names.
        """
        return self._z

    @property
    def a(self) -> NDArray | None:
        """The activation :math:`A = f(Z)` of the last :meth:`forward` call (``None`` before one).

        Read-only: the book's :math:`A^{[l]}`, the layer's output.
        """
        return self._a

    def build(
        self, input_dim: int, dtype: DTypeLike = "float32", rng: np.random.Generator | int | None = None
    ) -> None:
        """Create the weights for ``input_dim`` features with the initializers."""
        self.input_dim = check_positive_int("input_dim", input_dim)
        gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        self.kernel = self.kernel_initializer((self.input_dim, self.units), dtype, gen)
        self.bias = self.bias_initializer((self.units,), dtype, gen) if self.use_bias else None

    @property
    def weights(self) -> list[NDArray]:
        """``[kernel, bias]`` (or ``[kernel]`` without bias): the arrays themselves, not copies."""
        if self.kernel is None:
            return []
        if self.use_bias and self.bias is not None:
            return [self.kernel, self.bias]
        return [self.kernel]

    def count_params(self) -> int:
        return sum(w.size for w in self.weights)

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        """Eq. (nn.dense.1), chapter 3's eq-ch3-layer; caches ``x``, ``Z`` and ``A`` for :meth:`backward`.

        ``training`` is accepted for a uniform layer interface (see :class:`Dropout`); Dense ignores it.
        """
        z = x @ self.kernel
        if self.use_bias:
            z += self.bias
        a = self.activation(z)
        self._x, self._z, self._a = x, z, a
        return a

    __call__ = forward

    def backward(self, grad: NDArray, input_grad: bool = True, per_example: bool = False) -> NDArray | None:
        """Back-propagate ``grad`` :math:`= \\partial\\mathcal{L}/\\partial A^{[l]}` through the activation
        and the layer (eq-ch3-backprop).

        Parameters
        ----------
        grad : ndarray of shape (B, units)
        input_grad : bool, default True
            Whether to compute :math:`\\partial\\mathcal{L}/\\partial A^{[l-1]}` (the first layer does
            not need it).
        per_example : bool, default False
            Keep one gradient term per sample in :attr:`grads` (see the module docstring, eq. nn.dense.3).

        Returns
        -------
        ndarray of shape (B, n_in) or None
            :math:`\\partial\\mathcal{L}/\\partial A^{[l-1]}`, eq. (nn.dense.2).
        """
        delta = self.activation.backward(cast(NDArray, self._z), cast(NDArray, self._a), grad)
        return self.backward_preactivation(delta, input_grad, per_example)

    def backward_preactivation(
        self, delta: NDArray, input_grad: bool = True, per_example: bool = False
    ) -> NDArray | None:
        """Like :meth:`backward`, given :math:`\\delta^{[l]} = \\partial\\mathcal{L}/\\partial Z^{[l]}`
        directly (eq. nn.dense.2).

        The model uses it when a loss computes its gradient from the logits, eq. (nn.loss.2).
        """
        x = cast(NDArray, self._x)
        if per_example:
            self.grads = [x[:, :, None] * delta[:, None, :]]
            if self.use_bias:
                self.grads.append(delta.copy())
        else:
            self.grads = [x.T @ delta]
            if self.use_bias:
                self.grads.append(delta.sum(axis=0))
        return delta @ cast(NDArray, self.kernel).T if input_grad else None

    def get_config(self) -> dict:
        """Architecture of the layer (stored in weight files)."""
        return {
            "units": self.units,
            "activation": self.activation.name,
            "use_bias": self.use_bias,
            "input_dim": self.input_dim,
        }

    def __repr__(self) -> str:
        return f"Dense({self.units}, activation={self.activation.name!r}, name={self.name!r})"


class Dropout:
    """Inverted dropout (Srivastava et al. 2014), Keras's ``keras.layers.Dropout``.

    In training (``fit``, ``train_on_batch``: ``training=True``) every input unit of every sample is
    kept with probability :math:`1-p` and set to zero otherwise, and the kept ones are scaled up so that
    each unit's expected value is unchanged:

    .. math::
        \\tilde{a}_{ij} = \\frac{m_{ij}}{1-p}\\, a_{ij}, \\qquad
        m_{ij} \\sim \\text{Bernoulli}(1-p) \\ \\text{independently}, \\qquad
        \\mathbb{E}[\\tilde{a}_{ij}] = a_{ij}
        \\tag{nn.dropout.1}

    At inference (``predict``, ``evaluate``, ``training=False``) the layer is the identity; the scaling
    during training is what makes this right (the "inverted" form; the original paper scaled the
    weights at test time instead).  Back-propagation multiplies the gradient by the same mask,
    :math:`\\partial\\mathcal{L}/\\partial a_{ij}
    = \\tfrac{m_{ij}}{1-p}\\, \\partial\\mathcal{L}/\\partial \\tilde a_{ij}`
    (nn.dropout.2).  Chapter 5: eq-ch5-dropout.

    Parameters
    ----------
    rate : float
        :math:`p \\in [0, 1]`, the fraction of units dropped (``rate=1`` drops all, as in Keras).
    seed : int, optional
        Seed of the masks.  ``None``: inside a :class:`~companion.nn.model.Sequential`, the masks come from
        a generator spawned from the model's ``seed`` (the same seed gives the same run, and the layer
        does not change the initial weights of the others); on its own, from fresh entropy.
    name : str, optional

    Notes
    -----
    Keras draws its masks with TensorFlow's generator, so masks, and hence training runs with dropout,
    cannot match Keras sample for sample; the rule (nn.dropout.1) does.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Dropout(0.5, seed=0)
    >>> layer.build(4)
    >>> x = np.ones((2, 4))
    >>> layer(x, training=True)
    array([[2., 0., 0., 0.],
           [2., 2., 2., 2.]])
    >>> bool((layer(x) == x).all())
    True
    """

    _count = 0

    def __init__(self, rate: float, seed: int | None = None, name: str | None = None) -> None:
        self.rate = check_real("rate", rate)
        if not 0 <= self.rate <= 1:
            raise ValueError(f"rate must be in [0, 1] (the fraction of units dropped), got {rate!r}")
        self.seed = None if seed is None else check_seed(seed)
        if name is None:
            name = "dropout" if Dropout._count == 0 else f"dropout_{Dropout._count}"
            Dropout._count += 1
        self.name = name
        self.input_dim: int | None = None
        self.units: int | None = None
        self.grads: list[NDArray] = []
        self._rng: np.random.Generator | None = None
        self._mask: NDArray | None = None

    @property
    def built(self) -> bool:
        return self.units is not None

    def build(
        self, input_dim: int, dtype: DTypeLike = "float32", rng: np.random.Generator | int | None = None
    ) -> None:
        """Record the width (``units`` = ``input_dim``: dropout keeps the shape) and set up the mask
        generator.

        ``rng`` (the model's generator) is only *spawned* from, never drawn from, so adding a Dropout
        layer leaves the initial weights of the Dense layers as they were.
        """
        self.input_dim = self.units = check_positive_int("input_dim", input_dim)
        if self.seed is not None:
            self._rng = np.random.default_rng(self.seed)
        elif isinstance(rng, np.random.Generator):
            self._rng = rng.spawn(1)[0]
        else:
            self._rng = np.random.default_rng(rng)

    @property
    def weights(self) -> list[NDArray]:
        """Dropout has no weights."""
        return []

    def count_params(self) -> int:
        return 0

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        """Eq. (nn.dropout.1) when ``training``, else ``x`` itself."""
        if not training or self.rate == 0:
            self._mask = None
            return x
        if self._rng is None:
            self.build(x.shape[1])
        if self.rate == 1:
            self._mask = np.zeros_like(x)
        else:
            keep = cast(np.random.Generator, self._rng).random(x.shape) >= self.rate
            self._mask = np.where(keep, x.dtype.type(1 / (1 - self.rate)), x.dtype.type(0))
        return x * self._mask

    __call__ = forward

    def backward(self, grad: NDArray, input_grad: bool = True, per_example: bool = False) -> NDArray | None:
        """The gradient through the last mask (nn.dropout.2); unchanged after an inference-mode forward."""
        if not input_grad:
            return None
        return grad if self._mask is None else grad * self._mask

    def get_config(self) -> dict:
        """Architecture of the layer (stored in weight files, beside the Dense layers' records)."""
        return {
            "units": self.units,
            "activation": f"dropout({self.rate:g})",
            "use_bias": False,
            "input_dim": self.input_dim,
        }

    def __repr__(self) -> str:
        return f"Dropout({self.rate:g}, name={self.name!r})"
