"""How long a lesson takes a learner, by one stated rule: `python -m utils times`.

The rule (minutes, rounded up to the next 5):

    words / WORDS_PER_MINUTE              the lesson's prose, read at a technical pace
  + code lines x MINUTES_PER_CODE_LINE    read, run and look at the output of each line
  + exercises x MINUTES_PER_EXERCISE      write an answer, run the check, fix it once or twice
  + compute / 60                          the full-mode run time in results/full_mode.json

- Prose: the words of the markdown cells, except the badges, the generated "Expected
  results" box and the exercises' own cells (their budget covers reading the task).
- Code lines: non-blank lines that are not only a comment, in code cells outside the
  exercises, the setup cell excluded (learners run it, they do not study it).
- The CORE is the lesson without its optional parts: "Going further" sections (from a
  `## Going further...` heading to the next `## ` heading that is not one) and optional
  exercises. An exercise is core when the "Estimated time" line lists it ("with Exercises
  1, 2 and 4", "plus Exercises 1-3"); when the line lists none, every exercise is core
  except those whose heading says "(optional)", those inside a Going further section and
  those the line names as optional ("optional: 20 min for Exercise 3").
- The compute is the lesson's whole full-mode time (optional parts included): an upper
  bound for the core, kept simple.

The stated times are read from the "Estimated time: ..." line under Learning goals:
"N min core + M min optional", "N min (core: C min ...)" or a plain "N min" (all core).
tests/test_lesson_time.py checks that each stated core agrees with the rule within
TOLERANCE and is at most MAX_CORE minutes (a 90-minute class).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..core.paths import NOTEBOOKS_DIR, REPO_ROOT
from . import notebooks as nbtools
from .exercise_cells import EXERCISE_HEADING

WORDS_PER_MINUTE = 120  # reading technical prose with formulas and plots to look at
MINUTES_PER_CODE_LINE = 0.1  # 6 s: read a line, run its cell, look at what it prints
MINUTES_PER_EXERCISE = 10  # write, check, fix once or twice
MAX_CORE = 90  # minutes: one class
TOLERANCE = (15, 0.2)  # a stated core may differ from the rule by 15 min or 20 %, whichever is larger
RESULTS = REPO_ROOT / "results" / "full_mode.json"

GOING_FURTHER = re.compile(r"^##\s+Going further", re.I | re.M)
SECTION = re.compile(r"^##\s+\S", re.M)
ANY_HEADING = re.compile(r"^#{1,3} ", re.M)
STATED_LINE = re.compile(r"^Estimated time:\s*(.+?)(?:\n\s*\n|\Z)", re.M | re.S)  # to the paragraph's end


@dataclass
class Estimate:
    lesson: str
    words: int
    code_lines: int
    exercises: list[int]
    compute_minutes: float

    @property
    def minutes(self) -> float:
        return (
            self.words / WORDS_PER_MINUTE
            + self.code_lines * MINUTES_PER_CODE_LINE
            + len(self.exercises) * MINUTES_PER_EXERCISE
            + self.compute_minutes
        )

    @property
    def rounded(self) -> int:
        return 5 * math.ceil(self.minutes / 5)


@dataclass
class Stated:
    line: str
    core: int | None
    optional: int | None
    core_exercises: list[int] | None  # as the line lists them, None when it lists none
    optional_exercises: list[int]


def exercise_numbers(text: str) -> list[int]:
    """'1, 2 and 4' -> [1, 2, 4]; '1-3' or '1 to 3' -> [1, 2, 3]."""
    numbers = []
    for part in re.split(r",|\band\b", text):
        bounds = re.findall(r"\d+", part)
        if len(bounds) == 2 and re.search(r"-|–|\bto\b", part):
            numbers += range(int(bounds[0]), int(bounds[1]) + 1)
        else:
            numbers += [int(b) for b in bounds]
    return numbers


LIST = r"(\d+(?:\s*(?:,|and|-|–|to)\s*\d+)*)"


def stated_time(nb) -> Stated | None:
    """The lesson's own 'Estimated time' line, parsed; None when there is none."""
    for cell in nb.cells[:6]:
        match = STATED_LINE.search(cell.source) if cell.cell_type == "markdown" else None
        if not match:
            continue
        line = " ".join(match.group(1).split())
        core = re.search(r"(\d+)\s*min(?:utes)? core", line) or re.search(r"core:?\s*(\d+)\s*min", line)
        optional = re.search(r"(\d+)\s*min(?:utes)? optional", line) or re.search(r"optional:?\s*(\d+)\s*min", line)
        plain = re.match(r"(\d+)\s*min", line)
        listed = re.search(r"(?:with|plus)\s+Exercises?\s+" + LIST, line)
        named_optional = re.search(r"optional[^.]*?Exercises?\s+" + LIST, line)
        return Stated(
            line=line,
            core=int(core.group(1)) if core else (int(plain.group(1)) if plain and not optional else None),
            optional=int(optional.group(1)) if optional else None,
            core_exercises=exercise_numbers(listed.group(1)) if listed else None,
            optional_exercises=exercise_numbers(named_optional.group(1)) if named_optional else [],
        )
    return None


def compute_minutes(lesson: str, results: Path = RESULTS) -> float:
    """The lesson's full-mode run time from the committed results, in minutes (0 if missing)."""
    try:
        runs = json.loads(Path(results).read_text())["notebooks"]
    except (OSError, ValueError, KeyError):
        return 0.0
    return next((run.get("seconds", 0) / 60 for run in runs if run.get("notebook") == lesson), 0.0)


def code_lines(source: str) -> int:
    return sum(1 for line in source.splitlines() if line.strip() and not line.strip().startswith("#"))


def words(source: str) -> int:
    text = re.sub(r"<[^>]+>", " ", source)  # HTML tags (badges)
    text = re.sub(r"\(https?://[^)]*\)|https?://\S+", " ", text)  # link targets
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’\-]*", text))


def estimate(path: Path, core_only: bool, results: Path = RESULTS) -> Estimate:
    """Apply the rule to a lesson (its core, or all of it)."""
    nb = nbtools.read(path)
    stated = stated_time(nb)
    n_words = n_lines = 0
    exercises: list[int] = []
    in_further = in_exercise = in_setup = False
    exercise_number, exercise_optional = None, False
    for cell in nb.cells:
        source = cell.source
        if cell.cell_type == "markdown":
            if SECTION.search(source):
                in_further = bool(GOING_FURTHER.search(source))
                in_setup = bool(re.search(r"^##\s+Setup", source, re.M))
            if ANY_HEADING.search(source):
                match = EXERCISE_HEADING.search(source)
                in_exercise = bool(match)
                if match:
                    exercise_number = int(match.group(1))
                    exercise_optional = in_further or "(optional)" in match.group(0).lower()
                    if stated and stated.core_exercises is not None:
                        exercise_optional = exercise_number not in stated.core_exercises
                    elif stated and exercise_number in stated.optional_exercises:
                        exercise_optional = True
                    if not (core_only and exercise_optional):
                        exercises.append(exercise_number)
        if in_exercise or (core_only and in_further):
            continue
        if cell.cell_type == "markdown":
            if source.lstrip().startswith("### Expected results") or source.lstrip().startswith("<a href"):
                continue
            n_words += words(source)
        elif cell.cell_type == "code" and not in_setup:
            n_lines += code_lines(source)
    return Estimate(path.name, n_words, n_lines, exercises, compute_minutes(path.name, results))


def table(paths: list[Path] | None = None) -> list[dict]:
    """One row per lesson: the rule's core and total, the stated core and total."""
    rows = []
    for path in paths or nbtools.lesson_notebooks(NOTEBOOKS_DIR):
        core, total = estimate(path, core_only=True), estimate(path, core_only=False)
        stated = stated_time(nbtools.read(path))
        stated_core = stated.core if stated else None
        stated_total = None
        if stated and stated.core is not None:
            stated_total = stated.core + (stated.optional or 0)
        rows.append(
            {
                "lesson": path.name,
                "core": core,
                "total": total,
                "stated_core": stated_core,
                "stated_total": stated_total,
                "stated_line": stated.line if stated else "",
            }
        )
    return rows


def within_tolerance(stated: int, estimated: float) -> bool:
    minutes, share = TOLERANCE
    return abs(stated - estimated) <= max(minutes, share * estimated)


def report(rows: list[dict]) -> str:
    lines = [
        f"Rule: words/{WORDS_PER_MINUTE} + code lines x {MINUTES_PER_CODE_LINE} + exercises x "
        f"{MINUTES_PER_EXERCISE} + full-mode compute (minutes, rounded up to 5). The core leaves out "
        "Going further sections and optional exercises.",
        "",
        "| lesson | core words | core code lines | core exercises | compute (min) | core by the rule | "
        "stated core | total by the rule | stated total | core verdict |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        core, total, stated = row["core"], row["total"], row["stated_core"]
        if stated is None:
            verdict = "no stated core"
        elif core.rounded > MAX_CORE:
            verdict = f"core over {MAX_CORE} min by {core.rounded - MAX_CORE}: move sections to Going further"
        elif not within_tolerance(stated, core.minutes):
            verdict = f"stated {stated} vs rule {core.minutes:.0f}: restate"
        else:
            verdict = "ok"
        lines.append(
            f"| {row['lesson']} | {core.words} | {core.code_lines} | {len(core.exercises)} | "
            f"{core.compute_minutes:.1f} | {core.rounded} | {stated if stated is not None else '–'} | "
            f"{total.rounded} | {row['stated_total'] if row['stated_total'] is not None else '–'} | {verdict} |"
        )
    return "\n".join(lines)
