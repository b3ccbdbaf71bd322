"""A small wall-clock timer for measuring training and inference."""

from __future__ import annotations

import time


class Timer:
    """Measure wall time of a block:

        with utils.Timer() as t:
            model.fit(...)
        print(f"{t.seconds:.1f} s")
    """

    def __init__(self) -> None:
        self.start: float | None = None
        self.seconds: float | None = None

    def __enter__(self) -> "Timer":
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start

    def __repr__(self) -> str:
        return "Timer(running)" if self.seconds is None else f"Timer({self.seconds:.3f} s)"
