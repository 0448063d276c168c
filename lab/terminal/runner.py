"""Runs one kubectl command for one person: the real binary, an argv (never a shell), a clean environment, limits.

The process gets a fresh temporary directory as its home and working directory, holding only the kubeconfig the lab
made for this command; no PATH (so kubectl finds no plugin and no other program), no proxy variables, nothing of
the server's environment. Its standard output and error go, as they come, to `emit`; past OUTPUT_LIMIT bytes the
rest is cut with a note and the process stopped. A command ends by itself, by Ctrl-C (`interrupt`: SIGINT, as a
terminal sends it), or at its time limit. One person runs one command at a time; a second one is refused (Busy).
"""

import asyncio
import codecs
import contextlib
import os
import signal
import tempfile
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .policy import Command

OUTPUT_LIMIT = 256 * 1024  # bytes a command may print (a `get -o yaml` of a big cluster fits)
SECONDS = 30  # a command's time limit; kubectl's own --request-timeout default is none
STREAMING_SECONDS = 600  # `get -w`, `logs -f`, `rollout status`, `wait`: until Ctrl-C or this long
INTERRUPT_GRACE_SECONDS = 3  # after SIGINT (or the time limit), before the process is killed
READ_BYTES = 4096
# kubectl processes one server process runs at once (each takes some 50 MB and a moment of a core); a command past
# them waits for a free one, as a request waits for a kube-apiserver's max-in-flight slot.
MAX_PROCESSES = 8

_running: dict[str, "Running"] = {}
_slots: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # per event loop: a Semaphore of MAX_PROCESSES


class Busy(Exception):
    """This person already runs a command."""


@dataclass
class Limits:
    seconds: float = SECONDS
    streaming_seconds: float = STREAMING_SECONDS
    output_bytes: int = OUTPUT_LIMIT


@dataclass
class Outcome:
    exit_code: int | None  # None when the process was killed
    note: str | None = None  # why the terminal stopped it, if it did
    interrupted: bool = False  # Ctrl-C


@dataclass
class Running:
    process: asyncio.subprocess.Process | None = None
    interrupted: bool = False


def binary() -> str:
    return settings.KUBECTL_BINARY


def busy(person: str) -> bool:
    return person in _running


def busy_message() -> str:
    return _("A command is still running: wait for it, or press Ctrl-C to stop it.")


def interrupt(person: str) -> bool:
    """Ctrl-C: SIGINT to this person's command, if one runs."""
    running = _running.get(person)
    if running is None:
        return False
    running.interrupted = True
    process = running.process
    if process is None or process.returncode is not None:  # still waiting for a slot, or already ending
        return True
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGINT)
    asyncio.get_running_loop().call_later(INTERRUPT_GRACE_SECONDS, _kill, process)
    return True


def _kill(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


async def run(
    person: str,
    command: Command,
    kubeconfig: str,
    emit: Callable[[str], Awaitable[None]],
    stdin: str | None = None,
    limits: Limits | None = None,
) -> Outcome:
    """Run `command` for `person`, sending its output to `emit` as it comes; Busy if they already run one."""
    if person in _running:
        raise Busy(busy_message())
    limits = limits or Limits()
    running = _running[person] = Running()
    loop = asyncio.get_running_loop()
    slots = _slots.setdefault(loop, asyncio.Semaphore(MAX_PROCESSES))
    try:
        async with slots:
            if running.interrupted:  # Ctrl-C while waiting for a slot
                return Outcome(None, None, True)
            return await _start(running, command, kubeconfig, emit, stdin, limits)
    finally:
        del _running[person]


async def _start(running: Running, command: Command, kubeconfig: str, emit, stdin: str | None, limits: Limits):
    """Start kubectl in a fresh home holding only its kubeconfig, and follow it to its end."""
    with tempfile.TemporaryDirectory(prefix="kubectl-") as home:
        config = Path(home) / "kubeconfig"
        config.touch(mode=0o600)
        config.write_text(kubeconfig)
        environment = {"HOME": home, "KUBECONFIG": str(config), "PATH": "", "LANG": "C.UTF-8"}
        running.process = await asyncio.create_subprocess_exec(
            binary(),
            *command.args,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=home,
            env=environment,
            start_new_session=True,  # Ctrl-C on the server's own terminal never reaches it
        )
        seconds = limits.streaming_seconds if command.streaming else limits.seconds
        return await _follow(running, stdin, emit, seconds, limits.output_bytes)


async def _follow(running: Running, stdin: str | None, emit, seconds: float, output_bytes: int) -> Outcome:
    process = running.process
    note = None
    try:
        async with asyncio.timeout(seconds):
            if stdin is not None:
                process.stdin.write(stdin.encode())
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    await process.stdin.drain()
                process.stdin.close()
            if not await _copy(process.stdout, emit, output_bytes):
                note = _("output cut at %(kib)d KiB: narrow the command (a name, -l, -o name)") % {
                    "kib": output_bytes // 1024
                }
    except TimeoutError:
        note = _("stopped after %(seconds)g seconds, the terminal's time limit") % {"seconds": seconds}
    except asyncio.CancelledError:  # the page went away: its command goes too
        await _stop(process, stopped=True)
        raise
    code = await _stop(process, stopped=note is not None)
    return Outcome(code, note, running.interrupted)


async def _copy(stream: asyncio.StreamReader, emit, output_bytes: int) -> bool:
    """Copy the output to `emit` until it ends (True) or passes `output_bytes` (False)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    left = output_bytes
    while chunk := await stream.read(READ_BYTES):
        text = decoder.decode(chunk[:left])
        if text:
            await emit(text)
        left -= len(chunk)
        if left < 0:
            return False
    if tail := decoder.decode(b"", final=True):
        await emit(tail)
    return True


async def _stop(process: asyncio.subprocess.Process, stopped: bool) -> int | None:
    """Wait for the process; one that must stop gets SIGINT, then SIGKILL after the grace period."""
    if stopped and process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGINT)
    try:
        async with asyncio.timeout(INTERRUPT_GRACE_SECONDS if stopped else None):
            await process.wait()
    except TimeoutError:
        _kill(process)
        await process.wait()
        return None
    return process.returncode
