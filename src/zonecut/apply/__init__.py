"""Reading Route 53 for a config and executing plans, across accounts."""
