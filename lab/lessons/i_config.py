"""(i) Secrets and config maps."""

from django.utils.translation import gettext_lazy as _

from .base import Checkpoint, ClusterState, Lesson, Question, Step

CONFIG_OBJECTS = [
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "web-config", "namespace": "default"},
        "data": {"greeting": "hello"},
    },
    {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "web-secret", "namespace": "default"},
        "type": "Opaque",
        "stringData": {"password": "s3cr3t"},
    },
]


def config_created(state: ClusterState) -> bool:
    config_map = state.get("ConfigMap", "web-config")
    return bool(config_map) and "greeting" in (config_map.get("data") or {}) and bool(state.get("Secret", "web-secret"))


LESSON = Lesson(
    slug="config",
    title=_("Secrets and config maps"),
    summary=_("Keeping settings and passwords out of the image, and how pods read them."),
    steps=(
        Step(
            title=_("Configuration outside the image"),
            narration=_(
                "The same image should run in testing and in production. A ConfigMap holds plain settings as keys "
                "and values; a Secret holds sensitive ones. This action creates one of each."
            ),
            action={"action": "apply", "objects": CONFIG_OBJECTS},
            action_label=_("Create web-config and web-secret"),
            checkpoint=Checkpoint(
                goal=_("Create the ConfigMap web-config (key greeting) and the Secret web-secret in your sandbox."),
                check=config_created,
            ),
        ),
        Step(
            title=_("Secrets are encoded, not encrypted"),
            narration=_(
                "A Secret's values are stored base64-encoded, which anyone can decode. What protects them is who may "
                "read Secrets (RBAC) and, if configured, encryption at rest in etcd. That is why the diagram never "
                "shows Secrets."
            ),
        ),
        Step(
            title=_("How pods read them"),
            narration=_(
                "A pod can take values as environment variables or mount them as files. Environment variables are "
                "read once, when the container starts; mounted files are refreshed by the kubelet after a while."
            ),
            question=Question(
                prompt=_(
                    "You change a ConfigMap value that web reads as an environment variable. When do its pods see it?"
                ),
                choices=(
                    ("now", _("At once")),
                    ("restart", _("Only when the pods are recreated")),
                    ("never", _("Never")),
                ),
                answer="restart",
                why=_(
                    "Environment variables are fixed when the container starts; a rollout restart recreates the pods."
                ),
            ),
        ),
    ),
)
