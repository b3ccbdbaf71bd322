"""Wall-clock timing for training and inference: a block (`Timer`) or the median of many calls."""

from __future__ import annotations

import statistics
import time

from .checks import positive_int, whole_number


class Timer:
    """Measure wall time of a block:

    with utils.Timer() as t:
        model.fit(...)
    print(f"{t.seconds:.1f} s")
    """

    def __init__(self) -> None:
        self.start: float | None = None
        self.seconds: float | None = None

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start

    def __repr__(self) -> str:
        return "Timer(running)" if self.seconds is None else f"Timer({self.seconds:.3f} s)"


def median_seconds(function, repeats: int = 200, warmup: int = 10) -> float:
    """The median wall time of `function()` over `repeats` calls, after `warmup` untimed calls
    (the first calls trace graphs and fill caches). A median resists a shared, noisy CPU."""
    positive_int("repeats", repeats)
    whole_number("warmup", warmup, minimum=0)
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        with Timer() as timer:
            function()
        times.append(timer.seconds)
    return statistics.median(times)
