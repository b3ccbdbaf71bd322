"""`python -m utils results`: expected-results boxes and README table from one full-mode run.

Every test but the last works on a copy of the notebooks and README in tmp_path, from a
sample report whose numbers are made up for the test (never stored in results/).
"""

import json
import re
import shutil
import string

import nbformat
import pytest

from utils.core.paths import NOTEBOOKS_DIR, REPO_ROOT
from utils.tools import notebooks as nbtools
from utils.tools import results, run
from utils.tools.cli import main

LESSONS = [path.name for path in nbtools.lesson_notebooks()]


def template_metrics(lesson: str) -> list[str]:
    """The metric names a lesson's headline template (its notebook metadata) needs."""
    template = results.headline_template(nbtools.read(NOTEBOOKS_DIR / lesson), lesson)
    return [field for _, field, _, _ in string.Formatter().parse(template) if field]


def sample_report(mode="full", lessons=LESSONS) -> dict:
    """A report as `python -m utils run` writes it, with every metric the headlines need."""
    notebooks = []
    for number, lesson in enumerate(lessons):
        metrics = {name: 0.1 + number / 100 + index / 1000 for index, name in enumerate(template_metrics(lesson))}
        metrics.update(train_seconds=1234.5678, tiny_error=2.4e-7, diverged=True, chosen="GRU", epochs=20)
        notebooks.append(
            {"notebook": lesson, "mode": mode, "status": "ok", "seconds": 60.0 + number, "metrics": metrics}
        )
    return {
        "mode": mode,
        "date": "2030-01-02",
        "machine": "CPU: Test CPU (2 cores), no GPU, TensorFlow 9.9.9",
        "python": "3.99.0",
        "tensorflow": "9.9.9",
        "keras": "9.8.7",
        "notebooks": notebooks,
    }


@pytest.fixture
def course(tmp_path):
    """A copy of the lessons and README.md to generate into."""
    shutil.copytree(NOTEBOOKS_DIR, tmp_path / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(REPO_ROOT / "README.md", tmp_path / "README.md")
    return tmp_path


def write_report(course, report) -> str:
    path = course / "build" / "report.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(report))
    return str(path)


def snapshot(course) -> dict:
    return {path: path.read_text() for path in sorted(course.rglob("*")) if path.is_file()}


@pytest.fixture
def generated(course):
    """The copy after `--update-from` a sample full-mode report."""
    assert results.run_command(update_from=write_report(course, sample_report()), root=course) == 0
    return course


def test_update_from_stores_the_run_and_fills_every_box(generated):
    stored = json.loads((generated / "results" / "full_mode.json").read_text())
    assert stored["mode"] == "full" and stored["keras"] == "9.8.7"
    assert [entry["notebook"] for entry in stored["notebooks"]] == LESSONS
    assert (generated / "results" / "full_mode.md").exists()
    for lesson in LESSONS:
        original, nb = nbtools.read(NOTEBOOKS_DIR / lesson), nbtools.read(generated / "notebooks" / lesson)
        tagged = [i for i, cell in enumerate(nb.cells) if results.CELL_TAG in cell.metadata.get("tags", [])]
        assert len(tagged) == 1 and nb.cells[tagged[0] + 1].source.startswith("## Summary")
        box = nb.cells[tagged[0]].source
        assert box.startswith("### Expected results (full mode)")
        assert "2030-01-02" in box and "Test CPU" in box and "Keras 9.8.7" in box
        assert "| `train_seconds` | 1,235 |" in box and "| `tiny_error` | 2.4e-07 |" in box
        assert "| `diverged` | yes |" in box and "not meaningful" in box
        untouched = [cell for i, cell in enumerate(nb.cells) if i not in tagged]
        assert [c.source for c in untouched] == [
            c.source for c in original.cells if results.CELL_TAG not in c.metadata.get("tags", [])
        ]
        assert nbtools.hygiene_problems(nb) == []


def test_readme_table_is_filled_between_the_markers_only(generated):
    before, after = (REPO_ROOT / "README.md").read_text(), (generated / "README.md").read_text()
    start, end = results.START_MARKER, results.END_MARKER
    assert before.split(start)[0] == after.split(start)[0] and before.split(end)[1] == after.split(end)[1]
    table = after.split(start)[1].split(end)[0]
    assert "| 00 | 60 s | GRU 0.100 kW vs persistence 0.101 kW" in table
    assert len([line for line in table.splitlines() if re.match(r"\| \d\d \| ", line)]) == len(LESSONS)


def test_regenerating_is_idempotent_and_check_passes(generated, capsys):
    first = snapshot(generated)
    assert results.run_command(root=generated) == 0
    assert snapshot(generated) == first
    assert results.run_command(check=True, root=generated) == 0
    assert "0 file(s) updated" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["box", "readme"])
def test_check_catches_a_number_edited_by_hand(generated, capsys, where):
    path = generated / ("notebooks/00_start_here.ipynb" if where == "box" else "README.md")
    text = path.read_text()
    edited = text.replace("| 60 s |", "| 59 s |") if where == "readme" else text.replace("took 60 s.", "took 6 s.")
    assert edited != text
    path.write_text(edited)
    assert results.run_command(check=True, root=generated) == 1
    assert str(path) in capsys.readouterr().out
    assert path.read_text() == edited  # --check changes nothing
    results.run_command(root=generated)
    assert path.read_text() == text


def test_a_moved_or_duplicated_box_is_put_back_before_the_summary(generated):
    path = generated / "notebooks" / "02_gru_from_scratch.ipynb"
    expected = path.read_text()
    nb = nbtools.read(path)
    box = next(cell for cell in nb.cells if results.CELL_TAG in cell.metadata.get("tags", []))
    nb.cells.insert(3, nbformat.v4.new_markdown_cell(box.source, metadata={"tags": [results.CELL_TAG]}))
    nbtools.write(nb, path)
    assert results.run_command(check=True, root=generated) == 1
    results.run_command(root=generated)
    assert path.read_text() == expected


def test_instructors_markers_get_a_times_table(generated):
    instructors = generated / "INSTRUCTORS.md"
    instructors.write_text(f"# Teaching\n\n{results.START_MARKER}\nold\n{results.END_MARKER}\n\nEnd.\n")
    assert results.run_command(check=True, root=generated) == 1
    results.run_command(root=generated)
    text = instructors.read_text()
    assert "| 07 | 67 s |" in text and "old" not in text and text.endswith("\n\nEnd.\n")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: r.update(mode="fast"), "fast-mode report"),
        (lambda r: r["notebooks"][3].update(status="FAILED at cell 7: ValueError: boom"), "FAILED at cell 7"),
        (lambda r: r["notebooks"].pop(5), f"no report and no stored entry for {LESSONS[5]}"),
    ],
)
def test_update_from_refuses_a_report_that_cannot_serve(course, change, message):
    report = sample_report()
    change(report)
    with pytest.raises(results.ResultsError, match=message):
        results.run_command(update_from=write_report(course, report), root=course)
    assert not (course / "results").exists()


def test_update_from_refuses_an_old_report_without_versions(course):
    with pytest.raises(results.ResultsError, match="older `python -m utils run`"):
        results.run_command(update_from=write_report(course, sample_report()["notebooks"]), root=course)


def test_a_headline_naming_a_missing_metric_is_an_error_that_names_it(course):
    report = sample_report()
    name = template_metrics(LESSONS[1])[0]
    del report["notebooks"][1]["metrics"][name]
    with pytest.raises(results.ResultsError, match=rf"{LESSONS[1]} names {name}"):
        results.run_command(update_from=write_report(course, report), root=course)
    assert not (course / "results").exists()


def test_every_lesson_owns_its_headline_template():
    for lesson in LESSONS:
        assert template_metrics(lesson), f"{lesson}: its headline template names no recorded metric"


def test_a_lesson_without_a_headline_template_is_named(course):
    path = course / "notebooks" / LESSONS[2]
    nb = nbtools.read(path)
    del nb.metadata["course"]["headline"]
    nbtools.write(nb, path)
    with pytest.raises(results.ResultsError, match=rf"{LESSONS[2]} has no headline template"):
        results.run_command(update_from=write_report(course, sample_report()), root=course)


def test_a_partial_run_updates_its_lessons_and_keeps_the_others(generated):
    before = json.loads((generated / "results" / "full_mode.json").read_text())
    report = sample_report(lessons=[LESSONS[3]])
    report["date"] = "2030-02-03"
    report["notebooks"][0].update(seconds=999.0, metrics={**report["notebooks"][0]["metrics"], "epochs": 7})
    assert results.run_command(update_from=[write_report(generated, report)], root=generated) == 0
    after = json.loads((generated / "results" / "full_mode.json").read_text())
    assert [e["notebook"] for e in after["notebooks"]] == LESSONS
    for old, new in zip(before["notebooks"], after["notebooks"]):
        if new["notebook"] == LESSONS[3]:
            assert new["seconds"] == 999.0 and new["metrics"]["epochs"] == 7 and new["date"] == "2030-02-03"
        else:
            assert new == old and new["date"] == "2030-01-02"
    assert after["date"] == "2030-02-03"
    assert "Full-mode runs of 2030-01-02 to 2030-02-03" in (generated / "README.md").read_text()
    box = nbtools.read(generated / "notebooks" / LESSONS[3])
    assert any("Full-mode run of 2030-02-03" in cell.source for cell in box.cells)


def test_several_reports_make_one_run_and_the_later_wins(course):
    first, second = sample_report(lessons=LESSONS[:4]), sample_report(lessons=LESSONS[3:])
    second["date"] = "2030-03-04"
    paths = []
    for name, report in (("a.json", first), ("b.json", second)):
        (course / name).write_text(json.dumps(report))
        paths.append(course / name)
    assert results.run_command(update_from=paths, root=course) == 0
    stored = json.loads((course / "results" / "full_mode.json").read_text())
    dates = {e["notebook"]: e["date"] for e in stored["notebooks"]}
    assert [e["notebook"] for e in stored["notebooks"]] == LESSONS
    assert dates[LESSONS[3]] == "2030-03-04" and dates[LESSONS[0]] == "2030-01-02"


@pytest.mark.parametrize(
    "value, shown",
    [
        (0.40123, "0.401"),
        (0.15, "0.150"),
        (15.0, "15.0"),
        (99.96, "100"),
        (261.3, "261"),
        (1234.5, "1,234"),
        (2.4e-7, "2.4e-07"),
        (0.0, "0"),
        (False, "no"),
        (100, "100"),
        ("a|b", "a\\|b"),
    ],
)
def test_values_are_rounded_for_reading(value, shown):
    assert results.format_value(value) == shown


def test_run_writes_the_machine_and_versions_that_results_need(course, monkeypatch):
    monkeypatch.setattr(
        run,
        "execute_notebook",
        lambda path, mode, out_dir, timeout: {
            "notebook": path.name,
            "mode": mode,
            "status": "ok",
            "seconds": 1.0,
            "metrics": sample_report()["notebooks"][LESSONS.index(path.name)]["metrics"],
        },
    )
    run.run_notebooks(nbtools.lesson_notebooks(course / "notebooks"), "full", build_dir=course / "build")
    report = json.loads((course / "build" / "report.json").read_text())
    assert set(results.RUN_KEYS) <= set(report) and report["mode"] == "full"
    assert results.run_command(update_from=course / "build" / "report.json", root=course) == 0


def test_help_says_how_to_refresh(capsys):
    with pytest.raises(SystemExit):
        main(["results", "--help"])
    assert "python -m utils run --mode full" in capsys.readouterr().out


def test_committed_notebooks_and_readme_match_the_stored_run():
    assert (REPO_ROOT / results.RESULTS_JSON).is_file(), f"{results.RESULTS_JSON} is gone: {results.REFRESH}"
    assert results.run_command(check=True) == 0, "run `python -m utils results` and commit the result"
