"""The Kubernetes API's semantics: kinds, validation, admission, patching, errors and the API server itself.

Storage is pluggable (`cluster_engine.api.storage`): memory for the engine's own tests, the ORM in the lab.
"""
