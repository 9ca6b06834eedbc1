"""`python -m zonecut.cli` runs the command line."""

from zonecut.cli.app import main

main()
