"""KubeLab's control plane in pure Python.

This package knows nothing of Django, Channels or the lab: it reads cluster state from caches it is handed and
writes through an API-server interface it is handed, so the same components run against an in-memory store in
unit tests and benchmarks and against the ORM in the lab.
"""
