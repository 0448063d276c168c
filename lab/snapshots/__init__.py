"""Snapshots: a cluster exported as a kubectl-compatible YAML List, imported as a new cluster, and a library of
prepared ones for class."""
