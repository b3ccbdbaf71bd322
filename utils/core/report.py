"""Record a notebook's headline numbers: `utils.record(test_mae=0.41, baseline_mae=0.48)`.

Inside a notebook the numbers are printed. Under `python -m utils run` the runner sets
COURSE_METRICS_FILE, and each call also merges them into that JSON file, from which
the run report (build/report.md) is made.
"""

from __future__ import annotations

import json
import math
import numbers
import os
from pathlib import Path

METRICS_ENV = "COURSE_METRICS_FILE"


def _clean_value(name: str, value):
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, numbers.Real):  # int, float, numpy scalars
        value = float(value) if not isinstance(value, numbers.Integral) else int(value)
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(
                f"metric {name}={value} is not finite; a NaN or inf usually means training "
                "diverged or a division by zero. Fix the cause instead of recording it."
            )
        return value
    if hasattr(value, "item") and getattr(value, "shape", None) == ():  # 0-d tensor/array
        return _clean_value(name, value.item())
    raise TypeError(f"metric {name} must be a number, bool or str, got {type(value).__name__}")


def record(**metrics) -> dict:
    """Print and store headline metrics; return them as plain Python values."""
    if not metrics:
        raise ValueError("record() needs at least one metric, e.g. record(test_mae=0.41)")
    clean = {name: _clean_value(name, value) for name, value in metrics.items()}
    for name, value in clean.items():
        shown = f"{value:.4g}" if isinstance(value, float) else value
        print(f"recorded {name} = {shown}")
    target = os.environ.get(METRICS_ENV)
    if target:
        path = Path(target)
        stored = json.loads(path.read_text()) if path.exists() else {}
        stored.update(clean)
        path.write_text(json.dumps(stored, indent=2))
    return clean
