"""Recording Events the way client-go's EventRecorder does, plus a plain-language explanation for learners.

Repeats of the same (object, type, reason, message, source) are folded into one Event whose `count` and
`lastTimestamp` grow, as upstream's event correlator does, so a crash loop shows "BackOff (x12)" not 12 rows.

An explanation is English text, or an English template with `{name}` placeholders plus its arguments. The rendered
English goes in EXPLANATION_ANNOTATION for kubectl describe and API clients; a template and its arguments are kept
beside it so the browser can translate the template with its catalog and fill in the same arguments.
"""

import itertools
import json

from ..api.errors import ApiError

EXPLANATION_ANNOTATION = "kubelab.io/explanation"
EXPLANATION_TEMPLATE_ANNOTATION = "kubelab.io/explanation-template"
EXPLANATION_ARGS_ANNOTATION = "kubelab.io/explanation-args"


class EventRecorder:
    def __init__(self, ctx):
        self.ctx = ctx
        self._names: dict[tuple, str] = {}
        self._sequence = itertools.count(1)

    def record(
        self,
        obj: dict,
        event_type: str,
        reason: str,
        message: str,
        component: str,
        explanation: str = "",
        host: str = "",
        explanation_args: dict | None = None,
        client=None,
    ):
        """Write (or bump) an Event about `obj`; a refused write is dropped, as upstream drops events it cannot send.
        `client` is the writer's own when it is not the component the loop is running (a kubelet's timers)."""
        metadata = obj["metadata"]
        namespace = metadata.get("namespace") or "default"
        signature = (obj["kind"], namespace, metadata["name"], event_type, reason, message, component)
        clock, client = self.ctx.clock, client or self.ctx.client
        try:
            existing_name = self._names.get(signature)
            existing = existing_name and self.ctx.cache.get("Event", f"{namespace}/{existing_name}")
            if existing:
                updated = dict(existing)
                updated["count"] = existing.get("count", 1) + 1
                updated["lastTimestamp"] = clock.timestamp()
                return client.update("Event", updated)
            # upstream names events "<object>.<unix nanoseconds in hex>"; a sequence keeps them unique per cluster
            name = f"{metadata['name']}.{int((clock.epoch + clock.now) * 1e9) + next(self._sequence):x}"
            event = {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {"name": name, "namespace": namespace},
                "involvedObject": {
                    "apiVersion": obj.get("apiVersion", "v1"),
                    "kind": obj["kind"],
                    "name": metadata["name"],
                    "uid": metadata.get("uid", ""),
                    **({"namespace": metadata["namespace"]} if metadata.get("namespace") else {}),
                },
                "reason": reason,
                "message": message,
                "type": event_type,
                "source": {"component": component, **({"host": host} if host else {})},
                "reportingComponent": component,
                "reportingInstance": host or component,
                "firstTimestamp": clock.timestamp(),
                "lastTimestamp": clock.timestamp(),
                "count": 1,
            }
            if explanation:
                event["metadata"]["annotations"] = explanation_annotations(explanation, explanation_args)
            created = client.create("Event", event)
            self._names[signature] = name
            return created
        except ApiError:
            return None


def explanation_annotations(explanation: str, args: dict | None) -> dict:
    """The annotations carrying an explanation: the English text, and for a template also the template and its
    arguments (compact JSON), which a reader's language needs because a rendered sentence cannot be translated."""
    if not args:
        return {EXPLANATION_ANNOTATION: explanation}
    return {
        EXPLANATION_ANNOTATION: explanation.format(**args),
        EXPLANATION_TEMPLATE_ANNOTATION: explanation,
        EXPLANATION_ARGS_ANNOTATION: json.dumps(args, separators=(",", ":"), ensure_ascii=False),
    }
