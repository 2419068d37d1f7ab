"""The lookbook command as an operator uses it."""

import json

from sqlalchemy import func, select

from lookbook.auth.keys import hash_key
from lookbook.auth.models import ApiKey, User
from lookbook.catalog.models import Item
from tests.conftest import item


def _count(db, model):
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_init_is_idempotent(run_cli):
    assert run_cli("init").exit_code == 0
    again = run_cli("init")
    assert again.exit_code == 0 and "database ready" in again.output


def test_import_then_export_then_import_reports_unchanged(run_cli, tmp_path, db):
    src = tmp_path / "catalog.json"
    src.write_text(json.dumps([item("B-1"), item("O-1", "outfit")]))
    first = run_cli("import", str(src))
    assert first.exit_code == 0, first.output
    assert "2 created" in first.output
    out = tmp_path / "out.csv"
    exported = run_cli("export", str(out))
    assert exported.exit_code == 0 and "exported 2 item(s)" in exported.output
    again = run_cli("import", str(out))
    assert "0 created, 0 updated, 2 unchanged" in again.output


def test_a_bad_import_exits_non_zero_names_row_and_field_and_writes_nothing(run_cli, tmp_path, db):
    src = tmp_path / "bad.csv"
    src.write_text("sku,kind,name,colours,price,currency\nO-1,outfit,Fine,black,10,EUR\n"
                   "O-2,outfit,Bad,black,ten,EUR\n")
    result = run_cli("import", str(src))
    assert result.exit_code == 1
    assert "line 3 (sku O-2), price" in result.output
    assert "nothing was imported" in result.output
    assert _count(db, Item) == 0


def test_dry_run_validates_without_writing(run_cli, tmp_path, db):
    src = tmp_path / "c.json"
    src.write_text(json.dumps([item("B-1")]))
    result = run_cli("import", str(src), "--dry-run")
    assert result.exit_code == 0 and "dry run" in result.output
    assert _count(db, Item) == 0


def test_unreadable_files_get_a_readable_error(run_cli, tmp_path):
    missing = run_cli("import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "cannot be read" in missing.output
    wrong = tmp_path / "c.xlsx"
    wrong.write_bytes(b"PK")
    assert "use a .csv or .json file" in run_cli("import", str(wrong)).output
    assert "use a .csv or .json" in run_cli("export", str(tmp_path / "x.txt")).output


def test_create_key_prints_the_key_alone_on_the_last_line_and_stores_its_hash(run_cli, db):
    result = run_cli("create-key", "storefront", "--secret")
    assert result.exit_code == 0
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("lbk_s_") and len(key) >= 40
    with db.session() as session:
        row = session.scalar(select(ApiKey))
        assert row.key_hash == hash_key(key) and key not in (row.prefix, row.key_hash)
        assert row.secret is True


def test_create_user_reads_the_password_from_stdin_and_hashes_it(run_cli, db):
    result = run_cli("create-user", "Ada@Shop.example", "--role", "admin", "--password-stdin",
                     input="correct horse battery\n")
    assert result.exit_code == 0, result.output
    with db.session() as session:
        user = session.scalar(select(User))
    assert user.email == "ada@shop.example" and user.role == "admin"
    assert user.password_hash.startswith("$argon2id$")
    short = run_cli("create-user", "b@shop.example", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "8-256 characters" in short.output
    dupe = run_cli("create-user", "ada@shop.example", "--password-stdin", input="another password\n")
    assert dupe.exit_code == 1 and "already exists" in dupe.output


def test_a_bad_setting_is_a_readable_error_not_a_traceback(cli_env):
    from click.testing import CliRunner

    from lookbook.cli import main

    result = CliRunner().invoke(main, ["init"], env={**cli_env, "LOOKBOOK_PROXY_HOPS": "two"})
    assert result.exit_code == 1
    assert "LOOKBOOK_PROXY_HOPS must be a whole number" in result.output
    assert "Traceback" not in result.output
