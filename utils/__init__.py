"""Shared code for the GRU course. Every notebook imports it in its setup cell.

The package has three parts, one per audience:

- **core** (`utils.core`, re-exported here as `utils.<name>`): what every lesson uses:
  run mode, seeding, paths, the environment check, plotting, timers, `record(...)`,
  exercise checks, argument checks and the dataset loaders.
- **lesson modules** (`utils.lessons.lessonNN_topic`): code that one lesson teaches and
  later lessons reuse. They import only the core, never each other (a test enforces it);
  what two lessons share lives in the core (the character table of lessons 07 and 08 is
  `utils.core.chars`), so the imports stay acyclic.
  Notebooks import them one way: `from utils.lessons import lesson05_forecasting as forecasting`.
- **tools** (`utils.tools`): maintainer and instructor commands behind
  `python -m utils run|student|grade|results|maps|badges|clean`. Lessons never import them.

Lesson map (lesson -> module -> key functions). The one source of the module map:
`python -m utils maps` copies it into README.md, and a test checks it against the code
(every name defined in its module) and the lessons (the first column is the module's
own lesson, then the other lessons that import it).

| lessons | module | key names |
|---|---|---|
| 01 | `lesson01_gradients` | `gradient_norms_by_lag`, `typical_by_lag`, `loss_gradient_norms`, `clip_by_norm` |
| 01 (and 03, 04) | `lesson01_sequence_tasks` | `adding_task`, `first_symbol_task`, `adding_accuracy` |
| 02 | `lesson02_numpy_gru` | `gru_cell`, `gru_sequence`, `gru_sequence_gradients`, `plot_gru_cell` |
| 03 (and 04) | `lesson03_compare` | `compare_models`, `tuned_runs`, `benchmark_steps`, `summary`, `matching_units` |
| 04 (and 06) | `lesson04_training` | `GradientNormLogger`, `replay_early_stopping`, `over_seeds` |
| 05 (and 00, 02, 03, 04, 09, 10) | `lesson05_forecasting` | `split_by_time`, `window_arrays`, `standardized_windows`, `naive_forecast`, `recursive_forecast` |
| 06 | `lesson06_text` | `build_vectorizer`, `make_dataset`, `predict_sentiment` |
| 07 (and 10) | `lesson07_chars` | `CharVocabulary`, `sequence_dataset`, `generate`, `complete_word`, `predict_carrying_state` |
| 08 | `lesson08_seq2seq` | `CharTokenizer`, `seq2seq_dataset`, `greedy_decode`, `beam_search`, `state_at_every_step`, `choose_learning_rate`, `field_spans`, `alignment_hits`, `milliseconds` |
| 09 | `lesson09_anomalies` | `copied_days`, `away_days`, `average_precision`, `threshold_for_recall`, `ap_interval`, `ap_difference`, `inject`, `normalise_by_hour`, `load_nab` |
| 10 | `lesson10_deploy` | `step_model`, `convert_all`, `convert_in_subprocess`, `litert_runner`, `BareRunner`, `Int8Step`, `quantized_input_range`, `clipped_fraction`, `latency`, `StreamServer`, `http_endpoint` |
| 11 | `lesson11_speech` | `log_mel`, `length_batches`, `dtw_distances`, `ctc_targets`, `error_rates` |
"""

# isort: off
from .core.environment import EnvironmentProblem, environment_report, in_colab  # sets KERAS_BACKEND first

# isort: on
from .core.datasets import (
    DataFileError,
    load_household_power,
    load_movie_reviews,
    load_shakespeare,
    load_spoken_digits,
    load_stocks,
    load_written_dates,
    shakespeare_titles,
)
from .core.exercises import ExerciseCheckFailed, check, check_close, check_written_by_hand, exercise
from .core.machine import describe_machine
from .core.mode import by_mode, current_mode, is_fast
from .core.paths import BUILD_DIR, DATA_DIR, NOTEBOOKS_DIR, REPO_ROOT
from .core.plotting import plot_histories, plot_history, use_course_style
from .core.report import record
from .core.seed import DEFAULT_SEED, set_seed
from .core.timer import Timer, median_seconds


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
        f"{report['machine']} | {'Colab' if report['colab'] else 'local'} | seed {seed}"
    )


def __getattr__(name: str):
    """`utils.EpochTimer` on first use, so that `import utils` does not import Keras."""
    if name == "EpochTimer":
        from .core.callbacks import EpochTimer

        return EpochTimer
    raise AttributeError(f"module 'utils' has no attribute {name!r}")


__all__ = [
    "BUILD_DIR",
    "DATA_DIR",
    "DEFAULT_SEED",
    "NOTEBOOKS_DIR",
    "REPO_ROOT",
    "DataFileError",
    "EnvironmentProblem",
    "EpochTimer",
    "ExerciseCheckFailed",
    "Timer",
    "median_seconds",
    "by_mode",
    "check",
    "check_close",
    "check_written_by_hand",
    "exercise",
    "current_mode",
    "describe_machine",
    "environment_report",
    "in_colab",
    "is_fast",
    "load_household_power",
    "load_movie_reviews",
    "load_shakespeare",
    "load_spoken_digits",
    "load_stocks",
    "load_written_dates",
    "plot_histories",
    "plot_history",
    "record",
    "set_seed",
    "setup_notebook",
    "shakespeare_titles",
    "use_course_style",
]
