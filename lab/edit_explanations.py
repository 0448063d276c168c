"""What an edit did, told the way a kubectl user would see it: the command that makes the same change, and the diff
of each object it changed, as the API server stored it before and after.

Whoever acts sees their explanation at once (in the reply to their click, or in the admin's message). It is also
announced to the cluster's group, so every page showing the cluster lists it, marked with who made it: a class
watching the instructor's cluster learns as much from the instructor's admin edit as from its own clicks, and on a
shared cluster a change nobody on this page made is exactly what a learner needs explained. Writes of the control
plane's own components are not edits of a person and have the event timeline instead. A Secret's explanation stays
with whoever made it, since a Secret's contents reach no page.
"""

import uuid
from dataclasses import asdict, dataclass

from django.db import transaction

from .groups import cluster_group
from .object_diff import unified_diff
from .publishing import send_to_group

EDIT_MESSAGE = "edit.explained"  # {"type": EDIT_MESSAGE, "explanation": {...}} on the cluster's group


@dataclass(frozen=True)
class Explanation:
    command: str
    diff: str
    actor: str
    id: str
    private: bool = False  # a Secret was written: shown to the actor only

    def as_json(self) -> dict:
        return {key: value for key, value in asdict(self).items() if key != "private"}


def explain(command: str, changes: list[tuple[dict | None, dict | None]], actor: str) -> Explanation:
    """`changes` holds each written object's (before, after); None stands for "did not exist" / "is gone"."""
    diff = "".join(unified_diff(before, after) for before, after in changes)
    private = any((after or before or {}).get("kind") == "Secret" for before, after in changes)
    return Explanation(command=command, diff=diff, actor=actor, id=uuid.uuid4().hex, private=private)


def announce(cluster_id: int, explanation: Explanation) -> None:
    """Tell every page of the cluster, once the writes it explains are committed (the admin saves inside a
    transaction), so it follows their watch events."""
    if not explanation.private:
        message = {"type": EDIT_MESSAGE, "explanation": explanation.as_json()}
        transaction.on_commit(lambda: send_to_group(cluster_group(cluster_id), message))
