"""More complex structures: what a convolution's built-in spatial prior is worth, measured.

Chapter 5, "More complex structures", trains logistic regression, a multilayer perceptron and a 1-D
convolutional network on MNIST-1D (Greydanus 2020), generated locally by the ``mnist1d`` package,
then repeats the comparison with the 40 features shuffled by one fixed permutation, and finally puts
a small 2-D convolutional network against the article's network on the digits.  The equations of
the page live here, each in the function that computes it:

=========================  ======================================================================
``eq-ch5-conv1d``          :func:`conv1d` (a from-scratch forward pass, checked against
                           ``keras.layers.Conv1D``)
``eq-ch5-conv-length``     :func:`conv1d_output_length`
``eq-ch5-conv-matrix``     :func:`conv1d_matrix` (the same layer as a banded dense matrix)
``eq-ch5-conv-params``     :func:`conv1d_parameter_count` and
                           :func:`companion.facts.dense_parameter_count`
``eq-ch5-shuffle``         :func:`shuffle_features`
=========================  ======================================================================

The networks are Keras models (:func:`logistic_regression`, :func:`mlp`, :func:`cnn1d`,
:func:`cnn2d`) that output logits.  :class:`Trainer` trains them with the same Adam steps as
``model.fit(..., shuffle=False)`` (a test checks this), but inside one compiled TensorFlow graph per
architecture that is reused for every seed and data set: for networks this small, ``fit``'s
per-step bookkeeping costs more than their arithmetic.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_int, check_real, check_seed, describe
from companion.data import Split

__all__ = [
    "Summary",
    "Trainer",
    "cnn1d",
    "cnn2d",
    "conv1d",
    "conv1d_matrix",
    "conv1d_output_length",
    "conv1d_parameter_count",
    "feature_permutation",
    "load_mnist1d",
    "logistic_regression",
    "mlp",
    "plot_accuracy_bars",
    "plot_signals",
    "plot_test_curves",
    "shuffle_features",
    "summarize",
    "train_seeds",
]


# ---------------------------------------------------------------------------------- data
@functools.lru_cache(maxsize=1)
def _generate_mnist1d() -> tuple[NDArray, NDArray, NDArray, NDArray]:
    from mnist1d.data import get_dataset_args, make_dataset

    # make_dataset seeds Python's and NumPy's global generators (with the data set's seed, 42):
    # put them back as they were, so that loading the data changes no other result.
    np_state, py_state = np.random.get_state(), random.getstate()
    try:
        data = make_dataset(get_dataset_args())
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)
    arrays = (data["x"].astype(np.float32), data["y"].astype(np.int64),
              data["x_test"].astype(np.float32), data["y_test"].astype(np.int64))
    for a in arrays:
        a.setflags(write=False)
    return arrays


def load_mnist1d() -> Split:
    """MNIST-1D with its default settings, generated on this machine (nothing is downloaded).

    Calls ``mnist1d.data.make_dataset(get_dataset_args())``: 5,000 one-dimensional "digits" of 40
    samples each, made from ten hand-drawn templates by random padding, stretching, translation,
    shear and noise, split 4,000 / 1,000. (``mnist1d.data.get_dataset`` would instead try to
    download a pickle and write it to the working directory.) The generator is seeded by the
    package itself, so every machine gets the same numbers; the global random state that it
    reseeds is restored afterwards. The result is cached for the session.

    Returns
    -------
    Split
        ``((x_train, y_train), (x_test, y_test))``: float32 signals of shape ``(n, 40)`` (centred, unit
        standard deviation over the data set) and int64 labels 0-9.  Fresh copies on every call.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_mnist1d()   # doctest: +SKIP
    >>> x_train.shape, x_test.shape                             # doctest: +SKIP
    ((4000, 40), (1000, 40))
    """
    x, y, x_test, y_test = (a.copy() for a in _generate_mnist1d())
    return Split((x, y), (x_test, y_test))


def feature_permutation(n_features: int, seed: int = 0) -> NDArray[np.int64]:
    """A fixed random permutation of ``range(n_features)``, the same on every machine.

    Parameters
    ----------
    n_features : int
        Number of features (40 for MNIST-1D, 64 for the 8 x 8 digits).
    seed : int, default 0

    Returns
    -------
    ndarray of int64, shape (n_features,)
    """
    n_features = check_int("n_features", n_features, minimum=1)
    return np.random.default_rng(check_seed(seed)).permutation(n_features)


def shuffle_features(x: ArrayLike, permutation: ArrayLike) -> NDArray:
    """Reorder the features of every example by one fixed permutation, eq. (eq-ch5-shuffle).

    .. math::

        x'_j = x_{\\pi(j)}, \\qquad \\text{that is} \\qquad \\mathbf{x}' = \\mathbf{x} P, \\quad
        P_{ij} = [\\, i = \\pi(j) \\,]
        \\tag{eq-ch5-shuffle}

    A dense layer cannot tell the difference: ``x' (P^T W) = x W``, so the first layer whose kernel
    rows are permuted in the same way computes exactly what the original did, and the best weights
    for the shuffled data are the best weights for the original data, permuted.  A convolution has
    no such escape: ``P^T W`` of a convolution's banded matrix (:func:`conv1d_matrix`) is no longer
    banded.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Examples in rows.
    permutation : array_like of int, shape (d,)
        A permutation :math:`\\pi` of ``range(d)``, e.g. from :func:`feature_permutation`.

    Returns
    -------
    ndarray of shape (n, d)
        ``x[:, permutation]``.

    Raises
    ------
    ValueError
        If ``x`` is not 2-D or ``permutation`` is not a permutation of its ``d`` features.

    Examples
    --------
    >>> shuffle_features([[10, 11, 12]], [2, 0, 1])
    array([[12, 10, 11]])
    """
    x = np.asarray(x)
    perm = np.asarray(permutation)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (n, d), got {x.shape}")
    if perm.shape != (x.shape[1],) or not np.array_equal(np.sort(perm), np.arange(x.shape[1])):
        raise ValueError(
            f"permutation must be a permutation of range({x.shape[1]}) (x has {x.shape[1]} features), "
            f"got shape {perm.shape}"
        )
    return x[:, perm]


# ---------------------------------------------------------------------------------- convolution
def conv1d_output_length(length: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    """Number of positions a 1-D convolution produces, eq. (eq-ch5-conv-length).

    .. math::

        L_\\text{out} = \\left\\lfloor \\frac{L + 2p - K}{s} \\right\\rfloor + 1
        \\tag{eq-ch5-conv-length}

    Parameters
    ----------
    length : int
        Input length :math:`L`.
    kernel_size : int
        Kernel width :math:`K`.
    stride : int, default 1
        Step :math:`s` between neighbouring windows.
    padding : int, default 0
        Zeros :math:`p` added at each end (Keras's ``padding="valid"`` is ``p = 0``).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If the padded input is shorter than the kernel.

    Examples
    --------
    >>> conv1d_output_length(40, 5, stride=2, padding=1)   # the first layer of the MNIST-1D CNN
    19
    """
    length = check_int("length", length, minimum=1)
    kernel_size = check_int("kernel_size", kernel_size, minimum=1)
    stride = check_int("stride", stride, minimum=1)
    padding = check_int("padding", padding, minimum=0)
    if length + 2 * padding < kernel_size:
        raise ValueError(
            f"kernel_size {kernel_size} is longer than the padded input (length {length} + 2 x padding {padding})"
        )
    return (length + 2 * padding - kernel_size) // stride + 1


def conv1d(
    x: ArrayLike, kernel: ArrayLike, bias: ArrayLike | None = None, stride: int = 1, padding: int = 0
) -> NDArray:
    """A 1-D convolution layer's output, as Keras's ``Conv1D`` computes it, eq. (eq-ch5-conv1d).

    Deep-learning libraries compute a *cross-correlation* (the kernel is not flipped): output
    position :math:`i` of filter :math:`o` is the dot product of the kernel with the window of the
    zero-padded input :math:`\\tilde x` that starts at :math:`s\\,i`,

    .. math::

        y_{i,o} = b_o + \\sum_{k=0}^{K-1} \\sum_{c=1}^{C_\\text{in}} w_{k,c,o}\\; \\tilde x_{s i + k,\\, c},
        \\qquad i = 0, \\dots, L_\\text{out} - 1.
        \\tag{eq-ch5-conv1d}

    The same :math:`K C_\\text{in} C_\\text{out} + C_\\text{out}` numbers are used at every position
    (*weight sharing*), and each output sees only :math:`K` neighbouring inputs (*local
    connectivity*).  With ``padding=p`` this is Keras's ``ZeroPadding1D(p)`` followed by
    ``Conv1D(..., strides=stride, padding="valid")`` (PyTorch's ``Conv1d(..., padding=p)``).

    Parameters
    ----------
    x : array_like of shape (n, L, C_in)
        Inputs, channels last (Keras's default layout).
    kernel : array_like of shape (K, C_in, C_out)
        The layer's kernel, as ``Conv1D.get_weights()[0]``.
    bias : array_like of shape (C_out,), optional
        Default zero.
    stride : int, default 1
    padding : int, default 0
        Zeros added at each end of the input.

    Returns
    -------
    ndarray of shape (n, L_out, C_out)
        With :math:`L_\\text{out}` from :func:`conv1d_output_length`; no activation applied.

    Raises
    ------
    ValueError
        If the shapes do not fit together.

    Examples
    --------
    >>> conv1d([[[1.0], [2.0], [3.0], [4.0]]], [[[1.0]], [[-1.0]]])[..., 0]   # x[i] - x[i+1]
    array([[-1., -1., -1.]])
    """
    x = np.asarray(x, dtype=np.result_type(np.asarray(x).dtype, np.float32))
    kernel = np.asarray(kernel, dtype=x.dtype)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (n, L, C_in), got {x.shape}")
    if kernel.ndim != 3 or kernel.shape[1] != x.shape[2]:
        raise ValueError(
            f"kernel must have shape (K, C_in, C_out) with C_in = {x.shape[2]} (x's channels), got {kernel.shape}"
        )
    k_size, _, c_out = kernel.shape
    b = np.zeros(c_out, dtype=x.dtype) if bias is None else np.asarray(bias, dtype=x.dtype)
    if b.shape != (c_out,):
        raise ValueError(f"bias must have shape ({c_out},), got {b.shape}")
    l_out = conv1d_output_length(x.shape[1], k_size, stride, padding)
    padded = np.pad(x, ((0, 0), (padding, padding), (0, 0)))
    starts = stride * np.arange(l_out)                                # s i
    windows = padded[:, starts[:, None] + np.arange(k_size), :]       # (n, L_out, K, C_in)
    return np.einsum("nlkc,kco->nlo", windows, kernel) + b


def conv1d_matrix(kernel: ArrayLike, length: int, stride: int = 1, padding: int = 0) -> NDArray:
    """The dense weight matrix that computes the same as a 1-D convolution, eq. (eq-ch5-conv-matrix).

    Flatten the input to a vector of :math:`L C_\\text{in}` numbers (position-major, channel-minor, as
    Keras's ``Flatten`` does). Then eq. (eq-ch5-conv1d) is an ordinary dense layer whose
    :math:`L C_\\text{in} \\times L_\\text{out} C_\\text{out}` matrix is mostly zeros and repeats one
    small block along a band:

    .. math::

        W_{(j, c),\\,(i, o)} = \\begin{cases} w_{j - s i + p,\\; c,\\; o} & 0 \\le j - s i + p < K \\\\
        0 & \\text{otherwise} \\end{cases}
        \\tag{eq-ch5-conv-matrix}

    so that ``conv1d(x, kernel, 0, stride, padding).reshape(n, -1) == x.reshape(n, -1) @ W``.

    Parameters
    ----------
    kernel : array_like of shape (K, C_in, C_out)
    length : int
        Input length :math:`L`.
    stride, padding : int
        As in :func:`conv1d`.

    Returns
    -------
    ndarray of shape (length * C_in, L_out * C_out)

    Examples
    --------
    >>> conv1d_matrix([[[1.0]], [[-1.0]]], length=4)
    array([[ 1.,  0.,  0.],
           [-1.,  1.,  0.],
           [ 0., -1.,  1.],
           [ 0.,  0., -1.]])
    """
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 3:
        raise ValueError(f"kernel must have shape (K, C_in, C_out), got {kernel.shape}")
    k_size, c_in, c_out = kernel.shape
    l_out = conv1d_output_length(length, k_size, stride, padding)
    w = np.zeros((length * c_in, l_out * c_out))
    for i in range(l_out):
        for k in range(k_size):
            j = stride * i + k - padding  # input position under kernel tap k of output i
            if 0 <= j < length:
                w[j * c_in:(j + 1) * c_in, i * c_out:(i + 1) * c_out] = kernel[k]
    return w


def conv1d_parameter_count(kernel_size: int, in_channels: int, filters: int) -> int:
    """Weights and biases of a 1-D convolution layer, eq. (eq-ch5-conv-params).

    .. math::

        P_\\text{conv} = C_\\text{out}\\,(K\\, C_\\text{in} + 1)
        \\qquad\\text{against}\\qquad
        P_\\text{dense} = L_\\text{out} C_\\text{out}\\,(L\\, C_\\text{in} + 1)
        \\tag{eq-ch5-conv-params}

    for a dense layer with the same inputs and outputs
    (:func:`companion.facts.dense_parameter_count` of ``[L * C_in, L_out * C_out]``).  The
    convolution's count does not depend on the length of the signal: the same kernel is reused at
    every position.

    Parameters
    ----------
    kernel_size, in_channels, filters : int
        :math:`K`, :math:`C_\\text{in}` and :math:`C_\\text{out}`.

    Returns
    -------
    int

    Examples
    --------
    >>> conv1d_parameter_count(5, 1, 25)    # first layer of the MNIST-1D CNN
    150
    """
    kernel_size = check_int("kernel_size", kernel_size, minimum=1)
    in_channels = check_int("in_channels", in_channels, minimum=1)
    filters = check_int("filters", filters, minimum=1)
    return filters * (kernel_size * in_channels + 1)


# ---------------------------------------------------------------------------------- models
def _keras():
    from companion.tf import quiet_environment

    quiet_environment()
    from tensorflow import keras

    return keras


def logistic_regression(n_inputs: int = 40, n_classes: int = 10) -> Any:
    """Multinomial logistic regression: one ``Dense`` layer from the inputs to the class logits.

    Parameters
    ----------
    n_inputs, n_classes : int

    Returns
    -------
    keras.Model
        Uncompiled; outputs logits (the softmax is inside the loss).  ``n_inputs * n_classes +
        n_classes`` parameters (410 for MNIST-1D, as published).
    """
    n_inputs = check_int("n_inputs", n_inputs, minimum=1)
    n_classes = check_int("n_classes", n_classes, minimum=2)
    keras = _keras()
    return keras.Sequential([keras.Input(shape=(n_inputs,)), keras.layers.Dense(n_classes)],
                            name="logistic_regression")


def mlp(n_inputs: int = 40, n_hiddens: int = 100, n_classes: int = 10, residual: bool = True) -> Any:
    """A multilayer perceptron with two ReLU hidden layers, optionally with a skip connection.

    .. math::

        \\mathbf{h}_1 = \\operatorname{relu}(\\mathbf{x} W_1 + \\mathbf{b}_1), \\quad
        \\mathbf{h}_2 = [\\mathbf{h}_1 +]\\, \\operatorname{relu}(\\mathbf{h}_1 W_2 + \\mathbf{b}_2), \\quad
        \\mathbf{z} = \\mathbf{h}_2 W_3 + \\mathbf{b}_3

    With the defaults this is the MLP of the MNIST-1D paper's code (``MLPBase``: 100 hidden units,
    :math:`\\mathbf{h}_1` added back to the second layer's output, 15,210 parameters).  With
    ``n_inputs=64, n_hiddens=64, residual=False`` it is the article's network on the 8 x 8 digits.

    Parameters
    ----------
    n_inputs, n_hiddens, n_classes : int
    residual : bool, default True
        Add :math:`\\mathbf{h}_1` to the second hidden layer's output (the parameter count is the
        same either way).

    Returns
    -------
    keras.Model
        Uncompiled; outputs logits.
    """
    n_inputs = check_int("n_inputs", n_inputs, minimum=1)
    n_hiddens = check_int("n_hiddens", n_hiddens, minimum=1)
    n_classes = check_int("n_classes", n_classes, minimum=2)
    if not isinstance(residual, (bool, np.bool_)):
        raise TypeError(f"residual must be a bool, got {describe(residual)}")
    keras = _keras()
    layers = keras.layers
    inputs = keras.Input(shape=(n_inputs,))
    h1 = layers.Dense(n_hiddens, activation="relu")(inputs)
    h2 = layers.Dense(n_hiddens, activation="relu")(h1)
    if residual:
        h2 = layers.Add()([h1, h2])
    return keras.Model(inputs, layers.Dense(n_classes)(h2), name="mlp")


def cnn1d(length: int = 40, channels: int = 25, n_classes: int = 10) -> Any:
    """The MNIST-1D paper's convolutional network (``ConvBase``), in Keras.

    Three convolutions with ReLU, each halving the length (stride 2, one zero of padding at each end:
    kernel 5, then 3 and 3), then one ``Dense`` layer on the flattened features:
    40 -> 19 -> 10 -> 5 positions by eq. (eq-ch5-conv-length), 5 x 25 = 125 features, 5,210
    parameters with the defaults.  The input is the flat signal; a ``Reshape`` adds the channel axis.

    Parameters
    ----------
    length : int, default 40
        Signal length.
    channels : int, default 25
        Filters of every convolution.
    n_classes : int, default 10

    Returns
    -------
    keras.Sequential
        Uncompiled; outputs logits.
    """
    length = check_int("length", length, minimum=1)
    channels = check_int("channels", channels, minimum=1)
    n_classes = check_int("n_classes", n_classes, minimum=2)
    n = length
    for k in (5, 3, 3):
        n = conv1d_output_length(n, k, stride=2, padding=1)  # raises if the signal is too short
    keras = _keras()
    layers = keras.layers
    convs = []
    for k in (5, 3, 3):
        convs += [layers.ZeroPadding1D(1), layers.Conv1D(channels, k, strides=2, activation="relu")]
    return keras.Sequential(
        [keras.Input(shape=(length,)), layers.Reshape((length, 1)), *convs,
         layers.Flatten(), layers.Dense(n_classes)],
        name="cnn1d",
    )


def cnn2d(side: int = 8, channels: Sequence[int] = (8, 16), n_classes: int = 10) -> Any:
    """A small 2-D convolutional network for ``side`` x ``side`` images given as flat vectors.

    ``Conv2D(channels[0], 3x3, same) -> MaxPooling 2x2 -> Conv2D(channels[1], 3x3, same) -> MaxPooling 2x2
    -> Dense(n_classes)``, ReLU after each convolution: the pattern of LeCun et al.'s LeNet (1998) at
    toy size (1,898 parameters for 8 x 8 digits with the defaults).

    Parameters
    ----------
    side : int, default 8
        Image side; must be divisible by 4 (two poolings).
    channels : sequence of two int, default (8, 16)
    n_classes : int, default 10

    Returns
    -------
    keras.Sequential
        Uncompiled; takes ``(n, side * side)`` inputs and outputs logits.
    """
    side = check_int("side", side, minimum=4)
    if side % 4:
        raise ValueError(f"side must be divisible by 4 (two 2x2 poolings), got {side}")
    channels = tuple(channels)
    if len(channels) != 2:
        raise ValueError(f"channels must hold two filter counts, got {channels!r}")
    c1, c2 = (check_int("channels", c, minimum=1) for c in channels)
    n_classes = check_int("n_classes", n_classes, minimum=2)
    keras = _keras()
    layers = keras.layers
    return keras.Sequential(
        [keras.Input(shape=(side * side,)), layers.Reshape((side, side, 1)),
         layers.Conv2D(c1, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
         layers.Conv2D(c2, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
         layers.Flatten(), layers.Dense(n_classes)],
        name="cnn2d",
    )


# ---------------------------------------------------------------------------------- training
class Trainer:
    """Adam on the cross-entropy, one compiled TensorFlow graph per architecture, any seed and data.

    ``Trainer(build).run(seed, split, epochs)`` builds a fresh model with ``build()`` after
    ``keras.utils.set_random_seed(seed)`` and trains it exactly as ::

        model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False)

    would (mini-batches in the order of the data, every epoch, as in the MNIST-1D paper's code), and
    measures the test accuracy after every epoch.  The difference is speed: the whole run is one call
    of a ``tf.function`` that is traced once per ``Trainer`` and reused, with the weights and Adam's
    state reset, for every seed and every data set of the same shape.

    Parameters
    ----------
    build : callable returning a keras.Model
        Makes the (uncompiled, logit-output) network, e.g. :func:`cnn1d`.
    batch_size : int, default 100
    learning_rate : float, default 0.01
        Adam's learning rate (the paper's 1e-2; Keras's default is 1e-3).

    Attributes
    ----------
    model : keras.Model
        The network, holding the weights of the last run.
    """

    def __init__(self, build: Callable[[], Any], batch_size: int = 100, learning_rate: float = 1e-2):
        if not callable(build):
            raise TypeError(f"build must be a callable that returns a keras.Model, got {describe(build)}")
        self.batch_size = check_int("batch_size", batch_size, minimum=1)
        self.learning_rate = check_real("learning_rate", learning_rate, positive=True)
        keras = _keras()
        import tensorflow as tf

        self._build = build
        self.model = build()
        if not isinstance(self.model, keras.Model):
            raise TypeError(f"build() must return a keras.Model, got {describe(self.model)}")
        self.optimizer = keras.optimizers.Adam(self.learning_rate)
        self.optimizer.build(self.model.trainable_variables)
        self._fresh_optimizer = [v.numpy() for v in self.optimizer.variables]
        self._loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        self._graph = tf.function(self._train)

    def _train(self, x, y, x_test, y_test, epochs):
        import tensorflow as tf

        model, weights, bs = self.model, self.model.trainable_variables, self.batch_size
        n_batches = (tf.shape(x)[0] + bs - 1) // bs  # the last batch may be smaller, as in fit
        accuracy = tf.TensorArray(tf.float32, size=epochs)
        for epoch in tf.range(epochs):
            for b in tf.range(n_batches):
                with tf.GradientTape() as tape:
                    loss = self._loss(y[b * bs:(b + 1) * bs], model(x[b * bs:(b + 1) * bs], training=True))
                self.optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
            right = tf.argmax(model(x_test), axis=-1) == y_test
            accuracy = accuracy.write(epoch, tf.reduce_mean(tf.cast(right, tf.float32)))
        return accuracy.stack()

    def run(self, seed: int, split: Split, epochs: int) -> NDArray[np.float64]:
        """Train a freshly initialised network on ``split``'s training part.

        Parameters
        ----------
        seed : int
            Seeds the initial weights (``keras.utils.set_random_seed``, which also seeds Python's
            and NumPy's global generators).
        split : Split
            ``((x_train, y_train), (x_test, y_test))`` with integer labels.
        epochs : int

        Returns
        -------
        ndarray of shape (epochs,)
            Test accuracy after each epoch.
        """
        keras = _keras()
        import tensorflow as tf

        seed = check_seed(seed)
        epochs = check_int("epochs", epochs, minimum=1)
        (x, y), (x_test, y_test) = split
        n_inputs = self.model.inputs[0].shape[1:]
        for name, a, labels in (("x_train", x, y), ("x_test", x_test, y_test)):
            a, labels = np.asarray(a), np.asarray(labels)
            if a.shape[1:] != tuple(n_inputs):
                raise ValueError(f"{name} has examples of shape {a.shape[1:]}, but the model expects {tuple(n_inputs)}")
            if labels.shape != (len(a),):
                raise ValueError(f"{name} has {len(a)} examples but its labels have shape {labels.shape}")
        keras.utils.set_random_seed(seed)
        self.model.set_weights(self._build().get_weights())
        for variable, value in zip(self.optimizer.variables, self._fresh_optimizer):
            variable.assign(value)
        accuracy = self._graph(
            tf.constant(x, tf.float32), tf.constant(y, tf.int64),
            tf.constant(x_test, tf.float32), tf.constant(y_test, tf.int64), tf.constant(epochs),
        )
        return accuracy.numpy().astype(np.float64)


def train_seeds(
    build: Callable[[], Any],
    splits: Mapping[str, Split],
    seeds: Sequence[int],
    epochs: int,
    batch_size: int = 100,
    learning_rate: float = 1e-2,
) -> dict[str, NDArray[np.float64]]:
    """Train one architecture from every seed on every data set; test accuracy after every epoch.

    Parameters
    ----------
    build : callable returning a keras.Model
    splits : mapping of str to Split
        The data sets, e.g. ``{"ordered": data, "shuffled": shuffled}``; all of one shape.
    seeds : sequence of int
    epochs, batch_size, learning_rate
        As in :class:`Trainer`.

    Returns
    -------
    dict of str to ndarray of shape (len(seeds), epochs)
        One row per seed, in the order of ``seeds``.
    """
    seeds = [check_seed(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must not be empty")
    if not splits:
        raise ValueError("splits must name at least one data set")
    trainer = Trainer(build, batch_size=batch_size, learning_rate=learning_rate)
    return {name: np.stack([trainer.run(s, split, epochs) for s in seeds]) for name, split in splits.items()}


class Summary(NamedTuple):
    """Mean and sample standard deviation of a result over runs."""

    mean: float
    sd: float
    n: int


def summarize(values: ArrayLike) -> Summary:
    """Mean and sample standard deviation (``ddof=1``) of one number per run.

    Parameters
    ----------
    values : array_like of shape (n,)
        At least two runs.

    Returns
    -------
    Summary

    Examples
    --------
    >>> summarize([1.0, 2.0, 3.0])
    Summary(mean=2.0, sd=1.0, n=3)
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or len(v) < 2:
        raise ValueError(f"values must hold one number per run for at least 2 runs, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("values must be finite")
    return Summary(float(v.mean()), float(v.std(ddof=1)), len(v))


# ---------------------------------------------------------------------------------- figures
def _axes(ax: Any | None, figsize: tuple[float, float]) -> tuple[Any, Any]:
    """The given axes and their figure, or a new one-panel figure in the book's style."""
    if ax is not None:
        return ax.figure, ax
    from companion.plots import new_figure

    fig, axes = new_figure(figsize=figsize)
    return fig, axes[0, 0]


def plot_signals(x: ArrayLike, y: ArrayLike, per_class: int = 3, ax: Sequence[Any] | None = None):
    """A few examples of each class of a 1-D data set, one panel per class.

    Parameters
    ----------
    x : array_like of shape (n, L)
    y : array_like of int, shape (n,)
    per_class : int, default 3
        Examples drawn per class (the first ones in ``x``).
    ax : sequence of Axes, optional
        One per class.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from companion.plots import PALETTE, new_figure

    x, y = np.asarray(x, dtype=float), np.asarray(y)
    if x.ndim != 2 or y.shape != (len(x),):
        raise ValueError(f"x must have shape (n, L) and y shape (n,), got {x.shape} and {y.shape}")
    per_class = check_int("per_class", per_class, minimum=1)
    classes = np.unique(y)
    if ax is None:
        ncols = min(5, len(classes))
        nrows = -(-len(classes) // ncols)
        fig, axes = new_figure(nrows, ncols, figsize=(2.1 * ncols, 2.0 * nrows), sharex=True, sharey=True)
        axes = list(axes.flat)
    else:
        axes = list(ax)
        if len(axes) < len(classes):
            raise ValueError(f"ax has {len(axes)} axes for {len(classes)} classes")
        fig = axes[0].figure
    position = np.arange(x.shape[1])
    for a, c in zip(axes, classes):
        for j, row in enumerate(x[y == c][:per_class]):
            a.plot(position, row, lw=1.2, color=PALETTE[j % len(PALETTE)])
        a.set_title(f"class {c}", fontsize=10)
    for a in axes[len(classes):]:
        a.set_axis_off()
    ncols = axes[0].get_gridspec().ncols if axes[0].get_gridspec() is not None else len(axes)
    for i, a in enumerate(axes[:len(classes)]):
        if i % ncols == 0:
            a.set_ylabel("value")
        if i >= len(classes) - ncols:
            a.set_xlabel("position")
    return fig


def plot_accuracy_bars(
    results: Mapping[str, Mapping[str, ArrayLike]],
    published: Mapping[str, Mapping[str, float]] | None = None,
    ax: Any | None = None,
):
    """Grouped bars of test accuracy (mean over seeds, error bar one standard deviation).

    Parameters
    ----------
    results : mapping model -> mapping condition -> array of accuracies (one per seed, in [0, 1])
        E.g. ``{"MLP": {"ordered": [...], "shuffled": [...]}, ...}``; every model needs the same
        conditions.
    published : mapping model -> mapping condition -> accuracy, optional
        Reference values, drawn as black diamonds on their bars.
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from companion.plots import PALETTE

    models = list(results)
    if not models:
        raise ValueError("results must hold at least one model")
    conditions = list(results[models[0]])
    for m in models:
        if list(results[m]) != conditions:
            raise ValueError(f"every model needs the conditions {conditions}; {m!r} has {list(results[m])}")
    fig, ax = _axes(ax, figsize=(1.6 * len(models) + 2.4, 3.6))
    width = 0.8 / len(conditions)
    for j, cond in enumerate(conditions):
        xs = np.arange(len(models)) + (j - (len(conditions) - 1) / 2) * width
        stats = [summarize(results[m][cond]) for m in models]
        ax.bar(xs, [100 * s.mean for s in stats], width, yerr=[100 * s.sd for s in stats],
               capsize=3, color=PALETTE[j % len(PALETTE)], label=cond)
        if published is not None:
            ref = [(x, 100 * published[m][cond]) for x, m in zip(xs, models)
                   if m in published and cond in published[m]]
            if ref:
                ax.plot(*zip(*ref), "D", color="black", ms=5, ls="none",
                        label="published" if j == 0 else None)
    ax.set_xticks(np.arange(len(models)), models)
    ax.set_ylabel("test accuracy (%)")
    ax.set_ylim(0, 100)
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left", fontsize=9)
    return fig


def plot_test_curves(curves: Mapping[str, ArrayLike], ax: Any | None = None):
    """Test accuracy against epoch: the mean over seeds as a line, plus or minus one sd as a band.

    Parameters
    ----------
    curves : mapping of label -> array of shape (n_seeds, epochs), accuracies in [0, 1]
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not curves:
        raise ValueError("curves must hold at least one curve")
    fig, ax = _axes(ax, figsize=(5.6, 3.6))
    for label, values in curves.items():
        v = 100 * np.asarray(values, dtype=float)
        if v.ndim != 2 or v.shape[0] < 2:
            raise ValueError(f"curve {label!r} must have shape (n_seeds >= 2, epochs), got {v.shape}")
        epochs = np.arange(1, v.shape[1] + 1)
        mean, sd = v.mean(axis=0), v.std(axis=0, ddof=1)
        (line,) = ax.plot(epochs, mean, lw=1.6, label=label)
        ax.fill_between(epochs, mean - sd, mean + sd, color=line.get_color(), alpha=0.2, lw=0)
    ax.set_xlabel("epoch")
    ax.set_ylabel("test accuracy (%)")
    ax.legend(fontsize=9)
    return fig
