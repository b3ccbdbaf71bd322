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
    solution_index: int  # index of the solution cell in nb.cells
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
    return "\n".join(lines[:first] + body + lines[last + 1 :])


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
    return textwrap.dedent("\n".join(source.splitlines()[first + 1 : last]))


# ---------------------------------------------------------------- static rules (issue 23)
def python_source(source: str) -> str:
    """A cell's source as plain Python (IPython magics and shell escapes turned into calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def top_level_names(code: str) -> set[str]:
    """Names `code` binds in the notebook's namespace (not inside its functions or classes)."""
    names: set[str] = set()

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(child.name)
                continue  # their bodies bind local names
            if isinstance(child, ast.Lambda):
                continue
            if isinstance(child, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                for generator in child.generators:  # only the walrus leaks out of a comprehension
                    visit(generator.iter)
                continue
            if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
                names.add(child.id)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                names.update((alias.asname or alias.name).split(".")[0] for alias in child.names)
            elif isinstance(child, ast.ExceptHandler) and child.name:
                names.add(child.name)
            elif isinstance(child, ast.NamedExpr):
                names.add(child.target.id)
            visit(child)

    visit(ast.parse(code))
    return names


def names_read(code: str) -> set[str]:
    """Every name `code` reads anywhere (function bodies included), minus names it binds itself.

    Approximate on purpose: a name bound anywhere in the cell (assignment, parameter,
    loop or comprehension variable) counts as the cell's own.
    """
    tree = ast.parse(code)
    loads, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return loads - bound


def region_is_top_level(source: str) -> bool:
    """Whether the solution region of a cell sits at top level (not inside a def)."""
    first, _ = solution_region(source)
    return not source.splitlines()[first].startswith((" ", "\t"))


def exercise_isolation_problems(nb) -> list[str]:
    """Where a notebook breaks the rules that let a student copy run top to bottom.

    - No lesson cell (a code cell outside every exercise) reads a name that, so far in the
      notebook, only an exercise's solution or check cells have defined: in a student copy
      that name would be missing, or a stub.
    - A top-level solution region only assigns names not defined earlier in the notebook
      (otherwise the stub would leave the earlier value in place and checks could pass it).
    """
    exercises = find_exercises(nb)
    owner = {ex.solution_index: ex for ex in exercises}
    owner.update({index: ex for ex in exercises for index in ex.check_indices})
    lesson_defined: set[str] = set()
    exercise_defined: dict[str, int] = {}
    defined_before: set[str] = set()
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            code = python_source(cell.source)
            bound = top_level_names(code)
        except SyntaxError as error:
            problems.append(f"cell {index}: does not parse ({error})")
            continue
        ex = owner.get(index)
        if ex is None:
            leaked = sorted(n for n in names_read(code) if n in exercise_defined and n not in lesson_defined)
            for name in leaked:
                problems.append(
                    f"cell {index} (a lesson cell) reads {name!r}, which only Exercise {exercise_defined[name]} "
                    "defines: a student copy would not have it. Define it in the lesson, or move this code "
                    "into the exercise's check cell."
                )
            lesson_defined |= bound
        else:
            if index == ex.solution_index and region_is_top_level(cell.source):
                region = top_level_names(python_source(solution_code(cell.source)))
                again = sorted((region - {"_"}) & defined_before)  # `_` is a throwaway
                if again:
                    problems.append(
                        f"{ex.name} (cell {index}): its top-level solution region assigns {again}, already "
                        "defined earlier in the notebook; a region may only create new names."
                    )
            for name in bound - lesson_defined:
                exercise_defined.setdefault(name, ex.number)
        defined_before |= bound
    return problems
