"""Cited numbers about the brain and about artificial networks, as data the chapters can plot.

Each entry carries the BibTeX key of its source in the book's ``references.bib``, so a figure or
table built from this module can cite every number it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

__all__ = ["BRAIN", "BRAIN_REGIONS", "DP_SGD_EXAMPLE", "MILESTONES", "MNIST1D", "MNIST1D_RERUN",
           "MODELS", "OPTDIGITS", "PRIVACY", "SCALE", "TRAINING_COMPUTE", "TRAINING_ENERGY", "Fact",
           "Milestone", "TrainingRun", "dense_parameter_count"]


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


#: The DP-SGD run whose privacy budget :data:`PRIVACY` gives (an MNIST setting common in DP-SGD
#: example code: 60,000 examples): Poisson sampling at rate ``batch_size / examples``,
#: ``epochs * examples // batch_size`` steps (14,062), add-or-remove-one neighbouring data sets.
DP_SGD_EXAMPLE: dict[str, float] = {
    "noise_multiplier": 1.1, "batch_size": 256, "epochs": 60, "examples": 60_000, "delta": 1e-5,
}

#: Privacy budgets of :data:`DP_SGD_EXAMPLE`, measured with Google's ``dp-accounting`` 0.6.0
#: (``companion.nn.dp.epsilon``); the test suite recomputes them.
PRIVACY: dict[str, Fact] = {
    "epsilon RDP": Fact(2.60, 0.0, "epsilon at delta 1e-5", "googledp2019",
                        "Renyi-DP accountant: exact RDP composition, lossy conversion to (epsilon, delta)"),
    "epsilon PLD": Fact(2.38, 0.0, "epsilon at delta 1e-5", "googledp2019",
                        "privacy-loss-distribution accountant: numerical, tight up to its discretisation"),
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
    Milestone(1970, "Linnainmaa: reverse-mode differentiation", "linnainmaa1970representation"),
    Milestone(1974, "Werbos: backprop for networks", "werbos1974beyond"),
    Milestone(1980, "Fukushima's neocognitron", "fukushima1980neocognitron"),
    Milestone(1986, "Backpropagation popularised", "rumelhart1986learning"),
    Milestone(1989, "Convolutional network trained by backpropagation", "lecun1989backpropagation"),
    Milestone(2012, "AlexNet wins ImageNet", "krizhevsky2012imagenet"),
    Milestone(2017, "Transformer", "vaswani2017attention"),
)


class TrainingRun(NamedTuple):
    """The compute of one published training run: FLOPs (adds and multiplies counted separately)."""

    year: int
    flops: float
    source: str
    note: str = ""


#: Training compute of landmark models, as their sources state it (chapter 5, "More compute").
TRAINING_COMPUTE: dict[str, TrainingRun] = {
    "AlexNet": TrainingRun(2012, 4.7e17, "amodei2018ai",
                           "operations counted from the architecture: 1.2M images x 90 epochs x 0.75 GFLOP "
                           "x 2 x 3 = 0.0054 petaflop/s-days (their GPU-time estimate: 0.0058)"),
    "Transformer (big)": TrainingRun(2017, 2.3e19, "vaswani2017attention",
                                     "Table 2, training cost; the base model: 3.3e18"),
    "GPT-3 175B": TrainingRun(2020, 3.14e23, "brown2020language",
                              "Table D.1: 3.64e3 petaflop/s-days; 300 billion training tokens"),
    "Chinchilla": TrainingRun(2022, 5.76e23, "hoffmann2022training",
                              "70B parameters, 1.4 trillion tokens, trained with the compute budget of "
                              "Gopher, 5.76e23 FLOPs"),
}


#: Energy and hardware of a published training run (chapter 6, FAQ), as the source states it
#: (Patterson et al. 2021, Table 4).  Energy is in MWh: compare it with an energy (power x time),
#: never with a power such as the brain's ~20 W.
TRAINING_ENERGY: dict[str, Fact] = {
    "GPT-3 175B energy": Fact(1287.0, 0.0, "MWh", "patterson2021carbon",
                              "Table 4; 552 t CO2e net"),
    "GPT-3 175B processors": Fact(10_000, 0.0, "V100 GPUs", "patterson2021carbon", "Table 4"),
    "GPT-3 175B days": Fact(14.8, 0.0, "days of training", "patterson2021carbon", "Table 4"),
}


#: Published MNIST-1D test accuracies (Greydanus 2020; the table of the paper and of the ``mnist1d``
#: README), single runs rounded to whole percent.  "shuffled": the 40 features reordered by one fixed
#: permutation.  Set-up (the repository's ``notebooks/models.py`` and ``train.py``, PyTorch): Adam at
#: learning rate 1e-2, batches of 100 taken in order, 6,000 steps (150 epochs), 4,000 training and
#: 1,000 test examples; the CNN is ``ConvBase`` (5,210 parameters), the MLP ``MLPBase`` (15,210).
MNIST1D: dict[str, Fact] = {
    "logistic regression": Fact(0.32, 0.0, "test accuracy", "greydanus2020scaling"),
    "MLP": Fact(0.68, 0.0, "test accuracy", "greydanus2020scaling"),
    "CNN": Fact(0.94, 0.0, "test accuracy", "greydanus2020scaling"),
    "GRU": Fact(0.91, 0.0, "test accuracy", "greydanus2020scaling"),
    "human": Fact(0.96, 0.0, "test accuracy", "greydanus2020scaling"),
    "logistic regression, shuffled": Fact(0.32, 0.0, "test accuracy", "greydanus2020scaling"),
    "MLP, shuffled": Fact(0.68, 0.0, "test accuracy", "greydanus2020scaling"),
    "CNN, shuffled": Fact(0.56, 0.0, "test accuracy", "greydanus2020scaling"),
    "GRU, shuffled": Fact(0.57, 0.0, "test accuracy", "greydanus2020scaling"),
}

#: The same three models rerun with the same code by the repository's benchmark notebook
#: (``notebooks/mnist1d-classification.ipynb``: one seed, 42; test accuracy after the last of 6,000
#: steps): how far one run can land from the published table.
MNIST1D_RERUN: dict[str, Fact] = {
    "logistic regression": Fact(0.315, 0.0, "test accuracy", "greydanus2020mnist1d"),
    "MLP": Fact(0.651, 0.0, "test accuracy", "greydanus2020mnist1d"),
    "CNN": Fact(0.923, 0.0, "test accuracy", "greydanus2020mnist1d"),
    "logistic regression, shuffled": Fact(0.315, 0.0, "test accuracy", "greydanus2020mnist1d"),
    "MLP, shuffled": Fact(0.660, 0.0, "test accuracy", "greydanus2020mnist1d"),
    "CNN, shuffled": Fact(0.587, 0.0, "test accuracy", "greydanus2020mnist1d"),
}


#: Neuron counts by region.  Azevedo et al. (2009) counted nuclei of whole regions (isotropic
#: fractionator); Pakkenberg & Gundersen (1997) counted neocortical neurons by stereology in 94 brains,
#: the same laboratory and region as ``BRAIN["neocortical synapses"]`` (Pakkenberg et al. 2003): divide
#: synapses by *these* neurons for synapses per neocortical neuron, not by the whole cortex's count.
BRAIN_REGIONS: dict[str, Fact] = {
    "cerebral cortex neurons": Fact(16.34e9, 2.17e9, "neurons", "azevedo2009equal",
                                    "grey and white matter of the cerebral cortex"),
    "cerebellum neurons": Fact(69.03e9, 6.65e9, "neurons", "azevedo2009equal",
                               "about 80% of all neurons, in 10% of the mass"),
    "neocortical neurons, women": Fact(19e9, 0.0, "neurons", "pakkenberg1997neocortical",
                                       "mean of the female brains, ages 20-90 (abstract)"),
    "neocortical neurons, men": Fact(23e9, 0.0, "neurons", "pakkenberg1997neocortical",
                                     "mean of the male brains, 16% more than women (abstract)"),
}


#: scikit-learn's ``load_digits`` is the test set of the UCI "optical recognition of handwritten
#: digits" data (its description in ``sklearn.datasets`` and the UCI page): 43 people filled in the
#: forms, 30 of them wrote the training set and 13 others the test set.  A random split of
#: scikit-learn's copy therefore puts the same 13 writers on both sides.
OPTDIGITS: dict[str, Fact] = {
    "test images": Fact(1797, 0.0, "images", "alpaydin1998optdigits", "scikit-learn's load_digits"),
    "training images": Fact(3823, 0.0, "images", "alpaydin1998optdigits", "not shipped by scikit-learn"),
    "writers": Fact(43, 0.0, "people", "alpaydin1998optdigits"),
    "training-set writers": Fact(30, 0.0, "people", "alpaydin1998optdigits"),
    "test-set writers": Fact(13, 0.0, "people", "alpaydin1998optdigits", "different from the 30"),
}


#: Scale of published training runs and data sets cited in chapter 5 ("More data", "More compute").
SCALE: dict[str, Fact] = {
    "ResNet-50 in one hour, GPUs": Fact(256, 0.0, "GPUs", "goyal2017accurate",
                                        "ImageNet in one hour, synchronous SGD (abstract)"),
    "ResNet-50 in one hour, batch": Fact(8192, 0.0, "images per step", "goyal2017accurate",
                                         "minibatch size, with the linear learning-rate scaling rule"),
    "compute doubling before 2010": Fact(20, 0.0, "months", "sevilla2022compute",
                                         "pre-deep-learning era, in line with Moore's law"),
    "compute doubling since 2010": Fact(6, 0.0, "months", "sevilla2022compute",
                                        "deep-learning era"),
    "JFT-300M images": Fact(300e6, 0.0, "images", "sun2017revisiting",
                            "the JFT-300M data set; performance grows logarithmically with its size"),
}


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
