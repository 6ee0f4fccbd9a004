"""``model.summary()``: a plain-text table of layers, output shapes and parameter counts.

The layout is Keras's (plain text, no box drawing), with the activation as an extra column::

    Model: "sequential"
    ______________________________________________________________________________
     Layer (type)                     Output Shape      Activation          Param #
    ==============================================================================
     dense (Dense)                    (None, 64)        relu                  6,464

     dense_1 (Dense)                  (None, 64)        relu                  4,160

     dense_2 (Dense)                  (None, 10)        softmax                 650
    ==============================================================================
    Total params: 11,274 (44.04 KB, float32)
    Trainable params: 11,274 (44.04 KB)
    Non-trainable params: 0 (0.00 B)
    ______________________________________________________________________________

The model counts its own parameters (:math:`\\text{in}\\cdot\\text{out} + \\text{out}` per Dense
layer); this module only lays out the lines.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from companion.nn.layers import Dense

if TYPE_CHECKING:
    from companion.nn.model import Sequential

__all__ = ["print_summary"]

_RULE_WIDTH = 78
_COLUMNS = (33, 18, 12, 15)
_HEAD = ("Layer (type)", "Output Shape", "Activation", "Param #")


def print_summary(model: Sequential, print_fn: Callable[[str], None] | None = None) -> None:
    """Print ``model``'s summary line by line with ``print_fn`` (default: ``print`` to stdout)."""
    out = print_fn or (lambda line: print(line, file=sys.stdout))
    rule, width = "_" * _RULE_WIDTH, _COLUMNS
    out(f'Model: "{model.name}"')
    out(rule)
    out(" " + "".join(h.ljust(w) for h, w in zip(_HEAD[:3], width)) + _HEAD[3].rjust(width[3]))
    out("=" * _RULE_WIDTH)
    for i, layer in enumerate(model.layers):
        kind, act = ("Dense", layer.activation.name) if isinstance(layer, Dense) else ("Dropout", "")
        cells = (f"{layer.name} ({kind})", f"(None, {layer.units})", act)
        params = f"{layer.count_params():,}".rjust(width[3])
        out(" " + "".join(c.ljust(w) for c, w in zip(cells, width)) + params)
        if i < len(model.layers) - 1:
            out("")
    n = model.count_params()
    size = n * model.dtype.itemsize
    out("=" * _RULE_WIDTH)
    out(f"Total params: {n:,} ({size / 1024:.2f} KB, {model.dtype.name})")
    out(f"Trainable params: {n:,} ({size / 1024:.2f} KB)")
    out("Non-trainable params: 0 (0.00 B)")
    out(rule)
