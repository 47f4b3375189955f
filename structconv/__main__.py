"""`python -m structconv` runs the CLI."""

from structconv.cli import main

main()
