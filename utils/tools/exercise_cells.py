"""Where the exercises are in a lesson notebook: shared by the wrong-answer test and `grade`.

An exercise is a markdown cell with a heading `### Exercise N: title`, then its code
cells up to the next markdown heading: the first code cell is the solution cell (one
`### BEGIN SOLUTION` ... `### END SOLUTION` region in the full notebook, the student's
answer in a copy), the following code cells are its checks (`utils.check*` calls).
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
EXERCISE_HEADING = re.compile(r"^### Exercise (\d+)\b[:.]?\s*(.*)$", re.M)
ANY_HEADING = re.compile(r"^#{1,3} ", re.M)


@dataclass
class Exercise:
    number: int
    title: str
    solution_index: int      # index of the solution cell in nb.cells
    check_indices: list[int]  # indices of the check cells that follow it

    @property
    def name(self) -> str:
        return f"Exercise {self.number}"


def find_exercises(nb) -> list[Exercise]:
    """The exercises of a notebook in order; raise ValueError if one is malformed."""
    exercises, current = [], None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and ANY_HEADING.search(cell.source):
            current = None
            match = EXERCISE_HEADING.search(cell.source)
            if match:
                current = {"number": int(match.group(1)), "title": match.group(2).strip(), "code": []}
                exercises.append(current)
        elif cell.cell_type == "code" and current is not None:
            current["code"].append(index)
    found = []
    for ex in exercises:
        if len(ex["code"]) < 2:
            raise ValueError(
                f"Exercise {ex['number']} needs a solution cell followed by at least one check cell "
                f"(found {len(ex['code'])} code cell(s) under its heading)"
            )
        found.append(Exercise(ex["number"], ex["title"], ex["code"][0], ex["code"][1:]))
    numbers = [ex.number for ex in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"exercises must be numbered 1, 2, 3, ... in order, found {numbers}")
    return found


def solution_region(source: str) -> tuple[int, int]:
    """(first, last) line numbers of the one solution region of a cell, markers included."""
    lines = source.splitlines()
    begins = [i for i, line in enumerate(lines) if line.strip() == BEGIN_SOLUTION]
    ends = [i for i, line in enumerate(lines) if line.strip() == END_SOLUTION]
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        raise ValueError(
            f"a solution cell needs exactly one {BEGIN_SOLUTION} ... {END_SOLUTION} region, "
            f"found {len(begins)} begin and {len(ends)} end marker(s)"
        )
    return begins[0], ends[0]


def with_answer(source: str, answer: str) -> str:
    """The solution cell with its region replaced by `answer` (indented like the markers)."""
    first, last = solution_region(source)
    lines = source.splitlines()
    indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
    body = [indent + line if line.strip() else line for line in answer.strip("\n").splitlines()]
    return "\n".join(lines[:first] + body + lines[last + 1:])


def assigned_names(code: str) -> set[str]:
    """Top-level names that `code` binds (assignments, defs, imports, loop targets)."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def solution_code(source: str) -> str:
    """The code inside the solution region (markers excluded), dedented."""
    first, last = solution_region(source)
    return textwrap.dedent("\n".join(source.splitlines()[first + 1:last]))
