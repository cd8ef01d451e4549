"""Django settings for the TechEmpower benchmark app: PostgreSQL from DATABASE_URL through
the ORM with persistent connections, Django templates, and no middleware (the app uses no
sessions, authentication or CSRF-protected forms)."""

import os
from urllib.parse import urlparse

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_db = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tfb"))

SECRET_KEY = "benchmark-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = ["world"]
MIDDLEWARE = []
ROOT_URLCONF = "tfb.urls"
WSGI_APPLICATION = "tfb.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _db.path.lstrip("/"),
        "USER": _db.username or "postgres",
        "PASSWORD": _db.password or "",
        "HOST": _db.hostname or "127.0.0.1",
        "PORT": str(_db.port or 5432),
        "CONN_MAX_AGE": None,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(BASE_DIR, "templates")],
        "OPTIONS": {"debug": False},
    }
]

USE_TZ = False
USE_I18N = False
LOGGING_CONFIG = None
