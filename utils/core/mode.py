"""The run mode: `full` (what a learner runs, the default) or `fast` (CI, smoke runs).

Read in one place. `COURSE_MODE=fast|full` chooses; `CI=true` implies fast when
`COURSE_MODE` is unset. Notebooks never test the mode themselves, they ask for sizes:

    EPOCHS = utils.by_mode(full=20, fast=1)
"""

from __future__ import annotations

import os
from typing import TypeVar

MODES = ("full", "fast")
T = TypeVar("T")


def current_mode() -> str:
    """Return "full" or "fast" from the environment; raise on anything else."""
    value = os.environ.get("COURSE_MODE", "").strip().lower()
    if not value:
        return "fast" if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes") else "full"
    if value not in MODES:
        raise ValueError(
            f"COURSE_MODE={os.environ['COURSE_MODE']!r} is not a mode. Use "
            "COURSE_MODE=full (default, real results) or COURSE_MODE=fast (quick smoke run), "
            "or unset it."
        )
    return value


def is_fast() -> bool:
    return current_mode() == "fast"


def by_mode(*, full: T, fast: T) -> T:
    """Pick a size for the current mode, e.g. `by_mode(full=20, fast=1)`."""
    return fast if is_fast() else full
