"""Read the README's command blocks (a helper for the tests, not a test module)."""

from __future__ import annotations

import re

from utils.core.paths import REPO_ROOT


def readme_command(heading: str) -> str:
    """The one-line ```bash block that follows `heading` in README.md."""
    readme = (REPO_ROOT / "README.md").read_text()
    match = re.search(rf"{re.escape(heading)}.*?```bash\n(.+?)\n```", readme, re.S)
    assert match, f"README.md needs a ```bash block after {heading!r}"
    lines = [line for line in match.group(1).splitlines() if line.strip()]
    assert len(lines) == 1, f"the command after {heading!r} must be one line"
    return lines[0]
