"""Tests run the notebooks in fast mode unless COURSE_MODE is set (e.g. COURSE_MODE=full)."""

import os

import pytest

os.environ.setdefault("COURSE_MODE", "fast")

TALLY_KEY = pytest.StashKey[list]()


@pytest.fixture(scope="session")
def exercise_tally(request):
    """(notebook, exercises, wrong answers tried, rejected) per lesson, summed at the end."""
    return request.config.stash.setdefault(TALLY_KEY, [])


def pytest_terminal_summary(terminalreporter, config):
    tally = config.stash.get(TALLY_KEY, [])
    if tally:
        exercises, tried, rejected = (sum(row[i] for row in tally) for i in (1, 2, 3))
        share = f"{rejected / tried:.0%}" if tried else "n/a"
        terminalreporter.write_line(
            f"exercise checks: {exercises} exercises, {tried} wrong answers, {rejected} rejected "
            f"({share}) in {len(tally)} notebook(s)"
        )
