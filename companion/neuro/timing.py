"""The time grid the simulated neuron models share: how many steps of ``dt`` fit in a duration."""

from __future__ import annotations

__all__ = ["n_steps_of"]


def n_steps_of(duration: float, dt: float) -> int:
    """Number of whole steps of ``dt`` in ``duration``, :math:`N = \\mathrm{round}(T / \\Delta t)`.

    Called after both were checked to be positive numbers (in ms).

    Raises
    ------
    ValueError
        If ``duration`` is shorter than half a step, so that no step fits.

    Examples
    --------
    >>> n_steps_of(100.0, 0.025)
    4000
    """
    n = int(round(duration / dt))
    if n < 1:
        raise ValueError(
            f"duration must be at least one time step dt ({dt} ms), got {duration} ms"
        )
    return n
