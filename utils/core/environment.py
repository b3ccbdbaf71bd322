"""Environment check: Python, TensorFlow, Keras, pandas versions, CPU/GPU, Colab.

`check_versions` is pure (easy to test); `environment_report` reads the installed
packages and fails with an actionable message on legacy Keras 2 or an old TensorFlow.
"""

from __future__ import annotations

import os
import platform
import re
import sys

from .machine import describe_machine

MIN_PYTHON = (3, 10)
MIN_TENSORFLOW = (2, 16)  # the first TensorFlow that ships Keras 3
MIN_KERAS = (3, 5)

os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # before anything imports keras
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's C++ info chatter


class EnvironmentProblem(RuntimeError):
    """The installed packages cannot run the course; the message says how to fix it."""


def parse_version(text: str) -> tuple[int, ...]:
    """'2.21.0' -> (2, 21, 0); '2.16.0rc1' -> (2, 16, 0); '3.15.1.dev2' -> (3, 15, 1)."""
    parts = []
    for piece in text.split(".")[:3]:
        match = re.match(r"\d+", piece)
        if not match:
            break
        parts.append(int(match.group()))
    if not parts:
        raise ValueError(f"cannot read a version number from {text!r}")
    return tuple(parts)


def check_versions(python: str, tensorflow: str, keras: str, backend: str = "tensorflow") -> None:
    """Raise EnvironmentProblem if these versions cannot run the course."""
    fix = "Fix: pip install -r requirements.txt (in a fresh virtual environment)."
    if parse_version(python)[:2] < MIN_PYTHON:
        raise EnvironmentProblem(
            f"Python {python} is too old; the course needs Python "
            f"{'.'.join(map(str, MIN_PYTHON))} or newer."
        )
    if parse_version(keras)[0] < 3:
        raise EnvironmentProblem(
            f"Keras {keras} is legacy Keras 2 (tf_keras or TF_USE_LEGACY_KERAS=1). "
            "This course is written for Keras 3: unset TF_USE_LEGACY_KERAS, restart the "
            f"kernel, and make sure `import keras` gives 3.x. {fix}"
        )
    if parse_version(keras)[:2] < MIN_KERAS:
        raise EnvironmentProblem(f"Keras {keras} is older than {MIN_KERAS[0]}.{MIN_KERAS[1]}. {fix}")
    if parse_version(tensorflow)[:2] < MIN_TENSORFLOW:
        raise EnvironmentProblem(
            f"TensorFlow {tensorflow} is too old; the course needs TensorFlow "
            f"{MIN_TENSORFLOW[0]}.{MIN_TENSORFLOW[1]} or newer (Keras 3). {fix}"
        )
    if backend != "tensorflow":
        raise EnvironmentProblem(
            f"Keras is using the {backend!r} backend; the lessons use TensorFlow ops "
            "(tf.data, GradientTape). Set KERAS_BACKEND=tensorflow and restart the kernel."
        )


def in_colab() -> bool:
    return "google.colab" in sys.modules


def environment_report() -> dict:
    """Check the installed versions and describe the machine; raise if unusable."""
    import keras
    import pandas
    import tensorflow as tf

    if os.environ.get("TF_USE_LEGACY_KERAS", "").lower() in ("1", "true"):
        raise EnvironmentProblem(
            "TF_USE_LEGACY_KERAS is set, so TensorFlow uses legacy Keras 2. This course is "
            "written for Keras 3: unset TF_USE_LEGACY_KERAS and restart the kernel."
        )
    python = platform.python_version()
    check_versions(python, tf.__version__, keras.__version__, keras.backend.backend())
    return {
        "python": python,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "pandas": pandas.__version__,
        "numpy": __import__("numpy").__version__,
        "machine": describe_machine(),
        "colab": in_colab(),
    }
