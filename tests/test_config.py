"""Settings: embedded defaults, production strictness, SQLite tuning."""

import pytest
from sqlalchemy import text

from lookbook.config import ConfigError, Settings
from lookbook.database import Database


def test_embedded_default_is_sqlite_in_the_instance_folder(tmp_path):
    settings = Settings.from_env({"LOOKBOOK_INSTANCE": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'lookbook.db'}"
    assert settings.media_dir == tmp_path / "media"
    assert not settings.production


def test_embedded_secret_key_is_generated_once_and_kept(tmp_path):
    settings = Settings.from_env({"LOOKBOOK_INSTANCE": str(tmp_path)})
    key = settings.resolve_secret_key()
    assert len(key) == 64
    assert settings.resolve_secret_key() == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("env", [
    {"LOOKBOOK_ENV": "production"},
    {"LOOKBOOK_DATABASE_URL": "postgresql+psycopg://db/lookbook"},
])
def test_production_without_a_secret_key_refuses_to_start(tmp_path, env):
    settings = Settings.from_env({"LOOKBOOK_INSTANCE": str(tmp_path), **env})
    with pytest.raises(ConfigError, match="LOOKBOOK_SECRET_KEY"):
        settings.resolve_secret_key()


def test_create_app_fails_without_a_secret_in_production(tmp_path, monkeypatch):
    from lookbook import create_app

    monkeypatch.setenv("LOOKBOOK_ENV", "production")
    monkeypatch.setenv("LOOKBOOK_INSTANCE", str(tmp_path))
    monkeypatch.delenv("LOOKBOOK_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    db.dispose()


def test_trusted_hosts_refuse_other_host_headers(tmp_path, db):
    from lookbook import create_app

    app = create_app({"instance": tmp_path, "database": db, "database_url": db.url,
                      "secret_key": "x" * 40, "TESTING": True,
                      "trusted_hosts": ("shop.example",)})
    client = app.test_client()
    assert client.get("/health/live", headers={"Host": "shop.example"}).status_code == 200
    assert client.get("/health/live", headers={"Host": "evil.example"}).status_code == 400


def test_proxy_hops_use_the_forwarded_client_address(tmp_path, db):
    from flask import request

    from lookbook import create_app

    app = create_app({"instance": tmp_path, "database": db, "database_url": db.url,
                      "secret_key": "x" * 40, "TESTING": True, "proxy_hops": 1})
    app.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
    resp = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert resp.get_data(as_text=True) == "203.0.113.9"


def test_a_malformed_number_setting_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="LOOKBOOK_PROXY_HOPS"):
        Settings.from_env({"LOOKBOOK_INSTANCE": str(tmp_path), "LOOKBOOK_PROXY_HOPS": "two"})


@pytest.mark.parametrize(("name", "value"), [
    ("LOOKBOOK_BUNDLE_DISCOUNT_PERCENT", "120"),
    ("LOOKBOOK_BUNDLE_DISCOUNT_PERCENT", "ten"),
    ("LOOKBOOK_RECOMMEND_REFIT", "sometimes"),
])
def test_bad_recommender_settings_stop_startup_with_their_name(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({"LOOKBOOK_INSTANCE": str(tmp_path), name: value})


def test_recommender_settings_are_read_from_the_environment(tmp_path):
    settings = Settings.from_env({"LOOKBOOK_INSTANCE": str(tmp_path),
                                  "LOOKBOOK_BUNDLE_DISCOUNT_PERCENT": "12.5",
                                  "LOOKBOOK_RECOMMEND_REFIT": "background"})
    assert str(settings.bundle_discount_percent) == "12.5"
    assert settings.recommend_refit == "background"
