"""Batch jobs pause the cyclic garbage collector and always leave it as they found it."""

import gc
import threading

from lookbook.batchwork import collector_paused


def test_the_collector_is_off_inside_and_back_on_after_even_on_error():
    assert gc.isenabled()
    try:
        with collector_paused():
            assert not gc.isenabled()
            raise ValueError("a bad row")
    except ValueError:
        pass
    assert gc.isenabled()


def test_nested_and_overlapping_jobs_switch_it_back_on_only_when_the_last_ends():
    started, release = threading.Event(), threading.Event()

    def other_job():
        with collector_paused():
            started.set()
            release.wait(10)

    worker = threading.Thread(target=other_job)
    with collector_paused():
        worker.start()
        started.wait(10)
        with collector_paused():
            assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's job still runs
    release.set()
    worker.join(10)
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_host_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_fit_and_an_import_run_with_the_collector_paused(db, tmp_path, monkeypatch):
    """The two jobs that build millions of long-lived objects use the pause."""
    from lookbook.recommend import artifacts
    from lookbook.transfer.importer import import_rows, read_csv
    from tests.conftest import add_items, item

    seen: list[bool] = []
    real = artifacts.fit_catalog

    def spy(catalog, params=None):
        seen.append(gc.isenabled())
        return real(catalog, params)

    monkeypatch.setattr(artifacts, "fit_catalog", spy)
    add_items(db, item("B-1", width_cm="9", colours=["black"]), item("O-1", "outfit", colours=["navy"]))
    artifacts.fit_and_save(db, tmp_path / "models", evaluate=False)
    assert seen == [False] and gc.isenabled()

    from lookbook.transfer import importer

    states: list[bool] = []
    validator = importer._Validator

    class Spy(validator):  # type: ignore[misc, valid-type]
        def __call__(self, row):
            states.append(gc.isenabled())
            return super().__call__(row)

    monkeypatch.setattr(importer, "_Validator", Spy)
    rows = read_csv(b"sku,kind,name,colours,price,currency\nO-2,outfit,Suit,navy,100,EUR\n")
    with db.write() as session:
        assert import_rows(session, rows).ok
    assert states == [False] and gc.isenabled()
