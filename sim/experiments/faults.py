"""Guards every command shares: the output folder, one writer per folder, no orphan workers.

Why one module: ``sweep``, ``compare``, ``sensitivity`` and ``run`` write into a
folder the user names, and the first three start worker processes. Each of
them must refuse a bad folder the same way (exit status 2, one line), must not
let a second command write into a folder in use, and must not leave workers
running when the parent is killed. Keeping these pieces here, in small
functions, lets every command (and any later one) call the same code.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

LOCK_FILE = ".proxywar.lock"
#: how often a worker checks that its parent is still there (s)
WATCHDOG_PERIOD = 0.5
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class BadInputError(ValueError):
    """A bad argument or an unusable output folder (exit status 2 on the command line)."""


class FolderBusyError(BadInputError):
    """Another command is writing into the output folder."""


class OtherRunError(BadInputError):
    """The output folder holds the results of a different run."""


# -- the output folder -------------------------------------------------------------------


def check_out_dir(out: str | os.PathLike[str], flag: str = "--out") -> Path:
    """Create (if needed) and return the output folder, or say in one line why not.

    Why before any run: a folder that cannot be written is a bad argument, and
    finding it after an hour of simulation (or as a traceback) wastes the hour.

    Raises:
        BadInputError: the name is empty, a file is in the way, a parent is not a
            folder, or the folder cannot be created or written.
    """
    text = os.fspath(out)
    if not text.strip():
        raise BadInputError(f"{flag}: expected a folder name, found an empty string")
    path = Path(text)
    where = f"{flag}: {text!r}"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise BadInputError(f"{where} is a file, expected a folder") from None
    except NotADirectoryError:
        raise BadInputError(f"{where}: a part of the path is a file, not a folder") from None
    except PermissionError:
        raise BadInputError(f"{where}: permission denied creating the folder") from None
    except OSError as exc:
        raise BadInputError(f"{where}: cannot create the folder ({exc.strerror})") from None
    if not path.is_dir():
        raise BadInputError(f"{where} is a file, expected a folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise BadInputError(f"{where}: permission denied writing into the folder")
    return path


# -- one writer per folder ---------------------------------------------------------------


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike[str], command: str) -> Iterator[Path]:
    """Hold an exclusive lock on ``folder`` while a command writes into it.

    Why ``flock`` on a file that stays: the kernel drops the lock when its
    holder dies (even by ``kill -9``), so there is no stale lock to clean up,
    and a file that is never deleted cannot be locked twice through two inodes.
    The holder's pid and command are written into the file so the refusal can
    name them.

    Raises:
        FolderBusyError: another process holds the lock.
    """
    path = Path(folder) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise BadInputError(f"{path}: cannot create the lock file ({exc.strerror})") from None
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory locks
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                raise FolderBusyError(
                    f"{folder}: in use by another proxywar command ({holder}); wait for it to "
                    "finish or choose another --out"
                ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "command": command}).encode(), 0)
        yield path
    finally:
        os.close(fd)


def _read_holder(fd: int) -> str:
    """``pid N, sweep`` from a lock file (what its holder wrote), or ``pid unknown``."""
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"pid {int(info['pid'])}, {info.get('command', '?')}"
    except (OSError, ValueError, KeyError, TypeError):
        return "pid unknown"


# -- a folder that holds another run -----------------------------------------------------


def refuse_other_run(
    folder: Path,
    manifest: Mapping[str, Any] | None,
    wanted: Mapping[str, Any],
    data_files: tuple[str, ...] = (),
) -> None:
    """Refuse to start afresh in a folder that holds a different run.

    Args:
        folder: the output folder.
        manifest: the identity (see ``wanted``) of the run on file, or None when
            there is no readable manifest.
        wanted: the identity of this run: command, scenarios, seed, reps, ...
        data_files: files that, without a manifest, show that results are there.

    Raises:
        OtherRunError: the identities differ, or results without a manifest are there.
    """
    hint = "use --resume to continue it, --force to replace it, or another --out"
    if manifest is None:
        present = [n for n in data_files if (folder / n).exists()]
        if present:
            raise OtherRunError(
                f"{folder}: holds {present[0]} but no readable manifest.json (an unknown run); "
                "use --force to replace it, or another --out"
            )
        return
    for key, value in wanted.items():
        old = manifest.get(key)
        if _plain(old) != _plain(value):
            raise OtherRunError(
                f"{folder}: holds another run ({key}: {_short(old)} there, {_short(value)} "
                f"now); {hint}"
            )


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest at ``path`` as a dict, or None when missing or unreadable."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _plain(value: Any) -> Any:
    """JSON round trip, so tuples and lists (and int keys) compare alike."""
    return json.loads(json.dumps(value, default=str))


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(_plain(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- no orphan workers -------------------------------------------------------------------


def die_with_parent(parent: int | None = None) -> None:
    """Make this (worker) process end within a second of its parent's death.

    Two mechanisms, because each misses a case: Linux's ``PR_SET_PDEATHSIG``
    delivers SIGKILL the moment the parent dies; a daemon thread that polls
    the parent pid covers other systems and parents that are not the process
    that created the pool (a forkserver, a Dask nanny).

    Args:
        parent: the pid the worker must outlive no longer than a poll period
            (default: the current parent).
    """
    parent = os.getppid() if parent is None else int(parent)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # died before the signal was armed
        os._exit(1)
    watch_parent(parent)


def watch_parent(parent: int) -> None:
    """Start a daemon thread that ends this process once ``parent`` is no longer its parent."""

    def watch() -> None:
        while True:
            time.sleep(WATCHDOG_PERIOD)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="proxywar-parent-watchdog", daemon=True).start()


# -- other arguments ---------------------------------------------------------------------

_SCHEDULER = re.compile(
    r"^(?:(?:tcp|tls|ucx|ws|wss)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$"
    r"|^inproc://\S+$"
)


def check_scheduler(address: str | None) -> None:
    """Refuse a ``--scheduler`` that is not a Dask address (``[tcp://]HOST:PORT``).

    Raises:
        BadInputError: naming the argument and the expected form.
    """
    if address is None:
        return
    if not _SCHEDULER.match(address.strip()):
        raise BadInputError(
            f"--scheduler: expected a Dask scheduler address such as tcp://HOST:PORT, "
            f"found {address!r}"
        )


# -- writing -----------------------------------------------------------------------------


def with_path(exc: OSError, path: Path) -> OSError:
    """The same OSError, naming the file it happened on (for the message)."""
    if exc.filename:
        return exc
    new = type(exc)(exc.errno, exc.strerror or str(exc), str(path))
    new.__cause__ = exc
    return new


def write_failure(exc: OSError, out: Path, resume: str) -> str:
    """The message for a failed write: what, where, and the command that continues.

    Why: a disk that fills up after hours of runs must not look like a crash;
    the runs written so far are whole on disk and ``--resume`` continues.
    """
    full = exc.errno == errno.ENOSPC
    what = "no space left on device" if full else (exc.strerror or str(exc))
    where = exc.filename or out
    fix = "free some space" if full else "fix that"
    return (
        f"error: {what} writing {where}; the finished runs are saved in {out}: "
        f"{fix}, then run:\n  {resume}"
    )
