"""How large an uploaded picture may be; light enough for the settings module to import."""

MAX_FILE_BYTES = 20 * 1024 * 1024  # HTTP requests are capped just above this (config.py)
