"""A hostile classroom for minutes on end: 200 kubectl-style watch streams over TLS, 50 writes/s, and 60 students
each with a sandbox open, against one `runlab` process; a leak shows as memory that keeps growing.

Starts a scratch lab with the demo cluster and 60 sandboxes of the first lesson, opens 200 watches on the demo's
ConfigMaps through the kube API's HTTPS port, 60 diagram WebSockets on the demo (the students following the
instructor) and one on each sandbox, then patches a ConfigMap 50 times a second. Every 30 s it prints the errors so
far (refused writes, streams and sockets that ended), the write latency of that period (p50/p99), the server's RSS
and its memory per open connection; at the end, how the RSS grew from the first report to the last.
Run: .venv/bin/python -m bench.load [--minutes 3] [--watchers 200] [--rate 50] [--students 60] [--profile FILE]
"""

import argparse
import asyncio
import collections
import json
import os
import re
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.kubeapi import add_load_options, admin_credentials, cpu_seconds, percentile, watch
from tests.livelab import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
REPORT_SECONDS = 30
NUMBERS = re.compile(r"0x[0-9a-f]+|\d+")  # addresses and task numbers, so that alike complaints count together
SANDBOXES = """
from lab.demo import seed_objects
from lab.lessons import LESSONS_BY_SLUG
from lab.models import Cluster
lesson = LESSONS_BY_SLUG["cluster-and-nodes"]
for number in range({students}):
    topology, manifests = lesson.manifests(sandbox=True)
    seed_objects(Cluster.objects.create(name=f"sandbox-{{number}}", topology=topology), manifests)
print(",".join(str(pk) for pk in Cluster.objects.order_by("pk").values_list("pk", flat=True)))
"""


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


class Tally:
    """What went wrong so far, and the write latencies of the current period."""

    def __init__(self):
        self.errors: dict[str, int] = {}
        self.latencies: list[float] = []

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    def take_latencies(self) -> list[float]:
        taken, self.latencies = sorted(self.latencies), []
        return taken


async def follow_stream(tally: Tally, *args) -> None:
    try:
        await watch(*args)
        tally.error("watch stream ended")
    except asyncio.CancelledError:
        raise
    except Exception:
        tally.error("watch stream failed")


async def student(tally: Tally, session, url: str, origin: str, opened: asyncio.Event) -> None:
    """One page's socket: read everything it is sent, as the diagram does."""
    try:
        async with session.ws_connect(url, origin=origin, max_msg_size=0) as socket:
            opened.set()
            async for message in socket:
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
        tally.error("page socket closed")
    except asyncio.CancelledError:
        raise
    except Exception:
        tally.error("page socket failed")
    opened.set()


async def run(options, base: str, page_base: str, token: str, ca: str, cluster_ids: list[int], pid: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    api = f"{base}/k8s/clusters/demo/api/v1/namespaces/default/configmaps"
    tally = Tally()
    baseline = rss_bytes(pid)
    connector = aiohttp.TCPConnector(ssl=ssl.create_default_context(cafile=ca), limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        async with session.post(api, json={"metadata": {"name": "load"}, "data": {"n": "0"}}, headers=headers) as made:
            version = (await made.json())["metadata"]["resourceVersion"]
        sent: dict[int, float] = {}
        received: list[float] = []
        readies = [asyncio.Event() for _ in range(options.watchers)]
        url = f"{api}?watch=true&resourceVersion={version}"
        tasks = [
            asyncio.create_task(follow_stream(tally, session, url, headers, ready, received, sent)) for ready in readies
        ]
        demo, sandboxes = cluster_ids[0], cluster_ids[1:]
        pages = [demo] * options.students + sandboxes[: options.students]
        opened = [asyncio.Event() for _ in pages]
        tasks += [
            asyncio.create_task(student(tally, session, f"{page_base}/ws/clusters/{cid}/", page_base, done))
            for cid, done in zip(pages, opened, strict=True)
        ]
        await asyncio.gather(*(event.wait() for event in readies + opened))
        connections = len(readies) + len(opened)
        connected = rss_bytes(pid)
        print(
            f"{len(readies)} watch streams and {len(opened)} page sockets open; server RSS {baseline / 2**20:.0f} MiB "
            f"before, {connected / 2**20:.0f} MiB after: {(connected - baseline) / connections / 1024:.0f} KiB each"
        )

        patch_headers = {**headers, "Content-Type": "application/merge-patch+json"}

        async def write(n: int) -> None:
            started = sent[n] = time.perf_counter()
            try:
                body = json.dumps({"data": {"n": str(n)}})
                async with session.patch(f"{api}/load", data=body, headers=patch_headers) as response:
                    await response.read()
                    if response.status != 200:
                        tally.error(f"write answered {response.status}")
                        return
            except aiohttp.ClientError:
                tally.error("write failed")
                return
            tally.latencies.append(time.perf_counter() - started)

        samples: list[tuple[float, int]] = []
        writes: set[asyncio.Task] = set()
        cpu_before = cpu_seconds(pid)
        start = time.perf_counter()
        total = int(options.rate * options.minutes * 60)
        next_report = start + REPORT_SECONDS
        for n in range(1, total + 1):
            await asyncio.sleep(max(0.0, start + n / options.rate - time.perf_counter()))
            task = asyncio.create_task(write(n))
            writes.add(task)
            task.add_done_callback(writes.discard)
            if time.perf_counter() >= next_report:
                next_report += REPORT_SECONDS
                samples.append(report(tally, pid, start, baseline, connections))
        _answered, unanswered = await asyncio.wait(writes, timeout=REPORT_SECONDS) if writes else (set(), set())
        for task in unanswered:
            task.cancel()
            tally.error("write unanswered at the end")
        samples.append(report(tally, pid, start, baseline, connections))
        elapsed = time.perf_counter() - start
        print(f"server CPU: {(cpu_seconds(pid) - cpu_before) / elapsed:.0%} of a core over {elapsed:.0f} s")
        if received:
            received.sort()
            print(
                f"watch events delivered: {len(received)} of {total * options.watchers}; write-to-receipt "
                f"p50 {statistics.median(received) * 1000:.0f} ms, p99 {percentile(received, 0.99) * 1000:.0f} ms"
            )
        if tally.errors:
            print(f"errors: {tally.errors}")
        growth(samples)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def report(tally: Tally, pid: int, start: float, baseline: int, connections: int) -> tuple[float, int]:
    latencies = tally.take_latencies()
    rss = rss_bytes(pid)
    at = time.perf_counter() - start
    timing = (
        f"write p50 {statistics.median(latencies) * 1000:.0f} ms p99 {percentile(latencies, 0.99) * 1000:.0f} ms"
        if latencies
        else "no write answered"
    )
    errors = sum(tally.errors.values())
    detail = f" {tally.errors}" if errors else ""
    print(
        f"[{at:5.0f} s] errors {errors}{detail}; {timing} ({len(latencies)} writes); RSS {rss / 2**20:.0f} MiB, "
        f"{(rss - baseline) / connections / 1024:.0f} KiB per connection",
        flush=True,
    )
    return at, rss


def growth(samples: list[tuple[float, int]]) -> None:
    """RSS from the first report to the last: a steady rise over minutes of the same load is a leak."""
    if len(samples) < 2:
        print("too short to judge growth: run for more than one report period")
        return
    (first_at, first), (last_at, last) = samples[0], samples[-1]
    minutes = (last_at - first_at) / 60
    print(
        f"RSS growth from {first_at:.0f} s to {last_at:.0f} s: {(last - first) / 2**20:+.1f} MiB "
        f"({(last - first) / 2**20 / minutes:+.2f} MiB a minute)"
    )


def log_summary(path: Path) -> None:
    """What the server complained of, most frequent first (tracebacks reduced to their first line)."""
    lines = [line for line in path.read_text(errors="replace").splitlines() if line and not line[0].isspace()]
    complaints = collections.Counter(NUMBERS.sub("N", line)[:120] for line in lines if not line.startswith("Traceback"))
    print(f"server log: {len(lines)} lines")
    for line, count in complaints.most_common(5):
        print(f"  {count} x {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3)
    add_load_options(parser)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument(
        "--profile", metavar="FILE", help="sample the server's threads (collapsed stacks, bench.sampler)"
    )
    options = parser.parse_args()
    print(f"{os.cpu_count()} cores; {options.minutes:g} minutes; one runlab process (SQLite, in-memory channel layer)")
    with tempfile.TemporaryDirectory() as var_dir:
        env = {**os.environ, "KUBELAB_VAR_DIR": var_dir}

        def manage(*arguments: str) -> str:
            return subprocess.run(
                [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, check=True
            ).stdout

        manage("migrate", "--noinput")
        manage("seed_demo")
        printed = manage("shell", "-c", SANDBOXES.format(students=options.students))
        cluster_ids = [int(pk) for pk in printed.split()[-1].split(",")]
        http_port, kube_port = free_port(), free_port()
        log = (Path(var_dir) / "server.log").open("w")  # noqa: SIM115 - the server writes it until killed
        sampler = ["-m", "bench.sampler", options.profile] if options.profile else []
        server = subprocess.Popen(
            [sys.executable, *sampler, "manage.py", "runlab", "--port", str(http_port), "--kube-port", str(kube_port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        try:
            wait_for_port(kube_port, server)
            base = f"https://127.0.0.1:{kube_port}"
            token, ca = admin_credentials(env, var_dir, base)
            page_base = f"http://127.0.0.1:{http_port}"
            asyncio.run(run(options, base, page_base, token, ca, cluster_ids, server.pid))
        finally:
            server.kill()
            server.wait()
            log.close()
            log_summary(Path(var_dir) / "server.log")


if __name__ == "__main__":
    main()
