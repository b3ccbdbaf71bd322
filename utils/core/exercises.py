"""Checks that follow each exercise: friendly messages instead of bare asserts."""

from __future__ import annotations

import dis
import inspect

import numpy as np


class ExerciseCheckFailed(AssertionError):
    """Your answer does not pass the check yet; the message says what differs."""


def check(condition: bool, message: str) -> None:
    """Pass silently-but-visibly if `condition`, else fail with `message` as the hint."""
    if not condition:
        raise ExerciseCheckFailed(f"Not yet: {message}")
    print("Check passed.")


def how_far_off(actual: np.ndarray, expected: np.ndarray) -> str:
    """'far from' / 'within 10% of' / 'within 1% of': a hint that does not give the answer away."""
    scale = max(float(np.max(np.abs(expected))), 1e-12)
    relative = float(np.max(np.abs(actual - expected))) / scale
    if relative > 0.1:
        return "far from (more than 10% off)"
    return (
        "within 10% of, but not yet close enough to,"
        if relative > 0.01
        else "within 1% of, but not yet close enough to,"
    )


def check_close(actual, expected, what: str, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Check that `actual` matches `expected` (numbers or arrays) within tolerance.

    The message says how far off the answer is, never the expected value itself (a learner
    could copy it).
    """
    actual_arr, expected_arr = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    if actual_arr.shape != expected_arr.shape:
        raise ExerciseCheckFailed(f"Not yet: {what} has shape {actual_arr.shape}, expected {expected_arr.shape}.")
    if not np.all(np.isfinite(actual_arr)):
        raise ExerciseCheckFailed(f"Not yet: {what} contains NaN or inf.")
    if not np.allclose(actual_arr, expected_arr, rtol=rtol, atol=atol):
        raise ExerciseCheckFailed(f"Not yet: {what} is {how_far_off(actual_arr, expected_arr)} the expected value.")
    print(f"Check passed: {what} is right.")


def check_close_naming_mistakes(
    actual, expected, what: str, mistakes: dict, rtol: float = 1e-5, atol: float = 1e-6
) -> None:
    """`utils.check_close`, but an answer that matches a known mistake gets that mistake's hint.

    Lessons 01 and 02 use it. `mistakes` maps a hint (a sentence naming the mistake) to what that mistake gives; a
    mistake of another shape than the expected value is recognised by its shape and values.
    """
    if not isinstance(mistakes, dict):
        raise TypeError(f"mistakes must be a dict {{hint: array}}, got {type(mistakes).__name__}")
    try:
        mine = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        mine = None
    target = np.asarray(expected, dtype=float)
    same = mine is not None and mine.shape == target.shape and np.allclose(mine, target, rtol=rtol, atol=atol)
    if mine is not None and not same and np.all(np.isfinite(mine)):
        for hint, wrong in mistakes.items():
            wrong = np.asarray(wrong, dtype=float)
            if wrong.shape != mine.shape or not np.allclose(mine, wrong, rtol=rtol, atol=atol):
                continue
            if wrong.shape == target.shape and np.allclose(wrong, target, rtol=rtol, atol=atol):
                continue  # this mistake makes no difference here
            raise ExerciseCheckFailed(f"Not yet: {what}: {hint}")
    check_close(actual, expected, what, rtol=rtol, atol=atol)


def course_code_used_by(function) -> list[str]:
    """Names of the course's lesson code (`utils.lessons...`) that `function` calls or refers to.

    Reads the global names, attribute names after `utils` and imports in the function's
    code (nested functions and lambdas included) and resolves the globals in the
    function's globals. Instances of course classes (a vocabulary, say) are data, not code,
    and do not count.
    """
    globals_used, attributes, imports, codes = set(), set(), set(), [function.__code__]
    while codes:
        code = codes.pop()
        for instruction in dis.get_instructions(code):
            if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
                globals_used.add(instruction.argval)
            elif instruction.opname in ("LOAD_ATTR", "LOAD_METHOD"):
                attributes.add(instruction.argval)
            elif instruction.opname == "IMPORT_NAME":
                imports.add(instruction.argval)
        codes.extend(const for const in code.co_consts if hasattr(const, "co_code"))
    found = [name for name in sorted(imports) if name.startswith("utils.lessons") or name == "utils"]
    for name in sorted(globals_used):
        value = function.__globals__.get(name)
        if inspect.ismodule(value):
            origin = value.__name__
            if origin == "utils" and "lessons" in attributes:
                origin = "utils.lessons"
        elif inspect.isfunction(value) or inspect.isclass(value):
            origin = value.__module__ or ""
        else:
            continue
        if origin.startswith("utils.lessons"):
            found.append(name)
    return found


def check_written_by_hand(function, what: str) -> None:
    """Fail if `function` is, or calls, the course's own version instead of the learner's code."""
    if not callable(function) or not hasattr(function, "__code__"):
        raise ExerciseCheckFailed(f"Not yet: {what} must be a function you define with `def`.")
    if (getattr(function, "__module__", "") or "").startswith("utils"):
        raise ExerciseCheckFailed(
            f"Not yet: {what} is the course's own `{function.__module__}.{function.__name__}`; "
            "write the function yourself (that is the exercise)."
        )
    used = course_code_used_by(function)
    if used:
        raise ExerciseCheckFailed(
            f"Not yet: {what} uses the course's lesson code ({', '.join(used)}); write it with NumPy or Keras yourself."
        )


class exercise:  # noqa: N801 (used like a keyword: `with utils.exercise(3):`)
    """Wrap every check cell: `with utils.exercise(3): ...`.

    - An exercise you have not written yet (the student copy's `raise NotImplementedError()`,
      or a name your answer should define that does not exist yet) prints
      "Exercise 3: not attempted yet" and lets the rest of the lesson run.
    - A check that fails raises `ExerciseCheckFailed` with its hint, as before.
    - Any other error raised by your code becomes `ExerciseCheckFailed` that names it, so the
      message reads as a hint, not as a crash inside the course.
    """

    def __init__(self, number: int):
        self.number = number

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is None or issubclass(kind, ExerciseCheckFailed):
            return False
        label = f"Exercise {self.number}"
        if issubclass(kind, NotImplementedError):
            print(
                f"{label}: not attempted yet (your answer still raises NotImplementedError). "
                "The lesson goes on without it; come back when you are ready."
            )
            return True
        if issubclass(kind, NameError):
            print(
                f"{label}: not attempted yet ({error}). Write and run your answer's cell first; "
                "if you did, check the name is spelled as the exercise asks."
            )
            return True
        if issubclass(kind, (KeyboardInterrupt, SystemExit)):
            return False
        raise ExerciseCheckFailed(
            f"Not yet: running your answer raised {kind.__name__}: {error}. Read the message, fix your "
            "code and run your cell and this check again."
        ) from error
