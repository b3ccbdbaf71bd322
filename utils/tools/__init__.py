"""The course's tools (`python -m utils ...`): runs, student copies, grading, results, maps."""

import sys

# jsonschema (nbformat's validator) compiles a grammar for the "iri" format at import when the
# optional rfc3987-syntax is installed (JupyterLab brings it): 0.9 s per process, for a format
# no notebook schema uses. The grader starts a process that reads notebooks for every
# submission, so the tools go without it (jsonschema skips a format whose library is missing).
sys.modules.setdefault("rfc3987_syntax", None)
