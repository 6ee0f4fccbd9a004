"""The networks compared on MNIST-1D and the digits, as Keras models that output logits.

Logistic regression, the MNIST-1D paper's MLP (with its skip connection) and 1-D CNN, and a
LeNet-like 2-D CNN.  TensorFlow is imported when a model is built, not with this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

from companion._validation import check_bool, check_int
from companion.structures.conv import conv1d_output_length

__all__ = ["cnn1d", "cnn2d", "load_keras", "logistic_regression", "mlp"]


def load_keras() -> ModuleType:
    """Keras, imported after :func:`companion.tf.quiet_environment` (so TensorFlow prints nothing)."""
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
    keras = load_keras()
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
    residual = check_bool("residual", residual)
    keras = load_keras()
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
    keras = load_keras()
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
    keras = load_keras()
    layers = keras.layers
    return keras.Sequential(
        [keras.Input(shape=(side * side,)), layers.Reshape((side, side, 1)),
         layers.Conv2D(c1, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
         layers.Conv2D(c2, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
         layers.Flatten(), layers.Dense(n_classes)],
        name="cnn2d",
    )
