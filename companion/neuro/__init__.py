"""Biological neuron models and learning rules, for the chapters on neural networks and the brain.

One concept per module; equations are labelled ``(neuro.<module>.<n>)`` in the docstrings.

Modules
-------
mcculloch_pitts
    The McCulloch-Pitts threshold unit, logic gates, and why no single unit computes XOR.
perceptron
    Rosenblatt's perceptron learning rule; a hand-wired two-layer threshold network for XOR.
lif
    The leaky integrate-and-fire neuron: exact simulation, closed-form rate, f-I curve, ReLU fit.
hh_channels
    The Hodgkin-Huxley gating kinetics: rate functions, steady states, time constants.
hodgkin_huxley
    The Hodgkin-Huxley squid axon (-65 mV convention), RK4 on batches of currents, f-I curve.
plasticity
    Hebb's rule and Oja's rule (which finds the first principal component).
feedback_alignment
    A two-layer network trained with backpropagation, with feedback alignment, or only in its last layer.
spikes
    Poisson spike trains and firing-rate estimates.
timing
    The time grid the simulated models share (``n_steps_of``).

Units: time ms, voltage mV, rate Hz; LIF current nA (resistance MOhm); Hodgkin-Huxley current
density uA/cm^2.
"""

from __future__ import annotations

from companion.neuro.feedback_alignment import RULES, TwoLayerTrace, teacher_task, train_two_layer
from companion.neuro.hh_channels import (
    alpha_h,
    alpha_m,
    alpha_n,
    beta_h,
    beta_m,
    beta_n,
    steady_state,
    time_constants,
)
from companion.neuro.hodgkin_huxley import HHResult, HodgkinHuxley
from companion.neuro.lif import LIFNeuron, LIFResult, ReluFit, fit_relu
from companion.neuro.mcculloch_pitts import (
    GATES,
    XOR_TABLE,
    McCullochPittsUnit,
    boolean_inputs,
    logic_gate,
    search_threshold_unit,
    truth_table,
)
from companion.neuro.perceptron import Perceptron, PerceptronFit, ThresholdNetwork, xor_network
from companion.neuro.plasticity import cosine_similarity, hebb, leading_eigenvector, oja
from companion.neuro.spikes import (
    binned_rate,
    isi_cv,
    poisson_spike_times,
    poisson_spike_train,
    smoothed_rate,
    spike_count_rate,
)

__all__ = [
    "GATES",
    "HHResult",
    "HodgkinHuxley",
    "LIFNeuron",
    "LIFResult",
    "McCullochPittsUnit",
    "Perceptron",
    "PerceptronFit",
    "RULES",
    "ReluFit",
    "ThresholdNetwork",
    "TwoLayerTrace",
    "XOR_TABLE",
    "alpha_h",
    "alpha_m",
    "alpha_n",
    "beta_h",
    "beta_m",
    "beta_n",
    "binned_rate",
    "boolean_inputs",
    "cosine_similarity",
    "fit_relu",
    "hebb",
    "isi_cv",
    "leading_eigenvector",
    "logic_gate",
    "oja",
    "poisson_spike_times",
    "poisson_spike_train",
    "search_threshold_unit",
    "smoothed_rate",
    "spike_count_rate",
    "steady_state",
    "teacher_task",
    "time_constants",
    "train_two_layer",
    "truth_table",
    "xor_network",
]
