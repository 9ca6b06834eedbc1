"""The command line: the only part of zonecut that prints."""
