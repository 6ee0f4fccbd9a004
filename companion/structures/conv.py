"""The arithmetic of a 1-D convolution layer: its output, its length, its matrix, its parameters.

Each function carries one equation of chapter 5, "More complex structures", and is checked against
``keras.layers.Conv1D`` in the tests; only NumPy is needed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from companion._validation import check_int

__all__ = ["conv1d", "conv1d_matrix", "conv1d_output_length", "conv1d_parameter_count"]


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
            f"kernel_size {kernel_size} is longer than the padded input "
            f"(length {length} + 2 x padding {padding})"
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
            f"kernel must have shape (K, C_in, C_out) with C_in = {x.shape[2]} (x's channels), "
            f"got {kernel.shape}"
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
