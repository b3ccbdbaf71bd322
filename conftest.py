"""The test command's plugins: fast mode, the `slow` marker, and the exercise trials.

- Notebooks run in fast mode unless COURSE_MODE is set (e.g. COURSE_MODE=full).
- Under pytest-xdist (the test command's two workers), each worker and the kernels it
  starts use one thread for TensorFlow's ops: two workers then share two cores without
  oversubscribing them (measured on the 2-core machine: about 12 % less wall time for two
  concurrent trainings). Set TF_NUM_INTRAOP_THREADS yourself to override.
- Every notebook item (nbval's cells) and every test in SLOW_TESTS is marked `slow`, so
  `python -m pytest -m "not slow"` runs the unit tests alone in well under a minute.
- Exercise trials: nbval executes each lesson once. Right before an exercise's solution
  cell, an extra item, "Exercise N: stub and wrong answers", runs in nbval's own kernel:
    1. the student copy's stub of the solution cell, then its check cells: nothing may
       raise, and every check cell must print "Exercise N: not attempted yet";
    2. every wrong answer in tests/wrong_answers/NN_name.py (WRONG_ANSWERS) in place of
       the solution region, then the check cells: they must raise ExerciseCheckFailed
       (a NameError or any other crash does not count); for the wrong answers LIKELY
       marks, the hint must contain the given phrase.
  Names the solution region creates are deleted before each attempt and after the last,
  so nbval's next item runs the real solution and its checks on a clean slate (a failing
  check there fails that cell). Every hint seen is printed at the end and written to
  build/exercise_hints.md; the tally line reads "exercise checks: N exercises, M wrong
  answers, M rejected (100%)".
"""

from __future__ import annotations

import importlib.util
import json
import os
import time
from pathlib import Path
from queue import Empty

import pytest

os.environ.setdefault("COURSE_MODE", "fast")
if os.environ.get("PYTEST_XDIST_WORKER"):  # one of several workers: one core each
    for variable in ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS"):  # inter-op threads left alone (1 can deadlock)
        os.environ.setdefault(variable, "1")
pytest_plugins = ["pytester"]  # tests/test_exercise_trials.py runs this plugin on a tiny lesson

REPO_ROOT = Path(__file__).resolve().parent
WRONG_DIR = REPO_ROOT / "tests" / "wrong_answers"
HINTS_FILE = REPO_ROOT / "build" / "exercise_hints.md"
NOT_ATTEMPTED = "not attempted yet"
# Unit tests that start a kernel, a browser or a child process, or train a model for
# seconds: marked slow here (by node id prefix), so `-m "not slow"` stays under a minute.
SLOW_TESTS = (
    "tests/test_grade.py",
    "tests/test_browser_smoke.py",
    "tests/test_notebook_tools.py::test_run_reports",
    "tests/test_deploy.py::test_a_step_model_converts_in_a_child",
    "tests/test_deploy.py::test_litert_runner_falls_back",
    "tests/test_deploy.py::test_step_model_of_a",
    "tests/test_deploy.py::test_a_crash_in_one_child",
    "tests/test_chars.py::test_carrying_state_equals",
    "tests/test_chars.py::test_complete_word_finds",
    "tests/test_chars.py::test_stepping_the_cells",
    "tests/test_compare.py::test_one_row_per_model_and_seed",
    "tests/test_compare.py::test_tuned_runs",
    "tests/test_compare.py::test_same_seed_gives",
    "tests/test_compare.py::test_benchmark_steps",
    "tests/test_gradients.py::test_graph_and_eager_paths_agree",
    "tests/test_gradients.py::test_matches_an_explicit_jacobian",
    "tests/test_training.py::test_replay_matches_a_real_fit",
    "tests/test_training.py::test_keep_best_weights",
    "tests/test_training.py::test_gradient_norm_logger_measures_each",
    "tests/test_forecasting.py::test_recursive_forecast_with_a_keras_model",
    "tests/test_callbacks.py::test_epoch_timer_times_every_epoch",
)
# Test files that run for tens of seconds (kernels, child processes, a browser): first in the
# queue, before the notebooks, so that the two workers end together on the short unit tests
# (with --no-loadscope-reorder, xdist hands out files in this order).
LONG_TEST_FILES = ("tests/test_grade.py", "tests/test_deploy.py", "tests/test_browser_smoke.py")
TRIAL_TIMEOUT = 900  # seconds per executed piece (a cell's worth of work)

TALLY = pytest.StashKey[dict]()
HINTS = pytest.StashKey[list]()


def load_wrong_answers(notebook: Path) -> tuple[dict, dict]:
    """(WRONG_ANSWERS, LIKELY) of tests/wrong_answers/<notebook stem>.py."""
    path = WRONG_DIR / f"{notebook.stem}.py"
    if not path.exists():
        raise LookupError(f"no wrong answers for {notebook.name}: write {path.relative_to(REPO_ROOT)}")
    spec = importlib.util.spec_from_file_location(f"wrong_{notebook.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG_ANSWERS, getattr(module, "LIKELY", {})


# ---------------------------------------------------------------- marking and inserting items
def pytest_configure(config):
    config.stash[TALLY] = {}
    config.stash[HINTS] = []


def pytest_collection_modifyitems(session, config, items):
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:  # nbval missing: no notebook items to extend
        IPyNbCell = ()  # noqa: N806
    slow = pytest.mark.slow
    out, first_cells = [], {}
    for item in items:
        nodeid = item.nodeid
        if isinstance(item, IPyNbCell) or ".ipynb" in nodeid or nodeid.startswith(SLOW_TESTS):
            item.add_marker(slow)
        if isinstance(item, IPyNbCell):
            trials = trials_before(item, first_cells)
            for trial in trials:
                trial.add_marker(slow)
            out.extend(trials)
        out.append(item)
    items[:] = sorted(out, key=lambda item: run_order(item.nodeid))


def run_order(nodeid: str) -> int:
    """0 for the long test files, 1 for the notebooks, 2 for the unit tests (a stable sort keeps each file whole)."""
    if nodeid.startswith(LONG_TEST_FILES):
        return 0
    return 1 if ".ipynb" in nodeid else 2


def trials_before(item, first_cells: dict) -> list:
    """The ExerciseTrials items that go right before nbval's `item` (a cell)."""
    from utils.tools.exercise_cells import find_exercises

    notebook = item.parent
    first = notebook not in first_cells
    first_cells.setdefault(notebook, item)
    plan = getattr(notebook, "_exercise_plan", None)
    if plan is None:
        plan = {}
        try:
            exercises = find_exercises(notebook.nb)
            wrong, likely = load_wrong_answers(Path(notebook.path))
            numbers = [ex.number for ex in exercises]
            if sorted(wrong) != numbers:
                raise LookupError(f"wrong answers for exercises {sorted(wrong)}, the notebook has {numbers}")
            for ex in exercises:
                cell = notebook.nb.cells[ex.solution_index]
                plan[id(cell)] = dict(exercise=ex, wrong=wrong[ex.number], likely=likely.get(ex.number, {}))
        except (ValueError, LookupError) as error:
            plan = {"error": str(error)}
        notebook._exercise_plan = plan
    if first and "error" in plan:
        return [ExerciseTrials.from_parent(notebook, name="exercises", error=plan["error"])]
    entry = plan.get(id(item.cell))
    if entry is None:
        return []
    return [
        ExerciseTrials.from_parent(
            notebook, name=f"Exercise {entry['exercise'].number}: stub and wrong answers", solution_item=item, **entry
        )
    ]


# ---------------------------------------------------------------- running code in nbval's kernel
def execute(kernel, source: str, timeout: float = TRIAL_TIMEOUT) -> tuple[str, tuple[str, str] | None]:
    """Run `source` in nbval's kernel; return (printed text, (error name, message) or None)."""
    msg_id = kernel.execute_cell_input(source, allow_stdin=False)
    try:
        kernel.await_reply(msg_id, timeout=timeout)
    except Empty:
        kernel.interrupt()
        raise TimeoutError(f"ran past {timeout} s") from None
    printed, error = [], None
    while True:
        msg = kernel.get_message(stream="iopub", timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status" and content["execution_state"] == "idle":
            break
        if kind == "stream":
            printed.append(content["text"])
        elif kind == "error":
            error = (content["ename"], content["evalue"])
    return "".join(printed), error


def existing(kernel, names: set[str]) -> set[str]:
    """Which of `names` the kernel's namespace already holds."""
    text, error = execute(kernel, f"print(__import__('json').dumps([n for n in {sorted(names)!r} if n in globals()]))")
    if error:
        raise RuntimeError(f"could not list the kernel's names: {error}")
    return set(json.loads(text.strip().splitlines()[-1]))


def forget(kernel, names: set[str]) -> None:
    if names:
        execute(kernel, f"for _n in {sorted(names)!r}:\n    globals().pop(_n, None)\ndel _n")


class TrialProblems(Exception):
    """What an exercise's trials found wrong, one line each."""


class ExerciseTrials(pytest.Item):
    """One exercise's stub and wrong answers, run in nbval's kernel before its solution cell."""

    def __init__(self, *, exercise=None, wrong=None, likely=None, solution_item=None, error=None, **kwargs):
        super().__init__(**kwargs)
        self.exercise, self.wrong, self.likely = exercise, wrong or {}, likely or {}
        self.solution_item, self.error = solution_item, error

    def reportinfo(self):
        return self.path, None, f"{self.path.name}::{self.name}"

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, TrialProblems):
            return f"{self.path.name}, {self.name}:\n  " + "\n  ".join(excinfo.value.args[0])
        return super().repr_failure(excinfo, style=style)

    def runtest(self):
        if self.error:
            raise TrialProblems([f"cannot test this notebook's exercises: {self.error}"])
        notebook = self.parent
        if notebook.timed_out:
            pytest.skip("an earlier cell timed out")
        if self.solution_item.options.get("skip"):
            pytest.skip("the solution cell is marked to skip")
        kernel = notebook.kernel
        if kernel is None or not kernel.is_alive():
            raise TrialProblems(["nbval's kernel is not running"])
        from utils.tools.exercise_cells import (
            python_source,
            region_is_top_level,
            solution_code,
            top_level_names,
            with_answer,
        )
        from utils.tools.student import strip_solutions

        ex, cells = self.exercise, notebook.nb.cells
        source = cells[ex.solution_index].source
        checks = [(index, cells[index].source) for index in ex.check_indices]
        created = set()
        if region_is_top_level(source):
            created = top_level_names(python_source(solution_code(source)))
            created -= existing(kernel, created)
        problems, tally = [], {"tried": 0, "rejected": 0}
        start = time.perf_counter()

        # 1. the student copy's stub: the lesson must run on past it
        forget(kernel, created)
        stub = strip_solutions(source, where=f"{self.path.name}, cell {ex.solution_index}")
        _, error = execute(kernel, stub)
        if error:
            problems.append(
                f"student stub: the solution cell with its stub raises {error[0]}: {error[1][:160]} "
                "(Run All on a student copy would stop here; at top level the stub must be a comment)"
            )
        else:
            for index, check in checks:
                printed, error = execute(kernel, check)
                if error:
                    problems.append(
                        f"student stub: check cell {index} raises {error[0]}: {error[1][:160]} "
                        f"(wrap it in `with utils.exercise({ex.number}):`)"
                    )
                elif NOT_ATTEMPTED not in printed:
                    problems.append(
                        f"student stub: check cell {index} does not print '{ex.name}: {NOT_ATTEMPTED}'"
                        + (" (it passed the stub!)" if "passed" in printed.lower() else "")
                    )

        # 2. every wrong answer must be rejected with ExerciseCheckFailed
        for what, answer in self.wrong.items():
            tally["tried"] += 1
            forget(kernel, created)
            _, crashed = execute(kernel, with_answer(source, answer))
            if crashed:
                problems.append(
                    f"{what!r}: the wrong answer itself fails in the solution cell ({crashed[0]}: "
                    f"{crashed[1][:120]}); make it code a student could run, or catch it in the check"
                )
                continue
            outcome = None
            for _, check in checks:
                _, outcome = execute(kernel, check)
                if outcome:
                    break
            hint = outcome[1] if outcome else ""
            if outcome and outcome[0] == "ExerciseCheckFailed":
                tally["rejected"] += 1
                self.user_properties.append(
                    ("exercise_hint", (self.path.name, ex.number, what, hint, self.likely.get(what)))
                )
                phrase = self.likely.get(what)
                if phrase and phrase.lower() not in hint.lower():
                    problems.append(
                        f"{what!r} (a likely mistake): the hint does not say {phrase!r}; it says: {hint[:200]}"
                    )
            elif outcome is None:
                problems.append(f"{what!r}: the check PASSED it")
            else:
                problems.append(
                    f"{what!r}: the check crashed with {outcome[0]}: {hint[:120]} "
                    "(wrap the check cell in `with utils.exercise(...)`)"
                )
        for what in sorted(set(self.likely) - set(self.wrong)):
            problems.append(f"LIKELY names {what!r}, which is not a key of WRONG_ANSWERS")

        forget(kernel, created)  # nbval's next item runs the real solution on a clean slate
        self.user_properties.append(
            (
                "exercise_tally",
                (self.path.name, ex.number, tally["tried"], tally["rejected"], round(time.perf_counter() - start, 1)),
            )
        )
        if problems:
            raise TrialProblems(problems)


# ---------------------------------------------------------------- the summary (xdist-safe)
def pytest_runtest_logreport(report):
    if report.when != "call" or not report.user_properties:
        return
    config = _CONFIG[0] if _CONFIG else None
    if config is None:
        return
    for key, value in report.user_properties:
        if key == "exercise_tally":
            notebook, number, tried, rejected, _ = value
            config.stash[TALLY][(notebook, number)] = (tried, rejected)
        elif key == "exercise_hint":
            config.stash[HINTS].append(tuple(value))


_CONFIG: list = []


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    _CONFIG[:] = [session.config]


def pytest_terminal_summary(terminalreporter, config):
    tally, hints = config.stash.get(TALLY, {}), config.stash.get(HINTS, [])
    if hints:
        lines = [
            "# Hints the exercise checks gave to the wrong answers",
            "",
            "Written by the test command (conftest.py). `*` marks a likely mistake (LIKELY).",
            "",
        ]
        for notebook, number, what, hint, phrase in sorted(hints, key=lambda h: (h[0], h[1])):
            lines.append(f"- {notebook[:2]} Ex {number}{' *' if phrase else ''} {what}: {' '.join(hint.split())}")
        HINTS_FILE.parent.mkdir(parents=True, exist_ok=True)
        HINTS_FILE.write_text("\n".join(lines) + "\n")
        terminalreporter.section("exercise hints")
        for line in lines[4:]:
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"(also in {HINTS_FILE.relative_to(REPO_ROOT)})")
    if tally:
        tried = sum(t for t, _ in tally.values())
        rejected = sum(r for _, r in tally.values())
        share = f"{rejected / tried:.0%}" if tried else "n/a"
        notebooks = len({notebook for notebook, _ in tally})
        terminalreporter.write_line(
            f"exercise checks: {len(tally)} exercises, {tried} wrong answers, {rejected} rejected "
            f"({share}) in {notebooks} notebook(s)"
        )
