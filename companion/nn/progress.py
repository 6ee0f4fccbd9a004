"""Per-epoch progress display for ``fit``, on standard output.

``verbose=1`` shows a tqdm bar per epoch with the running loss and metrics; ``verbose=2`` prints one line
per epoch; ``verbose=0`` prints nothing.  Everything goes to ``sys.stdout`` (as looked up when the
epoch starts), never to stderr, which notebooks flag as an error.

The bar is redrawn at most every ``interval`` seconds: the training loop only compares the clock with
:attr:`EpochProgress.next_update` after each batch, so the display costs almost nothing per batch.
The one-line form (``verbose=2``) and the final state of the bar contain no timings other than tqdm's
elapsed time, so ``verbose=2`` output is reproducible.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # tqdm is imported when a bar is shown (verbose=1), not with the engine
    from tqdm import tqdm

__all__ = ["EpochProgress", "format_logs"]


def format_logs(logs: dict[str, float]) -> str:
    """``"loss: 0.1234 - accuracy: 0.9500"``, Keras's style."""
    return " - ".join(f"{key}: {value:.4f}" for key, value in logs.items())


class EpochProgress:
    """Display for one epoch.

    Parameters
    ----------
    epoch, epochs : int
        Epoch number (from 0) and total.
    steps : int
        Batches in the epoch.
    verbose : int
        0, 1 or 2.
    interval : float, default 0.25
        Minimum seconds between redraws of the bar.
    """

    #: Renders as ``Epoch 1/10: 45/45 |█████...█| 00:01<00:00, loss: 0.4517 - accuracy: 0.8812``.
    BAR_FORMAT = "{desc}: {n_fmt}/{total_fmt} |{bar:20}| {elapsed}<{remaining}{postfix}"

    def __init__(self, epoch: int, epochs: int, steps: int, verbose: int, interval: float = 0.25) -> None:
        self.epoch, self.verbose, self.interval = epoch, verbose, interval
        self.title = f"Epoch {epoch + 1}/{epochs}"
        self.next_update = float("inf")
        self.bar: tqdm | None = None
        if verbose == 1:
            from tqdm import tqdm

            self.bar = tqdm(
                total=steps, desc=self.title, unit="batch", file=sys.stdout, mininterval=0,
                miniters=1, leave=True, bar_format=self.BAR_FORMAT,
            )
            self.next_update = time.perf_counter() + interval

    def update(self, step: int, logs: dict[str, float]) -> None:
        """Redraw the bar after ``step`` batches with the running ``logs``."""
        if self.bar is not None:
            self.bar.set_postfix_str(format_logs(logs), refresh=False)
            self.bar.update(step - self.bar.n)
            self.next_update = time.perf_counter() + self.interval

    def close(self, step: int, logs: dict[str, float]) -> None:
        """Final state of the epoch (the bar's last redraw, or the ``verbose=2`` line)."""
        if self.bar is not None:
            self.update(step, logs)
            self.bar.close()
        elif self.verbose == 2:
            print(f"{self.title} - {format_logs(logs)}", file=sys.stdout)

    def abort(self) -> None:
        """Close the bar (if any) without a final update, when training stops with an exception."""
        if self.bar is not None:
            self.bar.close()
