"""Cited numbers about the brain and about artificial networks, as data the chapters can plot.

Each entry carries the BibTeX key of its source in the book's ``references.bib``, so a figure or
table built from this module can cite every number it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

__all__ = ["BRAIN", "MILESTONES", "MODELS", "Fact", "Milestone", "dense_parameter_count"]


class Fact(NamedTuple):
    """A measured quantity with its uncertainty (0 if none is given) and its source."""

    value: float
    uncertainty: float
    unit: str
    source: str
    note: str = ""


#: The human brain in numbers.
BRAIN: dict[str, Fact] = {
    "neurons": Fact(86.1e9, 8.1e9, "cells", "azevedo2009equal",
                    "isotropic fractionator, 4 male brains; the article's 'billions' undercounts"),
    "non-neuronal cells": Fact(84.6e9, 9.8e9, "cells", "azevedo2009equal"),
    "neocortical synapses": Fact(1.5e14, 0.0, "synapses", "pakkenberg2003aging",
                                 "neocortex only; about 0.15 quadrillion"),
    "power": Fact(20.0, 0.0, "W", "raichle2002appraising",
                  "about 20% of the body's energy for 2% of its mass"),
    "active fraction": Fact(0.01, 0.0, "of cortical neurons", "lennie2003cost",
                            "fewer than ~1% can be substantially active at once"),
}

#: Parameters of well-known networks, counted as ``model.count_params()`` does (batch-norm
#: statistics included).  The three vision models were counted with
#: ``keras.applications`` (``weights=None``, default 1000-class heads); the test suite recounts them.
MODELS: dict[str, Fact] = {
    "MobileNetV2": Fact(3_538_984, 0.0, "parameters", "sandler2018mobilenetv2"),
    "ResNet50": Fact(25_636_712, 0.0, "parameters", "he2016deep"),
    "VGG16": Fact(138_357_544, 0.0, "parameters", "simonyan2015very"),
    "GPT-3": Fact(175e9, 0.0, "parameters", "brown2020language"),
}


class Milestone(NamedTuple):
    """A dated step in the history of neural networks."""

    year: int
    event: str
    source: str


#: Milestones from the first artificial neuron to the Transformer.
MILESTONES: tuple[Milestone, ...] = (
    Milestone(1943, "McCulloch-Pitts threshold neuron", "mcculloch1943logical"),
    Milestone(1949, "Hebb's learning postulate", "hebb1949organization"),
    Milestone(1958, "Rosenblatt's perceptron", "rosenblatt1958perceptron"),
    Milestone(1969, "Minsky & Papert: limits of perceptrons", "minsky1969perceptrons"),
    Milestone(1986, "Backpropagation popularised", "rumelhart1986learning"),
    Milestone(1989, "Convolutional network reads zip codes", "lecun1989backpropagation"),
    Milestone(2012, "AlexNet wins ImageNet", "krizhevsky2012imagenet"),
    Milestone(2017, "Transformer", "vaswani2017attention"),
)


def dense_parameter_count(layer_sizes: Sequence[int]) -> int:
    """Number of weights and biases in a stack of fully connected layers.

    .. math::

        P = \\sum_{l=1}^{L} \\left(n_{l-1}\\, n_l + n_l\\right)
        \\tag{facts.1}

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_0, n_1, ..., n_L]``: the input width followed by each layer's width.

    Returns
    -------
    int

    Examples
    --------
    >>> dense_parameter_count([100, 64, 64, 10])   # the article's network
    11274
    """
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes needs an input width and at least one layer, got {sizes}")
    if any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 for n in sizes):
        raise ValueError(f"layer_sizes must be positive integers, got {sizes}")
    return int(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])))
