"""Student copies: every solution region replaced by a stub (`python -m utils student`).

Inside a function the stub is `# YOUR CODE HERE` and `raise NotImplementedError()`, so
calling the unwritten function says so. At top level it is the comment alone: the names
the answer should define stay undefined, the check cell that follows (wrapped in
`with utils.exercise(N):`) prints "Exercise N: not attempted yet", and "Restart and Run
All" on a student copy runs to the end.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from .exercise_cells import BEGIN_SOLUTION, END_SOLUTION
from .notebooks import clean, read, write

STUDENT_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")  # a region inside a def
TOP_LEVEL_STUB = ("# YOUR CODE HERE",)  # a region at top level: a comment only, nothing raised


def strip_solutions(source: str, where: str = "cell") -> str:
    """Replace each BEGIN/END SOLUTION region by the student stub, keeping its indent.

    An indented region (inside a def) gets STUDENT_STUB, a top-level one TOP_LEVEL_STUB.
    """
    out, inside = [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN_SOLUTION:
            if inside:
                raise ValueError(f"{where}: nested '{BEGIN_SOLUTION}' (close the first region first)")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + stub for stub in (STUDENT_STUB if indent else TOP_LEVEL_STUB))
        elif marker == END_SOLUTION:
            if not inside:
                raise ValueError(f"{where}: '{END_SOLUTION}' without a matching '{BEGIN_SOLUTION}'")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{where}: '{BEGIN_SOLUTION}' is never closed by '{END_SOLUTION}'")
    return "\n".join(out)


def student_copy(nb: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """A clean copy of `nb` with every solution region replaced by the stub."""
    copy = clean(nbformat.from_dict(json.loads(json.dumps(nb))))
    regions = 0
    for index, cell in enumerate(copy.cells):
        if cell.cell_type == "code" and BEGIN_SOLUTION in cell.source:
            regions += cell.source.count(BEGIN_SOLUTION)
            cell.source = strip_solutions(cell.source, where=f"{name}, cell {index}")
    copy.metadata["student_copy"] = {"solution_regions_removed": regions}
    return copy


def leftover_solutions(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of code cells that still hold a solution marker (none in a student copy)."""
    return [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (BEGIN_SOLUTION in cell.source or END_SOLUTION in cell.source)
    ]


def write_student_copies(out_dir: Path, notebooks: list[Path]) -> list[tuple[Path, int]]:
    """Write student copies; return (path, regions removed) for each notebook."""
    written = []
    for path in notebooks:
        copy = student_copy(read(path), name=path.name)
        left = leftover_solutions(copy)
        if left:
            raise ValueError(f"{path.name}: solution code left in cells {left} of the student copy")
        target = Path(out_dir) / path.name
        write(copy, target)
        written.append((target, copy.metadata["student_copy"]["solution_regions_removed"]))
    return written
