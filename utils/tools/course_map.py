"""The course map and the module map, each written from one source (`python -m utils maps`).

- The **course map** (README.md's "## The course map" table and the same table in lesson
  00) comes from the lessons themselves: the number and title of each notebook's title
  cell (`# NN · Title`) and its notebook metadata `"course": {"summary": "..."}`.
- The **module map** (README.md's table under "## What is in the folder") is the table
  in utils/__init__.py's docstring. Its "lessons" column is checked against the lessons'
  own imports (`from utils.lessons import ...`) and every key name against its module.

`python -m utils maps --check` changes nothing and exits 1 listing what differs; the
tests run the same check.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ..core.paths import REPO_ROOT
from . import notebooks as nbtools
from .badges import course_config

TITLE = re.compile(r"^# (\d\d) · (.+?)\s*$", re.M)
TABLE = re.compile(r"(?:^\|.*\|[ \t]*\n?)+", re.M)
LESSON_IMPORT = re.compile(r"^\s*from utils\.lessons import (.+)$", re.M)


class MapError(ValueError):
    """A map cannot be written; the message says what to fix."""


# ---------------------------------------------------------------- the course map
def lesson_rows(root: Path = REPO_ROOT) -> list[dict]:
    """Number, title, file name and summary of every lesson, from the notebooks."""
    rows = []
    for path in nbtools.lesson_notebooks(Path(root) / "notebooks"):
        nb = nbtools.read(path)
        match = TITLE.match(nb.cells[0].source) if nb.cells else None
        if not match or match.group(1) != path.name[:2]:
            raise MapError(f"{path.name}: the first cell must start with '# {path.name[:2]} · Title'")
        summary = nb.metadata.get(nbtools.COURSE_KEY, {}).get("summary")
        if not isinstance(summary, str) or not summary.strip():
            raise MapError(f'{path.name}: no notebook metadata "course": {{"summary": "what you leave with"}}')
        rows.append({"number": match.group(1), "title": match.group(2), "file": path.name, "summary": summary})
    return rows


def readme_course_table(rows: list[dict]) -> str:
    config = course_config()
    colab = "https://colab.research.google.com/github/{repo}/blob/{branch}/notebooks/{file}"
    badge = "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
    lines = ["| # | lesson | what you leave with | open |", "|---|---|---|---|"]
    lines += [
        f"| {r['number']} | [{r['title']}](notebooks/{r['file']}) | {r['summary']} | "
        f"{badge}({colab.format(file=r['file'], **config)}) |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def notebook_course_table(rows: list[dict]) -> str:
    lines = ["| # | lesson | what you leave with |", "|---|---|---|"]
    lines += [f"| {r['number']} | [{r['title']}]({r['file']}) | {r['summary']} |" for r in rows]
    return "\n".join(lines) + "\n"


def replace_table_after(text: str, heading: str, table: str, where: str) -> str:
    """`text` with the first markdown table after `heading` replaced by `table`."""
    at = text.find(heading)
    if at < 0:
        raise MapError(f"{where} has no {heading!r}")
    match = TABLE.search(text, at)
    if not match:
        raise MapError(f"{where}: no table after {heading!r}")
    return text[: match.start()] + table + text[match.end() :]


# ---------------------------------------------------------------- the module map
def docstring_module_table() -> str:
    """The module-map table of utils/__init__.py's docstring (the one source)."""
    docstring = ast.get_docstring(ast.parse((REPO_ROOT / "utils" / "__init__.py").read_text())) or ""
    match = TABLE.search(docstring, docstring.find("Lesson map"))
    if not match:
        raise MapError("utils/__init__.py's docstring has no module-map table after 'Lesson map'")
    return match.group(0).rstrip("\n") + "\n"


def module_rows(table: str) -> list[tuple[str, str, list[str]]]:
    """(lessons, module, key names) of each row of a module-map table."""
    rows = []
    for line in table.splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        module = cells[1].strip("`").split(".")[-1]
        names = re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", cells[2])
        rows.append((cells[0], module, names))
    return rows


def importers(root: Path = REPO_ROOT) -> dict[str, list[str]]:
    """{lesson module: [lesson numbers whose notebook imports it]}."""
    found: dict[str, set[str]] = {}
    for path in nbtools.lesson_notebooks(Path(root) / "notebooks"):
        code = "\n".join(c.source for c in nbtools.read(path).cells if c.cell_type == "code")
        for match in LESSON_IMPORT.finditer(code):
            for part in match.group(1).split(","):
                found.setdefault(part.split(" as ")[0].strip(" ()"), set()).add(path.name[:2])
    return {module: sorted(numbers) for module, numbers in found.items()}


def lessons_label(module: str, numbers: list[str]) -> str:
    """'05 (and 00, 02, 03)': the module's own lesson, then the other lessons that import it."""
    own = module[len("lesson") : len("lesson") + 2]
    others = [n for n in numbers if n != own]
    return own + (f" (and {', '.join(others)})" if others else "")


def defined_names(module_path: Path) -> set[str]:
    names = set()
    for node in ast.parse(module_path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.ImportFrom, ast.Import)):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def module_map_problems(root: Path = REPO_ROOT) -> list[str]:
    """Where utils/__init__.py's module map disagrees with the code and the lessons."""
    lessons_dir = Path(root) / "utils" / "lessons"
    rows = module_rows(docstring_module_table())
    used = importers(root)
    problems = []
    modules = sorted(p.stem for p in lessons_dir.glob("lesson*.py"))
    listed = [module for _, module, _ in rows]
    if listed != modules:
        problems.append(f"the module map lists {listed}, utils/lessons/ holds {modules}")
    for label, module, names in rows:
        path = lessons_dir / f"{module}.py"
        if not path.exists():
            continue
        expected = lessons_label(module, used.get(module, []))
        if label != expected:
            problems.append(f"{module}: the lessons column says {label!r}, the notebooks' imports say {expected!r}")
        missing = sorted(set(names) - defined_names(path))
        if missing:
            problems.append(f"{module}: key names {missing} are not defined in utils/lessons/{module}.py")
        if not names:
            problems.append(f"{module}: no key names")
    return problems


# ---------------------------------------------------------------- writing and checking
def generated_files(root: Path = REPO_ROOT) -> dict[Path, str]:
    """README.md and lesson 00 with both maps as the sources give them."""
    root = Path(root)
    rows = lesson_rows(root)
    readme = root / "README.md"
    text = replace_table_after(readme.read_text(), "## The course map", readme_course_table(rows), "README.md")
    module_table = docstring_module_table().replace("| `lesson", "| `utils.lessons.lesson")
    text = replace_table_after(text, "`utils` has three parts", module_table, "README.md")
    files = {readme: text}
    start = nbtools.lesson_notebooks(root / "notebooks")[0]
    nb = nbtools.read(start)
    cell = next((c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## The course map")), None)
    if cell is None:
        raise MapError(f"{start.name} has no markdown cell starting with '## The course map'")
    cell.source = replace_table_after(
        cell.source + "\n", "## The course map", notebook_course_table(rows), start.name
    ).rstrip("\n")
    files[start] = nbtools.notebook_text(nb)
    return files


def current_text(path: Path) -> str:
    return nbtools.notebook_text(nbtools.read(path)) if path.suffix == ".ipynb" else path.read_text()


def run_command(check: bool = False, root: Path = REPO_ROOT) -> int:
    """`python -m utils maps [--check]`."""
    problems = module_map_problems(root)
    files = generated_files(root)
    changed = [path for path, text in files.items() if current_text(path) != text]
    for problem in problems:
        print(f"utils/__init__.py module map: {problem}")
    if check:
        for path in changed:
            print(f"differs from its source: {nbtools.relative(path)} (run `python -m utils maps`)")
        return 1 if changed or problems else 0
    for path in changed:
        path.write_text(files[path])
        print(f"updated {nbtools.relative(path)}")
    return 1 if problems else 0
