"""Pull ahead: the next page is fetched and prepared in a thread while the current one is
written, so a first sync waits on the server, the tokenizer and SQLite side by side rather
than one after the other (SQLite releases the GIL while it indexes a page).

Pages still reach the caller one by one and in order, and a failure reaches it after every
page fetched before it, so each page is stored with its cursor exactly as without the thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

Prepared = TypeVar("Prepared")


def pages_ahead(fetch: Callable[[str | None], dict], prepare: Callable[[dict], Prepared],
                cursor: str | None) -> Iterator[tuple[dict, Prepared]]:
    """(page, prepare(page)) for every page from `cursor` until one has no more."""
    ready: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand_over(item) -> None:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def run(cursor: str | None) -> None:
        try:
            while not stop.is_set():
                page = fetch(cursor)
                hand_over((page, prepare(page), None))
                if not page["has_more"]:
                    return
                cursor = page["cursor"]
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            hand_over((None, None, exc))

    worker = threading.Thread(target=run, args=(cursor,), name="pull-ahead", daemon=True)
    worker.start()
    try:
        while True:
            page, prepared, failure = ready.get()
            if failure is not None:
                raise failure
            yield page, prepared
            if not page["has_more"]:
                return
    finally:
        stop.set()
        worker.join()
