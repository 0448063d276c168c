"""What `runlab` makes sure of before serving: an admin login, a demo cluster, and the clock speed asked for."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation

from cluster_engine.runtime.clock import MAX_SPEED, MIN_SPEED

from .demo import DEMO_NAME, create_demo_cluster
from .models import Cluster

ADMIN_USERNAME = "admin"
PASSWORD_ENVIRONMENT = "KUBELAB_ADMIN_PASSWORD"


def password_file() -> Path:
    return Path(settings.VAR_DIR) / "admin-password"


@dataclass
class AdminLogin:
    username: str
    password: str | None  # shown only when it was just generated; one from the environment is never echoed
    where: str  # how the user finds the password


def ensure_admin() -> AdminLogin:
    """An `admin` superuser exists. Its password comes from KUBELAB_ADMIN_PASSWORD (applied on every start) or is
    generated once, kept in var/admin-password (readable by the owner only) and shown this one time.

    A password from the environment must pass AUTH_PASSWORD_VALIDATORS, as one typed into the admin must: anything
    else raises their ValidationError and changes nothing. It is never returned, so it is never printed."""
    users = get_user_model()
    user = users.objects.filter(username=ADMIN_USERNAME).first()
    from_environment = os.environ.get(PASSWORD_ENVIRONMENT)
    if from_environment:
        password_validation.validate_password(from_environment, user or users(username=ADMIN_USERNAME))
        if user is None:
            users.objects.create_superuser(ADMIN_USERNAME, "", from_environment)
        elif not user.check_password(from_environment):
            user.set_password(from_environment)
            user.save(update_fields=["password"])
        return AdminLogin(ADMIN_USERNAME, None, f"from {PASSWORD_ENVIRONMENT}")
    path = password_file()
    if user is not None:
        return AdminLogin(ADMIN_USERNAME, None, f"stored in {path}")
    password = secrets.token_urlsafe(12)
    users.objects.create_superuser(ADMIN_USERNAME, "", password)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return AdminLogin(ADMIN_USERNAME, password, f"generated now and stored in {path}")


def ensure_demo_cluster(topology: str = "single") -> tuple[Cluster, bool]:
    """The demo cluster, seeded if there is none; returns it and whether it was just created."""
    existing = Cluster.objects.filter(name=DEMO_NAME).first()
    if existing is not None:
        return existing, False
    return create_demo_cluster(topology=topology), True


def set_speed(cluster: Cluster, speed: float) -> None:
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise ValueError(f"speed must be between {MIN_SPEED:g}x and {MAX_SPEED:g}x, not {speed:g}x")
    Cluster.objects.filter(pk=cluster.pk).update(speed=speed)
    cluster.speed = speed
