"""Settings of the example Todo service.

SQLite by default (``SQLITE_PATH``); PostgreSQL when ``POSTGRES_HOST`` is set. The build imports
this module to run django.setup(), so everything here has a default and nothing connects.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-example-key-change-me")
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "apps.todos",
    "apps.tasks",
    "core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]

ROOT_URLCONF = "mysite.urls"
ASGI_APPLICATION = "mysite.asgi.application"

if os.environ.get("POSTGRES_HOST"):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ["POSTGRES_HOST"],
            "PORT": os.environ.get("POSTGRES_PORT", "5432"),
            "NAME": os.environ.get("POSTGRES_DB", "todos"),
            "USER": os.environ.get("POSTGRES_USER", "todos"),
            "PASSWORD": os.environ.get("POSTGRES_PASSWORD", ""),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
# Under ASGI every request runs its queries in its own thread: persistent connections
# (CONN_MAX_AGE > 0) would be left open by each finished thread. Pool at the database instead.
CONN_MAX_AGE = 0

USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The RPC proxy view (hatch_centrifugo_sdk.django.rpc_proxy_view) reads these.
CENTRIFUGO_PROXY_SECRET = os.environ.get("CENTRIFUGO_PROXY_SECRET")
CENTRIFUGO_PROXY_INSECURE = os.environ.get("CENTRIFUGO_PROXY_INSECURE") == "1"
CENTRIFUGO_HANDLER_TIMEOUT = 10.0

# The guide's integration test reads these (see core/tests/test_integration.py).
CENTRIFUGO_URL = os.environ.get("CENTRIFUGO_URL", "")
CENTRIFUGO_TOKEN_HMAC_SECRET = os.environ.get("CENTRIFUGO_TOKEN_HMAC_SECRET", "")
