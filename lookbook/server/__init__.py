"""The Flask glue: the app factory, request sessions, services, HTTP behaviour, health, gunicorn."""
