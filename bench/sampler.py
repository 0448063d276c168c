"""A sampling profiler for a benchmark's server, with nothing to install: a thread that reads every other thread's
stack (`sys._current_frames`) a hundred times a second and counts each one, written to a file as collapsed stacks
(`frame;frame;frame count`, the format flame-graph tools read) every few seconds, so a server that is killed still
leaves its profile behind.

Run a server under it: python -m bench.sampler OUTPUT manage.py runlab ...
"""

import collections
import runpy
import sys
import threading
import time

INTERVAL_SECONDS = 0.01
WRITE_SECONDS = 5.0


def frame_name(frame) -> str:
    code = frame.f_code
    return f"{code.co_name} ({code.co_filename.rsplit('/site-packages/', 1)[-1]}:{frame.f_lineno})"


def sample(output: str) -> None:
    me = threading.get_ident()
    names = {}
    counts: collections.Counter = collections.Counter()
    written = time.monotonic()
    while True:
        time.sleep(INTERVAL_SECONDS)
        for thread in threading.enumerate():
            names[thread.ident] = thread.name
        for ident, frame in sys._current_frames().items():
            if ident == me:
                continue
            stack = []
            while frame is not None:
                stack.append(frame_name(frame))
                frame = frame.f_back
            counts[";".join([names.get(ident, str(ident)), *reversed(stack)])] += 1
        if time.monotonic() - written >= WRITE_SECONDS:
            written = time.monotonic()
            with open(output, "w") as file:
                file.writelines(f"{stack} {count}\n" for stack, count in counts.items())


def main() -> None:
    output, script, *arguments = sys.argv[1:]
    threading.Thread(target=sample, args=(output,), daemon=True, name="sampler").start()
    sys.argv = [script, *arguments]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
