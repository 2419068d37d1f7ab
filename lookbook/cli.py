"""The ``lookbook`` command: init, demo, serve, import, export, users and keys."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from tqdm import tqdm

from lookbook.config import ConfigError, Settings
from lookbook.database import Database

if TYPE_CHECKING:
    from lookbook.images.service import ImageService


def _settings() -> Settings:
    """Read the settings, turning a bad environment into a one-line error, not a traceback."""
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@contextlib.contextmanager
def open_database(settings: Settings) -> Iterator[Database]:
    """Open the configured database with its schema current; close it afterwards."""
    from lookbook.database.migrations import upgrade

    if settings.database_url.startswith("sqlite"):
        settings.instance.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    try:
        upgrade(db.engine)
        yield db
    finally:
        db.dispose()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Lookbook: lookbooks and explained bag recommendations for micro and mini bags."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@main.command()
def init() -> None:
    """Create or upgrade the database schema."""
    settings = _settings()
    with open_database(settings) as db:
        click.echo(f"database ready: {db.engine.url.render_as_string(hide_password=True)}")


@main.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report; change nothing.")
def import_cmd(path: Path, dry_run: bool) -> None:
    """Import items (and lookbooks, from JSON) from a CSV or JSON file."""
    from lookbook.transfer.importer import ImportFileError, import_rows, read_file

    settings = _settings()
    try:
        rows, books = read_file(path)
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from None
    images = _image_attacher(settings)
    bar = tqdm(total=len(rows), unit="row", desc="import", disable=len(rows) < 2000,
               file=sys.stderr)
    with open_database(settings) as db, db.write() as session:
        try:
            report = import_rows(session, rows, books, dry_run=dry_run,
                                 base_dir=path.parent.resolve(), images=images,
                                 progress=bar.update)
        except ImportFileError as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            bar.close()
    _print_report(report, path, dry_run)


def _print_report(report, path: Path, dry_run: bool) -> None:
    """Print an import report; exit 1 when the import was refused."""
    for warning in report.warnings[:50]:
        click.echo(f"warning: {warning}", err=True)
    if len(report.warnings) > 50:
        click.echo(f"... and {len(report.warnings) - 50} more warnings", err=True)
    if not report.ok:
        for error in report.errors[:200]:
            click.echo(f"error: {error}", err=True)
        if len(report.errors) > 200:
            click.echo(f"... and {len(report.errors) - 200} more errors", err=True)
        click.echo(f"{len(report.errors)} problem(s) in {path.name}; nothing was imported.", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"dry run: {report.rows} item(s) and {report.lookbooks} lookbook(s) are valid; "
                   "nothing was written.")
        return
    click.echo(
        f"imported {report.rows} item(s): {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged; lookbooks: {report.lookbooks_created} created, "
        f"{report.lookbooks_updated} updated; images: {report.images}."
    )


class _ImageAttacher:
    """The image pipeline that ingests import rows' ``image`` files, loaded on first use.

    Loading it (Pillow, scikit-image, scikit-learn) takes longer than importing a
    thousand rows, and most catalogs name no image.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._service: ImageService | None = None

    def _pipeline(self) -> ImageService:
        if self._service is None:
            from lookbook.images.service import ImageService
            from lookbook.images.storage import LocalStorage

            self._service = ImageService(LocalStorage(self._settings.media_dir))
        return self._service

    def check(self, path: Path) -> None:
        self._pipeline().check(path)

    def attach(self, session: Any, item_id: int, path: Path) -> None:
        self._pipeline().attach(session, item_id, path)


def _image_attacher(settings: Settings) -> _ImageAttacher:
    """Return the image pipeline that ingests import rows' ``image`` files."""
    return _ImageAttacher(settings)


@main.command("export")
@click.argument("path", type=click.Path(path_type=Path))
def export_cmd(path: Path) -> None:
    """Export the catalog to CSV, or the catalog and lookbooks to JSON."""
    from lookbook.transfer.exporter import export_file

    settings = _settings()
    with open_database(settings) as db:
        with db.session() as session:
            try:
                count = export_file(session, path)
            except ValueError as exc:
                raise click.ClickException(str(exc)) from None
            except OSError as exc:
                raise click.ClickException(f"{path}: cannot be written ({exc.strerror})") from None
        click.echo(f"exported {count} item(s) to {path}")


@main.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
def backup_cmd(path: Path) -> None:
    """Write a consistent copy of the database (SQLite file or pg_dump archive) to PATH."""
    from lookbook.database.backup import BackupError, backup

    settings = _settings()
    with open_database(settings) as db:
        try:
            what = backup(db, path)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"backed up to {path} ({what})")


@main.command("restore")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
def restore_cmd(path: Path, yes: bool) -> None:
    """Replace the whole database with a backup made by `lookbook backup`."""
    from lookbook.database.backup import BackupError, restore

    settings = _settings()
    if not yes:
        click.confirm(f"Replace everything in the database with {path}?", abort=True)
    with open_database(settings) as db:
        try:
            restore(db, path)
        except BackupError as exc:
            raise click.ClickException(f"{exc}; the database was not changed") from None
    click.echo(f"restored the database from {path}")


@main.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "curator"]), default="curator", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_cmd(email: str, role: str, password_stdin: bool) -> None:
    """Create a staff account that can sign in to curate."""
    from lookbook.auth.users import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = _settings()
    with open_database(settings) as db:
        try:
            with db.write() as session:
                user = create_user(session, email, password, role)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"created {user.role} {user.email}")


@main.command("create-key")
@click.argument("name")
@click.option("--secret", is_flag=True, help="A secret key may write; without it, read-only.")
def create_key_cmd(name: str, secret: bool) -> None:
    """Create an API key; it is printed once, alone on the last line."""
    from lookbook.auth.keys import create_key

    settings = _settings()
    with open_database(settings) as db:
        try:
            with db.write() as session:
                _row, plaintext = create_key(session, name, secret=secret)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        kind = "secret (read and write)" if secret else "publishable (read-only)"
        click.echo(f"created {kind} key {name!r}; store it now, it is not shown again:")
        click.echo(plaintext)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="gunicorn worker processes.")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web application (gunicorn)."""
    _serve(host, port, workers)


def _check_port(host: str, port: int) -> None:
    """Fail in one line, with the --port hint, when host:port cannot be listened on."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror:
        raise click.ClickException(f"cannot listen on {host}: unknown host (see --host)") from None
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise click.ClickException(
                    f"port {port} on {host} is already in use; choose another with --port "
                    f"(e.g. --port {port + 1 if port < 65535 else 8000})") from None
            raise click.ClickException(f"cannot listen on {host}:{port} ({exc.strerror}); "
                                       "choose another with --host or --port") from None


def _serve(host: str, port: int, workers: int) -> None:
    from lookbook.server.gunicorn import run

    _check_port(host, port)
    try:
        run(host, port, workers)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-serve", is_flag=True, help="Build the demo catalog, then exit.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Create a demo catalog with lookbooks, fit the model, and serve it."""
    from lookbook.demo.build import build_demo

    settings = _settings()
    if not no_serve:
        _check_port(host, port)  # before the build, not a minute later
    with open_database(settings) as db:
        summary = build_demo(db, settings, echo=click.echo, show_progress=sys.stderr.isatty())
    click.echo(json.dumps(summary["counts"]))
    click.echo("")
    if no_serve:
        click.echo(f"Demo ready. Serve it with: lookbook serve --port {port}")
    else:
        click.echo(f"Lookbook demo is running at http://{host}:{port}/")
    click.echo(f"  try: curl 'http://{host}:{port}/api/v1/items?kind=bag&size=micro'")
    click.echo(f"  sign in to curate at http://{host}:{port}/login as {summary['user']} "
               f"with password {summary['password']}")
    click.echo(f"  secret API key for writes: {summary['key']}")
    if no_serve:
        return
    click.echo("Press Ctrl+C to stop.")
    _serve(host, port, 1)


@main.command()
@click.option("--no-evaluate", is_flag=True, help="Skip the evaluation on held-out curated looks.")
@click.option("--every", type=click.IntRange(min=1), metavar="SECONDS",
              help="Keep running: refit whenever the catalog changed, checking every SECONDS.")
def fit(no_evaluate: bool, every: int | None) -> None:
    """Fit the recommender on the catalog and write it to the models folder.

    Fits take a lease in the database, so this waits while a server (or another
    `lookbook fit`) is refitting, and servers never refit at the same time as this.
    """
    from lookbook.recommend.refits import refit, refit_every

    settings = _settings()
    if every:
        click.echo(f"refitting whenever the catalog changes (checking every {every} s); Ctrl+C stops")
        with open_database(settings) as db:
            refit_every(db, settings.models_dir, every, evaluate=not no_evaluate, echo=click.echo)
        return
    with open_database(settings) as db, tqdm(total=3 if no_evaluate else 4, desc="fit",
                                             file=sys.stderr, disable=None) as bar:
        def step(message: str) -> None:
            bar.set_postfix_str(message)
            bar.update(1)

        def waiting(lease) -> None:
            who = f" ({lease.owner}, {lease.note})" if lease else ""
            click.echo(f"another process is refitting{who}; waiting for it to finish", err=True)

        result = refit(db, settings.models_dir, only_if_stale=False, wait=float("inf"),
                       evaluate=not no_evaluate, progress=step, on_wait=waiting)
    assert result is not None  # waited as long as it took
    card = result.card
    counts = card["counts"]
    click.echo(f"fitted on {counts['bags']} bags, {counts['outfits']} outfits and "
               f"{counts['curated_looks']} curated looks in {card['fit_seconds']} s; "
               f"revision {card['catalog_revision']}; written to {settings.models_dir}")


@main.command()
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 50),
              help="Folds of each split (lookbooks, bags).")
def evaluate(folds: int) -> None:
    """Hold out curated looks; compare the model with every baseline, per occasion."""
    from lookbook.recommend.evaluation import run_evaluation

    settings = _settings()
    with open_database(settings) as db, tqdm(desc="evaluate", unit="fold", file=sys.stderr,
                                             disable=None) as bar:
        try:
            result = run_evaluation(db, n_folds=folds, progress=bar.update)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(result.table())


@main.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="First UTC day to recount (default: the oldest stored event).")
@click.option("--prune-days", type=click.IntRange(8, 36500), default=None,
              help="Afterwards delete stored events older than this many days (roll-ups stay; "
                   "at least 8, so a re-sent event, accepted up to 7 days old, is still recognised).")
def rollup(since, prune_days: int | None) -> None:
    """Recount the daily analytics roll-ups from the stored events."""
    import datetime as dt

    from lookbook.analytics.store import prune_events, rebuild_rollups

    settings = _settings()
    with open_database(settings) as db, db.write() as session:
        start, rows = rebuild_rollups(session, since.date() if since else None)
        if start is None:
            click.echo("no stored events; roll-ups unchanged")
        else:
            click.echo(f"recounted {rows} roll-up rows from {start.isoformat()} on")
        if prune_days:
            cutoff = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=prune_days)
            pruned = prune_events(session, cutoff)
            click.echo(f"deleted {pruned} stored events from before {cutoff.isoformat()}")


if __name__ == "__main__":  # pragma: no cover
    main()
