"""(f) Rolling update and rollback."""

from django.utils.translation import gettext_lazy as _

from .base import Checkpoint, ClusterState, Lesson, Question, Step

NEW_IMAGE = {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.28"}]}}}}


def rolled_back(state: ClusterState) -> bool:
    deployment = state.get("Deployment", "web")
    if deployment is None:
        return False
    revision = (deployment["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision")
    image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
    ready = state.ready_pods({"app": "web"})
    return (
        revision == "3"
        and image == "nginx:1.27"
        and len(ready) == 3
        and all(pod["spec"]["containers"][0]["image"] == "nginx:1.27" for pod in ready)
    )


LESSON = Lesson(
    slug="rolling-update",
    title=_("Rolling update and rollback"),
    summary=_("Replacing every pod with a new version without downtime, and going back."),
    steps=(
        Step(
            title=_("A new version of web"),
            narration=_(
                "Changing a Deployment's pod template starts a rollout: a new ReplicaSet grows while the old one "
                "shrinks. By default at most 25 percent extra pods (rounded up) may exist, and at most 25 percent (rounded down) "
                "may be unavailable."
            ),
            action={
                "action": "patch",
                "kind": "Deployment",
                "namespace": "default",
                "name": "web",
                "body": NEW_IMAGE,
                "patch_type": "strategic",
            },
            action_label=_("Update web to nginx:1.28"),
            question=Question(
                prompt=_("During the rollout of 3 replicas, how few ready web pods can there be at worst?"),
                choices=(("0", _("0")), ("2", _("2")), ("3", _("3"))),
                answer="3",
                why=_(
                    "25 percent of 3 rounded down is 0 unavailable, and 25 percent rounded up is 1 surge pod: a new pod must be "
                    "ready before an old one goes."
                ),
            ),
        ),
        Step(
            title=_("Two ReplicaSets"),
            narration=_(
                "Look at the workloads strip: the new ReplicaSet (revision 2) scales up one pod at a time and the old "
                "one (revision 1) scales down. The old ReplicaSet is kept with zero replicas: it is the history a "
                "rollback uses."
            ),
            focus=("Deployment", "default/web"),
        ),
        Step(
            title=_("Roll back"),
            narration=_(
                "kubectl rollout undo puts the previous revision's pod template back. The old ReplicaSet grows "
                "again and becomes revision 3. Nothing is rebuilt from scratch: history is just ReplicaSets."
            ),
            action={"action": "undo", "name": "web"},
            action_label=_("Roll web back"),
            checkpoint=Checkpoint(
                goal=_("Update web to nginx:1.28, roll it back, and wait until 3 ready pods run nginx:1.27 again."),
                check=rolled_back,
            ),
        ),
    ),
)
