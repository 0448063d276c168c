"""Django admin for KubeLab: every kind, edited as YAML and changed through the cluster's API server."""

from . import cluster, kinds

__all__ = ["cluster", "kinds"]
