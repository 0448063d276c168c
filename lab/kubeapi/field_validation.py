"""`fieldValidation`: what a create, update or patch does with fields its body's type does not declare or repeats.

Upstream (handlers/rest.go): Strict refuses the body with every such field in one strict decoding error, Warn (the
default when a request names none; kubectl sends Strict) accepts it without them and sends one warning per field,
Ignore drops them silently. Warnings travel in the `Warning` header as RFC 7234 warn-values with code 299, which
kubectl prints as `Warning: unknown field "spec.foo"`.
"""

import json

from cluster_engine.api import errors
from cluster_engine.api.fields import FIELD_VALIDATIONS, WARN, FieldValidation
from cluster_engine.api.kinds import Kind

# upstream: the options kinds whose fieldValidation the request's query sets, by HTTP method
OPTIONS_KINDS = {"POST": "CreateOptions", "PUT": "UpdateOptions", "PATCH": "PatchOptions"}
# upstream: the warning code for a miscellaneous persistent warning, and "-" for an unnamed agent
WARNING_CODE, WARNING_AGENT = 299, "-"


def from_request(request) -> FieldValidation:
    """The request's directive, refused as upstream validates its options (422 on CreateOptions and the like)."""
    directive = request.GET.get("fieldValidation", "")
    if directive and directive not in FIELD_VALIDATIONS:
        options = Kind(OPTIONS_KINDS.get(request.method, "CreateOptions"), "meta.k8s.io/v1", "", False)
        supported = ["", *sorted(FIELD_VALIDATIONS)]
        raise errors.invalid_object(options, "", [errors.not_supported("fieldValidation", directive, supported)])
    return FieldValidation(directive or WARN)


def add_warnings(response, validation: FieldValidation):
    """The response with a `Warning` header carrying each warning, in the order they were found."""
    if validation.warnings:
        response["Warning"] = ", ".join(
            f"{WARNING_CODE} {WARNING_AGENT} {json.dumps(text)}" for text in validation.warnings
        )
    return response
