"""Environment check: Python, TensorFlow, Keras, NumPy, pandas, Matplotlib, CPU/GPU, Colab.

The oldest versions the course supports are written in ONE place, `requirements.txt`
(`tensorflow>=2.16.2,<3`, ...): pip installs from it, `minimum_versions()` reads the same
lines for the setup cell's check, and CI installs exactly those floors
(`constraints/floor.txt`, which a test keeps equal to them) and runs every lesson on them.

`check_versions` is pure (easy to test); `environment_report` reads the imported packages
and fails with an actionable message on legacy Keras 2, a package older than the floor or
another Keras backend. On Colab, where the course installs nothing, the message says the
exact `!pip install` line to run; `upgrade_colab()` runs it and restarts the runtime.
"""

from __future__ import annotations

import functools
import os
import platform
import re
import signal
import subprocess
import sys
from pathlib import Path

from .machine import describe_machine
from .paths import REPO_ROOT

MIN_PYTHON = (3, 10)
REQUIREMENTS = REPO_ROOT / "requirements.txt"
# The packages whose floor the setup cell checks (pip name -> how the messages name it).
CHECKED = {
    "tensorflow": "TensorFlow",
    "keras": "Keras",
    "numpy": "NumPy",
    "pandas": "pandas",
    "matplotlib": "Matplotlib",
}

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


def dotted(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


# ---------------------------------------------------------------- the floor, from requirements.txt
def requirement_lines(path: Path | str = REQUIREMENTS) -> dict[str, str]:
    """{pip name: its requirement as written, e.g. "keras>=3.5.0,<4"} for each CHECKED package."""
    path = Path(path)
    if not path.is_file():
        raise EnvironmentProblem(
            f"cannot find {path}: the course's requirements.txt must sit next to its utils/ folder "
            "(clone or download the whole course, not utils/ alone)."
        )
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].split(";", 1)[0].strip()
        match = re.match(r"([A-Za-z0-9_.-]+)\s*(.*)", requirement)
        if match and match.group(1).lower() in CHECKED:
            found[match.group(1).lower()] = match.group(1) + match.group(2).replace(" ", "")
    missing = [name for name in CHECKED if name not in found]
    if missing:
        raise EnvironmentProblem(f"{path} has no line for {', '.join(missing)}")
    return found


@functools.cache
def minimum_versions(path: Path | str = REQUIREMENTS) -> dict[str, tuple[int, ...]]:
    """{pip name: the oldest supported version}, read from the `>=` of each CHECKED requirement."""
    floors = {}
    for name, requirement in requirement_lines(path).items():
        match = re.search(r">=\s*([0-9][0-9A-Za-z.]*)", requirement)
        if not match:
            raise EnvironmentProblem(f"{path}: the {name} requirement {requirement!r} states no minimum (>=)")
        floors[name] = parse_version(match.group(1))
    return floors


def fix_command(names, colab: bool, path: Path | str = REQUIREMENTS) -> str:
    """What to run to bring the packages `names` up to the floor, for Colab or a local install."""
    if colab:
        lines = requirement_lines(path)
        specs = " ".join(f'"{lines[name]}"' for name in names)
        return (
            f"Fix (Colab): run  !pip install -q {specs}  in a new cell, then Runtime -> Restart "
            "session, and run the notebook again from the top. Or let the course do both: "
            "from utils.core.environment import upgrade_colab; upgrade_colab()"
        )
    return (
        "Fix: in the course folder, `pip install -r requirements.txt` in the course's virtual "
        "environment (or a fresh one: python3 -m venv .venv && . .venv/bin/activate && "
        "pip install -r requirements.txt), then restart the kernel."
    )


def too_old(installed: dict[str, str], minimums: dict[str, tuple[int, ...]]) -> list[str]:
    """The names in `installed` (pip name -> version text) whose version is below its floor."""
    return [name for name, version in installed.items() if name in minimums and parse_version(version) < minimums[name]]


def check_versions(
    python: str,
    tensorflow: str,
    keras: str,
    backend: str = "tensorflow",
    *,
    numpy: str | None = None,
    pandas: str | None = None,
    matplotlib: str | None = None,
    minimums: dict[str, tuple[int, ...]] | None = None,
    colab: bool = False,
) -> None:
    """Raise EnvironmentProblem if these versions cannot run the course.

    `minimums` defaults to the floors of requirements.txt; a version left as None is not checked.
    """
    minimums = minimum_versions() if minimums is None else minimums
    if parse_version(python)[:2] < MIN_PYTHON:
        raise EnvironmentProblem(f"Python {python} is too old; the course needs Python {dotted(MIN_PYTHON)} or newer.")
    if parse_version(keras)[0] < 3:
        raise EnvironmentProblem(
            f"Keras {keras} is legacy Keras 2 (tf_keras or TF_USE_LEGACY_KERAS=1). "
            "This course is written for Keras 3: unset TF_USE_LEGACY_KERAS, restart the "
            f"kernel, and make sure `import keras` gives 3.x. {fix_command(['keras'], colab)}"
        )
    installed = {"tensorflow": tensorflow, "keras": keras, "numpy": numpy, "pandas": pandas, "matplotlib": matplotlib}
    old = too_old({name: version for name, version in installed.items() if version is not None}, minimums)
    if old:
        found = "; ".join(
            f"{CHECKED[name]} {installed[name]} (the course needs {dotted(minimums[name])} or newer)" for name in old
        )
        raise EnvironmentProblem(
            f"Too old for this course: {found}. The lessons are tested on these oldest versions and on "
            f"the newest; older ones are not supported. {fix_command(old, colab)}"
        )
    if backend != "tensorflow":
        raise EnvironmentProblem(
            f"Keras is using the {backend!r} backend; the lessons use TensorFlow ops "
            "(tf.data, GradientTape). Set KERAS_BACKEND=tensorflow and restart the kernel."
        )


def in_colab() -> bool:
    return "google.colab" in sys.modules


def imported_versions() -> dict[str, str]:
    """The version of each CHECKED package as imported in this process (what the lessons will use)."""
    import keras
    import matplotlib
    import numpy
    import pandas
    import tensorflow as tf

    return {
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "matplotlib": matplotlib.__version__,
    }


def environment_report() -> dict:
    """Check the installed versions and describe the machine; raise if unusable."""
    if os.environ.get("TF_USE_LEGACY_KERAS", "").lower() in ("1", "true"):
        raise EnvironmentProblem(
            "TF_USE_LEGACY_KERAS is set, so TensorFlow uses legacy Keras 2. This course is "
            "written for Keras 3: unset TF_USE_LEGACY_KERAS and restart the kernel."
        )
    import keras

    python = platform.python_version()
    versions = imported_versions()
    check_versions(
        python,
        versions["tensorflow"],
        versions["keras"],
        keras.backend.backend(),
        numpy=versions["numpy"],
        pandas=versions["pandas"],
        matplotlib=versions["matplotlib"],
        colab=in_colab(),
    )
    return {
        "python": python,
        "tensorflow": versions["tensorflow"],
        "keras": versions["keras"],
        "pandas": versions["pandas"],
        "numpy": versions["numpy"],
        "matplotlib": versions["matplotlib"],
        "machine": describe_machine(),
        "colab": in_colab(),
    }


def upgrade_colab(restart: bool = True) -> list[str]:
    """On Colab: pip install the floor of every package older than it, then restart the runtime.

    Installs only those packages, with their requirement from requirements.txt (so a Colab
    whose TensorFlow is recent enough keeps it). Pip may warn that some of Colab's other
    preinstalled packages expect other versions; the lessons do not use them. A Python
    process cannot swap a package it has imported, so the runtime must restart: this kills
    the kernel, Colab starts a new one ("Your session crashed..." is expected), and you
    run the notebook again from the top. Returns the requirements installed.
    """
    if not in_colab():
        raise EnvironmentProblem(
            "upgrade_colab() is for Google Colab. Here: pip install -r requirements.txt in the "
            "course's virtual environment, then restart the kernel."
        )
    lines = requirement_lines()
    specs = [lines[name] for name in too_old(imported_versions(), minimum_versions())]
    if not specs:
        print("Every package is already at the course's floor or newer; nothing to upgrade.")
        return []
    print("Installing:", " ".join(specs))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *specs], check=True)
    if restart:
        print("Restarting the runtime: wait until it reconnects, then run the notebook from the top.")
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    return specs
