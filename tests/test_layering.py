"""The package's layering rule: core <- lesson modules <- notebooks; tools stand apart.

- `utils/core/` imports nothing else from `utils`;
- each `utils/lessons/lessonNN_*.py` imports only the core, never another lesson module;
- `utils/tools/` imports the core and other tools, never a lesson module;
- `utils/__init__.py` re-exports the core only;
- the core's own imports form no cycle, so pieces two lessons share (the character table
  of lessons 07 and 08, utils/core/chars.py) live in the core and the graph stays acyclic;
- no test module imports another (shared helpers live in tests/readme_blocks.py or utils).
"""

import ast
from pathlib import Path

import pytest

from utils.core.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "utils"


def part_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else "package"


def utils_imports(path: Path, source: str | None = None) -> set[str]:
    """The `utils` subpackages/modules `path` imports, as dotted names (utils.core.seed, ...)."""
    package = ["utils", *path.relative_to(PACKAGE).parent.parts]
    found = set()
    for node in ast.walk(ast.parse(path.read_text() if source is None else source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                names = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            else:
                names = [node.module or ""]
            found.update(n for n in names if n.startswith("utils"))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("utils"))
    return found


def layer(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "package"


MODULES = sorted(PACKAGE.rglob("*.py"))
ALLOWED = {"core": {"core"}, "lessons": {"core"}, "tools": {"core", "tools"}, "package": {"core", "tools"}}


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_imports_follow_the_layers(path):
    where = part_of(path)
    for target in utils_imports(path):
        assert layer(target) in ALLOWED[where], (
            f"{path.relative_to(REPO_ROOT)} ({where}) imports {target}: "
            f"{where} may import only {sorted(ALLOWED[where])}"
        )


def test_lesson_modules_never_import_each_other():
    for path in sorted((PACKAGE / "lessons").glob("lesson*.py")):
        others = {t for t in utils_imports(path) if layer(t) == "lessons"}
        assert not others, f"{path.name} imports {sorted(others)}: move what both need into utils/core"


def test_the_checker_sees_a_lesson_to_lesson_import():
    """The rule bites: a lesson module importing another lesson module is caught."""
    fake = PACKAGE / "lessons" / "lesson99_fake.py"
    source = "from .lesson05_forecasting import window_arrays\nfrom ..core import checks\nimport utils.tools.cli\n"
    assert utils_imports(fake, source) == {"utils.lessons.lesson05_forecasting", "utils.core", "utils.tools.cli"}
    assert layer("utils.lessons.lesson05_forecasting") not in ALLOWED["lessons"]


def test_lesson_modules_are_named_after_their_lesson():
    for path in sorted((PACKAGE / "lessons").glob("*.py")):
        if path.name != "__init__.py":
            assert path.name[:6] == "lesson" and path.name[6:8].isdigit(), f"{path.name}: name it lessonNN_topic.py"


def core_graph() -> dict[str, set[str]]:
    graph = {}
    for path in sorted((PACKAGE / "core").glob("*.py")):
        name = f"utils.core.{path.stem}"
        targets = set()
        for target in utils_imports(path):
            if target == "utils.core":  # `from ..core import checks` / `from . import x`
                continue
            if target.startswith("utils.core."):
                targets.add(".".join(target.split(".")[:3]))
        graph[name] = targets - {name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of `graph` (a list of modules), or [] when there is none."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return stack[stack.index(target) :] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        state[node] = "done"
        stack.pop()
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def test_the_core_imports_form_no_cycle():
    cycle = find_cycle(core_graph())
    assert not cycle, f"import cycle in utils/core: {' -> '.join(cycle)}"


def test_the_cycle_finder_bites():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_the_shared_character_table_is_in_the_core():
    for lesson in ("lesson07_chars.py", "lesson08_seq2seq.py"):
        assert "utils.core.chars" in utils_imports(PACKAGE / "lessons" / lesson), f"{lesson} must use utils.core.chars"


def test_no_test_module_imports_another():
    tests = sorted((REPO_ROOT / "tests").glob("test_*.py"))
    names = {path.stem for path in tests}
    for path in tests:
        for node in ast.walk(ast.parse(path.read_text())):
            imported = []
            if isinstance(node, ast.Import):
                imported = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported = [node.module.split(".")[-1], node.module.split(".")[0]]
            clash = sorted(set(imported) & names)
            assert not clash, f"{path.name} imports the test module {clash[0]}: move the shared piece out"
