"""`dryRun=All`: a write that runs every check (decoding, admission, validation, conflicts) and stores nothing.

Upstream accepts it on every write verb and subresource, in the query or, for deletes and evictions, in the body's
DeleteOptions; any other value is refused before anything runs.
"""

from cluster_engine.api import errors


def dry_run(request) -> bool:
    """`dryRun=All` runs every check and writes nothing; any other value is refused as upstream does."""
    values = request.GET.getlist("dryRun")
    for value in values:
        if value != "All":
            raise errors.bad_request(f'Invalid dry run value: "{value}"; supported values: "All"')
    return bool(values)


def delete_dry_run(request, options: dict) -> bool:
    """dryRun from the query or from the DeleteOptions body, each held to upstream's one supported value."""
    body_values = options.get("dryRun") or []
    if not isinstance(body_values, list):
        raise errors.bad_request("DeleteOptions.dryRun must be a list of strings")
    for value in body_values:
        if value != "All":
            raise errors.bad_request(f'Invalid dry run value: "{value}"; supported values: "All"')
    return dry_run(request) or bool(body_values)
