"""`python -m structconv` runs the CLI."""

import sys

from structconv.cli import main

sys.exit(main())
