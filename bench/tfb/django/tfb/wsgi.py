"""WSGI entry point for gunicorn: gunicorn tfb.wsgi:application."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tfb.settings")
application = get_wsgi_application()
