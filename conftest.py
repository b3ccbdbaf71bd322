"""Tests run the notebooks in fast mode unless COURSE_MODE is set (e.g. COURSE_MODE=full)."""

import os

os.environ.setdefault("COURSE_MODE", "fast")
