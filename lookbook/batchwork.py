"""Running a batch job (a fit, an import) without the cyclic garbage collector in its way.

A fit reads ~1M rows of a 100k catalog into records and arrays; an import validates and
writes 100k rows.  Both create millions of objects that stay alive for the whole job, so
every full collection walks all of them again: measured, pausing the collector cuts a
100k fit's catalog read from 3.9 to 2.1 s and its model from 3.0 to 2.2 s.  Reference
counting still frees everything that is not part of a cycle, and the collector is back
on (and free to run) the moment the job ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0  # jobs running with the collector paused (a server may refit while importing)
_was_enabled = True  # whether the collector was on when the first of them began


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause automatic garbage collection while the block runs (nested and threads: safe).

    The collector is only switched back on when the last paused job ends, and only if it
    was on before the first one began.
    """
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
