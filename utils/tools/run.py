"""Headless runs: `python -m utils run` executes notebooks and writes build/report.{json,md}."""

from __future__ import annotations

import json
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat

from ..core.machine import describe_machine
from ..core.paths import BUILD_DIR
from .notebooks import read, write


def failing_cell(nb: nbformat.NotebookNode) -> str:
    """'cell N: ErrorName: message' for the first cell whose output is an error."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"cell {index}: {output.get('ename')}: {output.get('evalue', '')[:200]}"
    return "unknown cell"


@contextmanager
def environment(**variables: str):
    """Set environment variables for the duration of a block (kernels inherit them)."""
    saved = {key: os.environ.get(key) for key in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute_notebook(path: Path, mode: str, out_dir: Path, timeout: int) -> dict:
    """Run one notebook headless in `mode`; never raises for a failing notebook."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = read(path)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    with tempfile.TemporaryDirectory() as tmp:
        metrics_file = Path(tmp) / "metrics.json"
        start = time.perf_counter()
        with environment(COURSE_MODE=mode, COURSE_METRICS_FILE=str(metrics_file)):
            try:
                client.execute()
                status = "ok"
            except CellExecutionError:
                status = f"FAILED at {failing_cell(nb)}"
            except (CellTimeoutError, DeadKernelError) as error:
                status = f"FAILED: {type(error).__name__}: {error}"[:300]
        seconds = time.perf_counter() - start
        metrics = json.loads(metrics_file.read_text()) if metrics_file.exists() else {}
    write(nb, Path(out_dir) / path.name)
    return {"notebook": path.name, "mode": mode, "status": status, "seconds": round(seconds, 1), "metrics": metrics}


def report_markdown(results: list[dict]) -> str:
    lines = [
        f"# Run report ({results[0]['mode'] if results else '?'} mode)",
        "",
        f"Machine: {describe_machine()}. Written {time.strftime('%Y-%m-%d %H:%M')}.",
        "",
        "| notebook | status | seconds | metrics |",
        "|---|---|---:|---|",
    ]
    for r in results:
        shown = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in r["metrics"].items())
        lines.append(f"| {r['notebook']} | {r['status']} | {r['seconds']:.1f} | {shown} |")
    total = sum(r["seconds"] for r in results)
    lines += ["", f"Total: {total:.0f} s for {len(results)} notebook(s)."]
    return "\n".join(lines) + "\n"


def run_environment(mode: str) -> dict:
    """When, where and with which versions a run happens: the top of report.json."""
    from ..core.environment import environment_report

    versions = environment_report()
    return {
        "mode": mode,
        "date": time.strftime("%Y-%m-%d"),
        "machine": versions["machine"],
        "python": versions["python"],
        "tensorflow": versions["tensorflow"],
        "keras": versions["keras"],
    }


def run_notebooks(notebooks: list[Path], mode: str, build_dir: Path = BUILD_DIR, timeout: int = 1800) -> list[dict]:
    """Execute notebooks one after another; write build/report.json and report.md.

    report.json is {mode, date, machine, python, tensorflow, keras, notebooks: [one
    result per notebook]}, the input of `python -m utils results --update-from`.
    """
    results = []
    report = {**run_environment(mode), "notebooks": results}
    Path(build_dir).mkdir(parents=True, exist_ok=True)
    for path in notebooks:
        print(f"running {path.name} ({mode}) ...", flush=True)
        result = execute_notebook(path, mode, Path(build_dir) / "executed" / mode, timeout)
        print(f"  {result['status']} in {result['seconds']:.1f} s", flush=True)
        results.append(result)
        # rewritten after each notebook, so an interrupted run still leaves a report
        (Path(build_dir) / "report.json").write_text(json.dumps(report, indent=2) + "\n")
        (Path(build_dir) / "report.md").write_text(report_markdown(results))
    return results
