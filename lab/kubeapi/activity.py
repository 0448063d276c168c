"""Each kube API request, announced to the cluster's channel-layer group once it is answered.

The cluster page listens for {"type": "kubeapi.request", "request": {...}} to show the request (who, which verb, on
what, and the status code it got) and then animates its effect as the watch events that follow arrive. Readers of
the group that do not care (the control-plane host) ignore message types they do not know.
"""

from ..groups import cluster_group
from ..publishing import send_to_group

REQUEST_MESSAGE = "kubeapi.request"


def request_summary(identity, request, verb: str, target, code: int) -> dict:
    return {
        "verb": verb,
        "group": target.group,
        "resource": target.resource,
        "subresource": target.subresource,
        "namespace": target.namespace,
        "name": target.name,
        "user": identity.username,
        "userAgent": request.META.get("HTTP_USER_AGENT", ""),
        "code": code,
    }


def announce(cluster, identity, request, verb: str, target, code: int) -> None:
    message = {"type": REQUEST_MESSAGE, "request": request_summary(identity, request, verb, target, code)}
    send_to_group(cluster_group(cluster.pk), message)
