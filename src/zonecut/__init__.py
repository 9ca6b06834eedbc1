"""zonecut: share one DNS domain across many AWS accounts with Route 53 delegation."""

__version__ = "0.1.0"
