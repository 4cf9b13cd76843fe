"""Local development: DEBUG on, embedded SQLite, a fixed development key (never used in production)."""

import os

os.environ.setdefault("DEBUG", "true")
# The demo (`make run`): two-factor login optional, enrolment available in the profile (README).
os.environ.setdefault("TWO_FACTOR_REQUIRED", "false")
os.environ.setdefault("LOG_FORMAT", "text")

from .base import *  # noqa: F403
from .base import VAR_DIR

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-" + "x" * 40)
VAR_DIR.mkdir(parents=True, exist_ok=True)
