"""`python -m utils ...`: the maintainer and instructor commands (utils/tools/cli.py)."""

import sys

from .tools.cli import main

sys.exit(main())
