"""Shared code for the GRU course. Every notebook imports it in its setup cell.

Core (lesson 00): run mode, seeding, paths, environment check, plotting, timer,
metrics recording, exercise checks and the dataset loaders. Lesson-specific helpers
live in their own modules (for example `utils.numpy_gru`, lesson 02) and are imported
by the lessons that use them.
"""

from .environment import EnvironmentProblem, environment_report, in_colab  # sets KERAS_BACKEND first
from .datasets import (
    DataFileError,
    load_household_power,
    load_movie_reviews,
    load_shakespeare,
    load_stocks,
    shakespeare_titles,
)
from .exercises import ExerciseCheckFailed, check, check_close
from .mode import by_mode, current_mode, is_fast
from .paths import BUILD_DIR, DATA_DIR, NOTEBOOKS_DIR, REPO_ROOT
from .plotting import plot_histories, plot_history, use_course_style
from .report import record
from .seed import DEFAULT_SEED, set_seed
from .timer import Timer


def setup_notebook(seed: int = DEFAULT_SEED) -> None:
    """What every lesson's setup cell calls: check the environment, seed, style, say the mode.

    Returns nothing, so the cell shows one line; `environment_report()` gives the details.
    """
    report = environment_report()
    set_seed(seed)
    use_course_style()
    print(
        f"GRU course | mode: {current_mode()} | Python {report['python']} | "
        f"TensorFlow {report['tensorflow']} | Keras {report['keras']} | "
        f"{report['device']} ({report['cpu_cores']} cores) | "
        f"{'Colab' if report['colab'] else 'local'} | seed {seed}"
    )


__all__ = [
    "BUILD_DIR", "DATA_DIR", "DEFAULT_SEED", "NOTEBOOKS_DIR", "REPO_ROOT",
    "DataFileError", "EnvironmentProblem", "ExerciseCheckFailed", "Timer",
    "by_mode", "check", "check_close", "current_mode", "environment_report", "in_colab",
    "is_fast", "load_household_power", "load_movie_reviews", "load_shakespeare",
    "load_stocks", "plot_histories", "plot_history", "record", "set_seed",
    "setup_notebook", "shakespeare_titles", "use_course_style",
]
