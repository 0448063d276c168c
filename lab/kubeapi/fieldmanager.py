"""Who a request writes as: the `fieldManager` query parameter, or upstream's default from the User-Agent.

kubectl names itself per command (`kubectl-client-side-apply`, `kubectl-edit`, ...) in the parameter; other
clients are named by the first part of their User-Agent (`kubectl/v1.37.0 (linux/amd64) ...` → `kubectl`), as
upstream's managerOrUserAgent does. The request options are checked first, as upstream validates Create-, Update-
and PatchOptions before it touches the object.
"""

from cluster_engine.api import errors, managedfields
from cluster_engine.api.kinds import Kind

OPTIONS_KIND = {"POST": "CreateOptions", "PUT": "UpdateOptions", "PATCH": "PatchOptions"}


def _options_error(method: str, problems: list) -> errors.ApiError:
    options = Kind(OPTIONS_KIND[method], "meta.k8s.io/v1", "", False)
    return errors.invalid_object(options, "", problems)


def field_manager(request, method: str | None = None, apply: bool = False) -> str:
    """The manager of this write; an apply must name one, `force` belongs to apply alone (422 otherwise)."""
    method = method or request.method
    named = request.GET.get("fieldManager", "")
    problems = []
    if not apply and "force" in request.GET:
        problems.append(errors.forbidden("force", "may not be specified for non-apply patch"))
    if apply and not named:
        problems.append(errors.required("fieldManager", "is required for apply patch"))
    problems += managedfields.field_manager_problems(named, "fieldManager")
    if problems:
        raise _options_error(method, problems)
    return named or managedfields.manager_from_user_agent(request.META.get("HTTP_USER_AGENT", ""))


def force(request) -> bool:
    return request.GET.get("force", "").lower() in ("true", "1")
