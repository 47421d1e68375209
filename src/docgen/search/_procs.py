"""Worker processes for rebuilding the index: how many, and that they die with their parent."""

from __future__ import annotations

import os
import threading
import time


def cores() -> int:
    """The processes a rebuild may use: one per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def die_with(parent: int) -> None:
    """In a forked worker: exit as soon as `parent` is gone (killed). A forked worker holds
    copies of its parent's descriptors, index locks among them: it must not outlive it."""

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
