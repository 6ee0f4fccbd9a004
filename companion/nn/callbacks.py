"""Callbacks: code that ``fit`` runs at the start and end of training and of every epoch.

Only epoch-level hooks exist (no per-batch hooks): calling Python code after every batch would cost
more than the batch itself for small networks.

Examples
--------
>>> stop = EarlyStopping(monitor="loss", patience=2)
>>> stop.patience
2
"""

from __future__ import annotations

import warnings
from typing import Any

from companion._validation import check_choice, check_int

__all__ = ["Callback", "EarlyStopping", "History"]


class Callback:
    """Base class; :attr:`model` is set by ``fit`` before :meth:`on_train_begin`."""

    def __init__(self) -> None:
        self.model: Any = None

    def set_model(self, model: Any) -> None:
        self.model = model

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Called once before the first epoch."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Called before each epoch (``epoch`` counts from 0)."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Called after each epoch with that epoch's ``logs`` (``{"loss": ..., "val_loss": ...}``)."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """Called once after the last epoch (also after early stopping)."""


class History(Callback):
    """Records the logs of every epoch; ``fit`` returns it.

    Attributes
    ----------
    history : dict of str to list of float
        ``history["loss"][e]`` is the mean training loss of epoch ``e`` (over its batches, weighted by
        batch size, computed before each batch's update, as Keras reports it).
    epoch : list of int
    params : dict
        ``{"epochs": ..., "steps": ..., "verbose": ...}``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.params: dict = {}

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


class EarlyStopping(Callback):
    """Stop training when a monitored quantity has stopped improving (Keras's rules).

    After each epoch, the value counts as an improvement if it beats the best so far by more than
    ``min_delta`` (lower for ``mode="min"``, higher for ``"max"``; ``"auto"`` maximises names containing
    ``"acc"`` and minimises the rest).  Training stops once ``patience`` epochs in a row brought no
    improvement (never after the first epoch).

    Parameters
    ----------
    monitor : str, default "val_loss"
    min_delta : float, default 0
    patience : int, default 0
    verbose : int, default 0
        1 prints a line when stopping and when restoring weights.
    mode : {"auto", "min", "max"}
    baseline : float, optional
        The patience counter only resets for values that also beat ``baseline``.
    restore_best_weights : bool, default False
        At the end of training, put back the weights of the best epoch.
    start_from_epoch : int, default 0
        Epochs to wait before monitoring.

    Attributes
    ----------
    stopped_epoch : int
        Epoch (from 0) at which training was stopped, 0 if it was not.
    best, best_epoch : float, int
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__()
        check_choice("mode", mode, ("auto", "min", "max"))
        patience = check_int("patience", patience, minimum=0)
        if mode == "auto":
            mode = "max" if "acc" in monitor.removeprefix("val_") else "min"
        self.monitor, self.mode = monitor, mode
        self.min_delta = abs(float(min_delta))
        self.patience, self.verbose = patience, verbose
        self.baseline, self.restore_best_weights = baseline, bool(restore_best_weights)
        self.start_from_epoch = start_from_epoch
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best: float | None = None
        self.best_weights: list | None = None

    def _is_improvement(self, value: float, reference: float | None) -> bool:
        if reference is None:
            return True
        if self.mode == "min":
            return value + self.min_delta < reference
        return value - self.min_delta > reference

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best = None
        self.best_weights = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"EarlyStopping monitors {self.monitor!r}, which is not available; available: "
                f"{sorted(logs)}",
                stacklevel=2,
            )
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
