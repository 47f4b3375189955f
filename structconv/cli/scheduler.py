"""`structconv convert --scheduler ADDRESS`: a batch on a Dask cluster, its address
checked within seconds before any work."""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

from structconv.cli.shared import FlagError
from structconv.errors import UsageError

# Dask's schemes that reach another machine (inproc is within one process).
_SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
# How long a scheduler has to accept a connection, then to answer: a cluster answers in
# milliseconds, and Dask's own 30 s (60 s to give up on an address it cannot parse, for
# ever on a port that accepts and stays silent) looked like a hang.
_CONNECT_SECONDS = 3.0


def _scheduler_host_port(address: str) -> tuple[str, str, int]:
    """The scheme, host and port of a scheduler's address; FlagError when it is not
    `SCHEME://HOST:PORT` (or `HOST:PORT`, Dask's default scheme tcp)."""
    import urllib.parse  # here: 2 ms of every command's start otherwise

    scheme, separator, rest = address.partition("://")
    if not separator:
        scheme, rest = "tcp", address
    parsed = urllib.parse.urlsplit(f"{scheme}://{rest}")
    try:
        port = parsed.port
    except ValueError:
        port = None
    host = parsed.hostname
    if (
        scheme not in _SCHEDULER_SCHEMES
        or not host
        or port is None
        or parsed.path not in ("", "/")
        or any(character.isspace() for character in address)
    ):
        raise FlagError(
            "--scheduler",
            f"{address!r} is not a scheduler address; give SCHEME://HOST:PORT, "
            f"such as tcp://scheduler:8786 (schemes: {', '.join(_SCHEDULER_SCHEMES)})",
        )
    return scheme, host, port


def _reachable_scheduler(address: str) -> None:
    """Refuse (UsageError, exit 2), within seconds, an address where nothing accepts a
    connection, or (tcp) where what answers is not a Dask scheduler, before a Client is
    made: one that cannot connect takes 30 s to say so, and a minute more to close."""
    import socket

    scheme, host, port = _scheduler_host_port(address)
    if scheme == "ucx":
        return  # not over TCP: Dask connects (and times out) itself
    where = f"--scheduler {address}"
    try:
        with socket.create_connection((host, port), timeout=_CONNECT_SECONDS):
            pass
    except OSError as error:
        why = "no answer" if isinstance(error, TimeoutError) else error.strerror or str(error)
        raise UsageError(
            f"{where}: cannot reach {host}:{port} ({why}, tried for up to "
            f"{_CONNECT_SECONDS:g} s); start the scheduler there, or check the address"
        ) from None
    if scheme != "tcp":
        return  # tls and websockets need the cluster's security settings: Dask's to use
    try:
        kind = _identity(address).get("type")
    except TimeoutError:
        kind = f"no answer within {_CONNECT_SECONDS:g} s"
    except Exception as error:  # a server that is not Dask's answers anything
        kind = f"an answer Dask cannot read: {type(error).__name__}"
    if kind != "Scheduler":
        raise UsageError(
            f"{where}: {host}:{port} accepts connections but is not a Dask scheduler "
            f"({kind}); check the address and port (a scheduler listens on 8786 by default)"
        )


def _identity(address: str) -> dict[str, Any]:
    """What the Dask server at `address` says it is, within _CONNECT_SECONDS."""
    import asyncio
    import importlib

    core: Any = importlib.import_module("distributed.core")  # untyped: Any

    async def ask() -> dict[str, Any]:
        async with core.rpc(address, timeout=_CONNECT_SECONDS) as remote:
            answer: dict[str, Any] = await remote.identity()
            return answer

    return asyncio.run(asyncio.wait_for(ask(), _CONNECT_SECONDS))


def dask_executor(address: str) -> tuple[Executor, Any]:
    """An executor on the Dask cluster at `address`, and its client (to close)."""
    import importlib

    try:
        distributed: Any = importlib.import_module("distributed")  # untyped: Any
    except ImportError:
        raise UsageError(
            "--scheduler needs dask.distributed: pip install 'structconv[dask]'"
        ) from None
    _reachable_scheduler(address)
    try:
        client = distributed.Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise UsageError(
            f"--scheduler {address}: cannot connect to a Dask scheduler there ({error})"
        ) from None
    # pure=False: a conversion writes a file; Dask must neither skip nor merge repeats.
    executor: Executor = client.get_executor(pure=False)
    return executor, client
