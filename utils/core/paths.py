"""Repository paths that work from any working directory (repo root, notebooks/,
Colab's /content clone, pytest), because they are found from this file."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
DATA_DIR = REPO_ROOT / "data"
BUILD_DIR = REPO_ROOT / "build"  # executed notebooks, reports, student copies (git-ignored)
