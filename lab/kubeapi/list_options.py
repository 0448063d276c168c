"""The query parameters of a list or a watch, read and checked as upstream's apiserver does before it serves either.

Rules and messages follow apimachinery's ValidateListOptions
(staging/src/k8s.io/apimachinery/pkg/apis/meta/internalversion/validation): a watch may ask for its initial state
(`sendInitialEvents`, the streaming list client-go's informers use) only with `resourceVersionMatch=NotOlderThan`,
and a watch may carry `resourceVersionMatch` only together with `sendInitialEvents`. A refusal is a 422 naming
`ListOptions.meta.k8s.io`, and nothing is served.
"""

from dataclasses import dataclass

from cluster_engine.api import errors
from cluster_engine.api.kinds import Kind

LIST_OPTIONS = Kind("ListOptions", "meta.k8s.io/v1", "listoptions", False)
NOT_OLDER_THAN = "NotOlderThan"
EXACT = "Exact"


def query_bool(request, name: str) -> bool | None:
    """Convert_Slice_string_To_Pointer_bool: absent is None, "0" or "false" (any case) is false, anything else (even
    an empty value) is true."""
    if name not in request.GET:
        return None
    value = request.GET[name]
    return not (value == "0" or value.lower() == "false")


@dataclass(frozen=True)
class ListOptions:
    watch: bool
    resource_version: str = ""
    resource_version_match: str = ""
    send_initial_events: bool | None = None
    allow_watch_bookmarks: bool = False
    continue_token: str = ""

    @classmethod
    def of(cls, request, watch: bool) -> "ListOptions":
        return cls(
            watch=watch,
            resource_version=request.GET.get("resourceVersion", ""),
            resource_version_match=request.GET.get("resourceVersionMatch", ""),
            send_initial_events=query_bool(request, "sendInitialEvents"),
            allow_watch_bookmarks=bool(query_bool(request, "allowWatchBookmarks")),
            continue_token=request.GET.get("continue", ""),
        )

    def validate(self) -> None:
        problems = self._watch_problems() if self.watch else self._list_problems()
        if problems:
            raise errors.invalid_object(LIST_OPTIONS, "", problems)

    def _list_problems(self) -> list[errors.FieldError]:
        problems = []
        match = self.resource_version_match
        if match:
            if not self.resource_version:
                problems.append(
                    errors.forbidden(
                        "resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"
                    )
                )
            if self.continue_token:
                problems.append(
                    errors.forbidden(
                        "resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"
                    )
                )
            if match not in (EXACT, NOT_OLDER_THAN):
                problems.append(errors.not_supported("resourceVersionMatch", match, [EXACT, NOT_OLDER_THAN, ""]))
            if match == EXACT and self.resource_version == "0":
                problems.append(
                    errors.forbidden(
                        "resourceVersionMatch", 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'
                    )
                )
        if self.send_initial_events is not None:
            problems.append(errors.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"))
        return problems

    def _watch_problems(self) -> list[errors.FieldError]:
        problems = []
        match = self.resource_version_match
        if self.send_initial_events is not None and match != NOT_OLDER_THAN:
            problems.append(
                errors.forbidden(
                    "resourceVersionMatch",
                    f"sendInitialEvents requires setting resourceVersionMatch to {NOT_OLDER_THAN}",
                )
            )
        if match:
            if self.send_initial_events is None:
                problems.append(
                    errors.forbidden(
                        "resourceVersionMatch",
                        "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
                    )
                )
            if match != NOT_OLDER_THAN:
                problems.append(errors.not_supported("resourceVersionMatch", match, [NOT_OLDER_THAN]))
            if self.continue_token:
                problems.append(
                    errors.forbidden(
                        "resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"
                    )
                )
        return problems
