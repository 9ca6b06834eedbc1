"""`python -m zonecut.cli` runs the command line."""

from zonecut.cli.main import main

main()
