"""Saving and loading weights as ``.npz`` files that also record the architecture.

The file holds ``weight_0, weight_1, ...`` (Keras's ``get_weights`` order) and ``architecture``, a JSON
string with the input size, the dtype and every layer's units, activation and bias flag.  Loading
compares the architecture first and refuses a file made for another network.  Files are read with
``allow_pickle=False``: a weights file from a stranger cannot run code.

Examples
--------
>>> import tempfile, os
>>> from companion import nn
>>> model = nn.Sequential([nn.Dense(2, input_shape=(3,))], seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "w.npz")
>>> model.save_weights(path)
>>> model.load_weights(path)
"""

from __future__ import annotations

import json
import os
import zipfile
from os import PathLike
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from companion.nn.model import Sequential

__all__ = ["FORMAT", "load_weights", "save_weights"]

#: Format tag stored in every file.
FORMAT = "companion.nn.weights/1"


def save_weights(model: Sequential, path: str | PathLike) -> None:
    """Write ``model``'s weights and architecture to ``path`` (exactly that name; no suffix is added)."""
    model.require_built("save_weights")
    arrays = {f"weight_{i}": w for i, w in enumerate(model.weights)}
    meta = json.dumps({"format": FORMAT, **model.get_config()}, sort_keys=True)
    with open(os.fspath(path), "wb") as fh:
        np.savez(fh, architecture=np.array(meta), **arrays)  # type: ignore[arg-type]


def _read(path: str | PathLike) -> tuple[dict, list[np.ndarray]]:
    name = os.fspath(path)
    try:
        # Opening the file here (not in np.load) guarantees it is closed when the zip is corrupt.
        with open(name, "rb") as fh, np.load(fh, allow_pickle=False) as data:
            meta = json.loads(str(data["architecture"][()]))
            count = sum(1 for key in data.files if key.startswith("weight_"))
            weights = [data[f"weight_{i}"] for i in range(count)]
    except FileNotFoundError:
        raise
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, json.JSONDecodeError,
            TypeError, AttributeError) as err:
        raise ValueError(
            f"cannot read weights file {name!r}: it is truncated, corrupt or not written by "
            f"save_weights ({type(err).__name__}: {err})"
        ) from None
    if not _well_formed(meta):
        raise ValueError(f"weights file {name!r} is not a {FORMAT} file (its architecture record is missing "
                         "or malformed)")
    return meta, weights


_LAYER_KEYS = {"units", "activation", "use_bias", "input_dim"}


def _well_formed(meta: object) -> bool:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        return False
    layers = meta.get("layers")
    return (
        isinstance(meta.get("input_dim"), int)
        and isinstance(meta.get("dtype"), str)
        and isinstance(layers, list)
        and all(isinstance(c, dict) and _LAYER_KEYS <= set(c) for c in layers)
    )


def _describe(config: dict) -> str:
    layers = ", ".join(f"{c['units']} {c['activation']}" for c in config["layers"])
    return f"{config['input_dim']} inputs -> [{layers}], {config['dtype']}"


def load_weights(model: Sequential, path: str | PathLike) -> None:
    """Load weights written by :func:`save_weights` into ``model``.

    An unbuilt model is built for the file's input size first.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is truncated or corrupt, or was saved from a different architecture (the message
        shows both); the model is unchanged then.
    """
    name = os.fspath(path)
    meta, weights = _read(name)
    if not model.layers:
        raise ValueError("load_weights: the model has no layers; add the same nn.Dense layers first")
    saved = {k: meta.get(k) for k in ("input_dim", "dtype", "layers")}
    mine = model.get_config()
    if mine["input_dim"] is None:
        mine["input_dim"] = saved["input_dim"]
        mine["layers"][0]["input_dim"] = saved["input_dim"]
        for prev, layer in zip(mine["layers"], mine["layers"][1:]):
            layer["input_dim"] = prev["units"]
    if saved != mine:
        raise ValueError(
            f"weights file {name!r} was saved from a different architecture: file has "
            f"{_describe(saved)}, model has {_describe(mine)}"
        )
    if not model.built:
        model.build(saved["input_dim"])
    model.set_weights(weights)
