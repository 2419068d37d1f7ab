"""Settings from ``LOOKBOOK_*`` environment variables, with an embedded default.

With nothing set, Lookbook keeps everything in an instance folder: a SQLite database,
uploaded media and a generated secret key.  Production (``LOOKBOOK_ENV=production``,
or any non-SQLite ``LOOKBOOK_DATABASE_URL``) must be given ``LOOKBOOK_SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from limits import parse_many

from lookbook.images.limits import MAX_FILE_BYTES
from lookbook.paths import DEFAULT_INSTANCE, DEFAULT_MODELS, default_models


class ConfigError(RuntimeError):
    """The environment does not describe a runnable service."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number, not {raw!r}")
    return int(raw)


def _percent(env: Mapping[str, str], name: str) -> Decimal:
    raw = env.get(name, "").strip()
    try:
        value = Decimal(raw or "0")
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not 0 <= value < 100:
        raise ConfigError(f"{name} must be a percentage from 0 to below 100, not {raw!r}")
    return value


def _known_locale(identifier: str) -> bool:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(identifier.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return False
    return True


def _origins(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Read a comma-separated list of origins (``https://shop.example``), each checked."""
    out = []
    for raw in env.get(name, "").split(","):
        origin = raw.strip().rstrip("/")
        if not origin:
            continue
        scheme, sep, host = origin.partition("://")
        if scheme not in ("http", "https") or not sep or not host or "/" in host or " " in host:
            raise ConfigError(f"{name}: {origin!r} is not an origin like https://shop.example")
        out.append(origin.lower())
    return tuple(out)


REFIT_MODES = ("auto", "background", "never")
MIN_SECRET_KEY = 32  # characters; a short key can be guessed offline from one signed cookie
# Production answers only these Host names unless LOOKBOOK_TRUSTED_HOSTS lists the real
# ones (behind a proxy: the public name), so a forged Host header gets a 400.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to know about where it runs."""

    instance: Path = DEFAULT_INSTANCE
    database_url: str = ""
    secret_key: str = ""
    models_dir: Path = DEFAULT_MODELS
    media_dir: Path = Path()
    redis_url: str = ""
    redis_prefix: str = "lookbook"  # namespace of our Redis keys (several sites may share one Redis)
    env: str = "development"
    # A request may carry one photo at the ingest cap plus its multipart envelope;
    # the pipeline itself refuses bigger files with a clear 413.
    max_upload_bytes: int = MAX_FILE_BYTES + 256 * 1024
    trusted_hosts: tuple[str, ...] = ()
    proxy_hops: int = 0
    recommend_refit: str = "auto"
    rate_limit: str = "600 per minute"
    events_rate_limit: str = "120 per minute"  # POST /api/v1/events per key and address
    embed_origins: tuple[str, ...] = ()  # who may frame /lookbooks/<slug>/embed; () = anyone
    bundle_discount_percent: Decimal = Decimal(0)
    # The locale for prices and numbers when the browser names none we know (Babel id).
    locale: str = "en"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        """Tell whether this is a production deployment (a real database or said so)."""
        return self.env == "production" or not self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from the environment, filling the embedded defaults."""
        env = os.environ if environ is None else environ
        instance = Path(env.get("LOOKBOOK_INSTANCE") or DEFAULT_INSTANCE).resolve()
        settings = cls(
            instance=instance,
            database_url=env.get("LOOKBOOK_DATABASE_URL", ""),
            secret_key=env.get("LOOKBOOK_SECRET_KEY", ""),
            models_dir=Path(env.get("LOOKBOOK_MODELS_DIR") or default_models(instance)).resolve(),
            media_dir=Path(env.get("LOOKBOOK_MEDIA_DIR") or instance / "media").resolve(),
            redis_url=env.get("LOOKBOOK_REDIS_URL", ""),
            redis_prefix=env.get("LOOKBOOK_REDIS_PREFIX", "").strip() or "lookbook",
            env=env.get("LOOKBOOK_ENV", "development"),
            trusted_hosts=tuple(h.strip() for h in env.get("LOOKBOOK_TRUSTED_HOSTS", "").split(",")
                                if h.strip()),
            proxy_hops=_int(env, "LOOKBOOK_PROXY_HOPS", 0),
            recommend_refit=env.get("LOOKBOOK_RECOMMEND_REFIT", "auto").strip() or "auto",
            rate_limit=env.get("LOOKBOOK_RATE_LIMIT", "").strip() or "600 per minute",
            bundle_discount_percent=_percent(env, "LOOKBOOK_BUNDLE_DISCOUNT_PERCENT"),
            locale=env.get("LOOKBOOK_LOCALE", "").strip() or "en",
            events_rate_limit=env.get("LOOKBOOK_EVENTS_RATE_LIMIT", "").strip() or "120 per minute",
            embed_origins=_origins(env, "LOOKBOOK_EMBED_ORIGINS"),
        )
        return settings.with_defaults()

    def override(self, values: Mapping[str, Any]) -> Settings:
        """Return a copy with some fields replaced (unknown keys go to ``extra``)."""
        names = {f.name for f in fields(self)}
        known = {k: v for k, v in values.items() if k in names}
        extra = {**self.extra, **{k: v for k, v in values.items() if k not in names}}
        for key in ("instance", "models_dir", "media_dir"):
            if key in known:
                known[key] = Path(known[key])
        if "bundle_discount_percent" in known:
            known["bundle_discount_percent"] = Decimal(str(known["bundle_discount_percent"]))
        updated = replace(self, **known, extra=extra)
        if "instance" in known and "media_dir" not in known:
            updated = replace(updated, media_dir=updated.instance / "media")
        return updated.with_defaults()

    def with_defaults(self) -> Settings:
        """Fill the database URL from the instance folder when none is given; check choices."""
        for name, limit in (("LOOKBOOK_RATE_LIMIT", self.rate_limit),
                            ("LOOKBOOK_EVENTS_RATE_LIMIT", self.events_rate_limit)):
            if limit == "off":
                continue
            try:
                parse_many(limit)
            except ValueError:
                raise ConfigError(f"{name}: {limit!r} is not a limit like "
                                  "'600 per minute' (or 'off')") from None
        if self.recommend_refit not in REFIT_MODES:
            raise ConfigError(f"LOOKBOOK_RECOMMEND_REFIT must be one of {', '.join(REFIT_MODES)}")
        if not _known_locale(self.locale):
            raise ConfigError(f"LOOKBOOK_LOCALE: {self.locale!r} is not a locale like 'en' or 'de_DE'")
        if not self.database_url:
            return replace(self, database_url=f"sqlite:///{self.instance / 'lookbook.db'}")
        return self

    def hosts(self) -> list[str] | None:
        """Return the Host names to answer (None: any, in development)."""
        if self.trusted_hosts:
            return list(self.trusted_hosts)
        return list(LOCAL_HOSTS) if self.production else None

    def resolve_secret_key(self) -> str:
        """Return the secret key; generate and keep one in the instance in development."""
        if self.secret_key:
            if self.production and len(self.secret_key) < MIN_SECRET_KEY:
                raise ConfigError(
                    f"LOOKBOOK_SECRET_KEY is {len(self.secret_key)} characters long; production "
                    f"needs at least {MIN_SECRET_KEY} (generate one with: "
                    "python -c 'import secrets; print(secrets.token_hex(32))')"
                )
            return self.secret_key
        if self.production:
            raise ConfigError(
                "LOOKBOOK_SECRET_KEY must be set in production "
                "(generate one with: python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        path = self.instance / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.instance.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key
