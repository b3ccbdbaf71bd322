"""Command line: python -m utils {run,results,student,grade,badges,clean} ... (see README.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.mode import MODES
from ..core.paths import BUILD_DIR, NOTEBOOKS_DIR, REPO_ROOT
from . import badges as badges_tool
from . import course_map as map_tool
from . import grade as grade_tool
from . import notebooks as nbtools
from . import results as results_tool
from . import run as run_tool
from . import student as student_tool


def chosen_notebooks(names: list[str]) -> list[Path]:
    """Notebook paths from the command line, or every lesson when none is given."""
    if not names:
        return nbtools.lesson_notebooks()
    paths = []
    for name in names:
        path = Path(name)
        if not path.exists():
            path = NOTEBOOKS_DIR / Path(name).name
        if not path.exists():
            raise SystemExit(f"no notebook {name!r}; the lessons are in {NOTEBOOKS_DIR}")
        paths.append(path.resolve())
    return paths


def cmd_run(args) -> int:
    out = Path(args.out)
    results = run_tool.run_notebooks(chosen_notebooks(args.notebooks), args.mode, build_dir=out, timeout=args.timeout)
    print()
    print(run_tool.report_markdown(results))
    print(
        f"Executed copies in {nbtools.relative(out / 'executed' / args.mode)}; "
        f"report in {nbtools.relative(out / 'report.md')} and report.json"
    )
    return 0 if all(r["status"] == "ok" for r in results) else 1


def cmd_student(args) -> int:
    for path, regions in student_tool.write_student_copies(Path(args.out), chosen_notebooks(args.notebooks)):
        print(f"{nbtools.relative(path)}: {regions} solution region(s) replaced")
    return 0


def cmd_badges(args) -> int:
    for line in badges_tool.set_course_repo(
        args.repo, args.branch, nbtools.lesson_notebooks(), REPO_ROOT / "README.md"
    ):
        print(line)
    return 0


def cmd_clean(args) -> int:
    dirty = 0
    for path in chosen_notebooks(args.notebooks):
        nb = nbtools.read(path)
        if args.check:
            problems = nbtools.hygiene_problems(nb)
            for problem in problems:
                print(f"{nbtools.relative(path)}: {problem}")
            dirty += bool(problems)
            continue
        nbtools.write(nbtools.clean(nb), path)
        print(f"cleaned {nbtools.relative(path)}")
    if dirty:
        print(f"{dirty} notebook(s) not clean: run `python -m utils clean` and commit again")
    return 1 if dirty else 0


def cmd_results(args) -> int:
    try:
        return results_tool.run_command(update_from=args.update_from, check=args.check)
    except results_tool.ResultsError as error:
        raise SystemExit(f"python -m utils results: {error}") from None


def cmd_maps(args) -> int:
    try:
        return map_tool.run_command(check=args.check)
    except map_tool.MapError as error:
        raise SystemExit(f"python -m utils maps: {error}") from None


def cmd_grade(args) -> int:
    results = grade_tool.grade(args.submissions, args.mode, args.timeout, Path(args.out) / "executed")
    print()
    print(grade_tool.write_reports(results, Path(args.out), args.mode))
    print(f"Grades in {nbtools.relative(Path(args.out))}/grades.csv and grades.md")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m utils", description="GRU course tools")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="execute notebooks headless and write build/report.{json,md}")
    run.add_argument("notebooks", nargs="*", help="default: every lesson, in order")
    run.add_argument("--mode", choices=MODES, default="full")
    run.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    run.add_argument("--out", default=str(BUILD_DIR), help="folder for executed/ and report.{json,md} (default build/)")
    run.set_defaults(func=cmd_run)

    student = sub.add_parser("student", help="write student copies without solutions")
    student.add_argument("notebooks", nargs="*", help="default: every lesson")
    student.add_argument("--out", default=str(BUILD_DIR / "student"))
    student.set_defaults(func=cmd_student)

    badges = sub.add_parser("badges", help="point Colab/GitHub links at OWNER/NAME")
    badges.add_argument("--repo", required=True, help="OWNER/NAME of your GitHub copy")
    badges.add_argument("--branch", default="main")
    badges.set_defaults(func=cmd_badges)

    clean = sub.add_parser("clean", help="strip outputs and editor metadata before committing")
    clean.add_argument("notebooks", nargs="*", help="default: every lesson")
    clean.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 listing every notebook that is not clean"
    )
    clean.set_defaults(func=cmd_clean)

    results = sub.add_parser(
        "results",
        help="regenerate the expected results from results/full_mode.json",
        description=results_tool.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    given = results.add_mutually_exclusive_group()
    given.add_argument(
        "--update-from",
        metavar="REPORT",
        nargs="+",
        help="store these full-mode reports (build/report.json) first, then regenerate; "
        "lessons in no report keep their stored entry",
    )
    given.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 listing every file that differs from the stored run",
    )
    results.set_defaults(func=cmd_results)

    maps = sub.add_parser(
        "maps",
        help="write the course map and the module map from their sources",
        description=map_tool.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    maps.add_argument("--check", action="store_true", help="change nothing; exit 1 listing what differs")
    maps.set_defaults(func=cmd_maps)

    grade = sub.add_parser(
        "grade",
        help="run students' notebooks and tabulate their exercises",
        description=grade_tool.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    grade.add_argument(
        "submissions",
        nargs="+",
        metavar="SUBMISSION",
        help="a notebook, or a folder searched for *.ipynb. " + grade_tool.NAME_RULE,
    )
    grade.add_argument("--out", default=str(BUILD_DIR / "grades"), help="where grades.csv and grades.md go")
    grade.add_argument("--mode", choices=MODES, default="fast", help="default: fast")
    grade.add_argument("--timeout", type=float, default=600, help="seconds allowed per notebook (default 600)")
    grade.set_defaults(func=cmd_grade)

    from . import lesson_time

    times = sub.add_parser(
        "times",
        help="each lesson's time by the course's rule, against its stated time",
        description=lesson_time.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    times.add_argument("notebooks", nargs="*", help="default: every lesson")
    times.set_defaults(
        func=lambda args: (
            print(lesson_time.report(lesson_time.table(chosen_notebooks(args.notebooks) if args.notebooks else None)))
            or 0
        )
    )

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
