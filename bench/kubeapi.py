"""Kube API under load: 200 open watch streams while a client writes 50 times a second through HTTPS.

Starts a scratch lab (`manage.py runlab` on its own var directory), opens the watches, then patches a ConfigMap at a
steady 50/s and prints the mutating latency (p50/p99; target p99 <= 200 ms, upstream's SLO is 1 s) and how many events
reached the watchers, in total and within a second of their write. `--table` makes the streams ask for Tables, as
`kubectl get -w` does (with includeObject=Object, so each row still names its write).
Run: .venv/bin/python -m bench.kubeapi [--watchers 200] [--rate 50] [--seconds 10] [--table]
"""

import argparse
import asyncio
import bisect
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
import yaml

from tests.livelab import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
WRITE_NUMBER = re.compile(rb'"data":\{"n":"(\d+)"\}')
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
SPEED = 1  # the demo cluster's clock: the control plane runs beside the benchmark, as in a class


async def watch(session, url: str, headers: dict, ready: asyncio.Event, received: list[float], sent: dict) -> None:
    """Follow one stream; for each event of a benchmark write, how long after the write was sent it arrived."""
    async with session.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=None)) as response:
        ready.set()
        async for line in response.content:
            found = WRITE_NUMBER.search(line)
            if found is not None:
                received.append(time.perf_counter() - sent[int(found.group(1))])


class Profile:
    """py-spy sampling every thread of the server (the event loop, request threads, the control plane) during the
    writes; `py-spy` comes with requirements-dev.txt."""

    def __init__(self, pid: int, output: str, seconds: float):
        self.command = [str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(pid), "--threads"]
        self.command += ["--nonblocking", "--format", "raw", "--output", output, "--duration", str(int(seconds))]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def finish(self) -> None:
        self.process.wait()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def run(
    base: str,
    token: str,
    ca: str,
    watchers: int,
    rate: float,
    seconds: float,
    server_pid: int,
    profile: "Profile | None",
    tables: bool = False,
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    watch_headers = {**headers, "Accept": TABLE} if tables else headers
    api = f"{base}/k8s/clusters/demo/api/v1/namespaces/default/configmaps"
    connector = aiohttp.TCPConnector(ssl=ssl.create_default_context(cafile=ca), limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        async with session.post(api, json={"metadata": {"name": "bench"}, "data": {"n": "0"}}, headers=headers) as made:
            version = (await made.json())["metadata"]["resourceVersion"]
        sent: dict[int, float] = {}
        received: list[float] = []
        readies = [asyncio.Event() for _ in range(watchers)]
        url = f"{api}?watch=true&resourceVersion={version}" + ("&includeObject=Object" if tables else "")
        streams = [
            asyncio.create_task(watch(session, url, watch_headers, readies[i], received, sent)) for i in range(watchers)
        ]
        opened = time.perf_counter()
        await asyncio.gather(*(ready.wait() for ready in readies))
        print(f"{watchers} watch streams open in {time.perf_counter() - opened:.2f} s")
        latencies: list[float] = []
        patch_headers = {**headers, "Content-Type": "application/merge-patch+json"}

        async def write(n: int) -> None:
            started = sent[n] = time.perf_counter()
            body = json.dumps({"data": {"n": str(n)}})
            async with session.patch(f"{api}/bench", data=body, headers=patch_headers) as response:
                await response.read()
                assert response.status == 200, response.status
            latencies.append(time.perf_counter() - started)

        writes = []
        if profile is not None:
            profile.start()
        cpu_before = cpu_seconds(server_pid), cpu_seconds(os.getpid())
        total = int(rate * seconds)
        start = time.perf_counter()
        for n in range(1, total + 1):
            await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
            writes.append(asyncio.create_task(write(n)))
        await asyncio.gather(*writes)
        elapsed = time.perf_counter() - start
        server_cpu = cpu_seconds(server_pid) - cpu_before[0]
        client_cpu = cpu_seconds(os.getpid()) - cpu_before[1]
        if profile is not None:
            profile.finish()
        await asyncio.sleep(1.0)  # let the last events reach every stream
        for stream in streams:
            stream.cancel()
        latencies.sort()
        received.sort()
        expected = total * watchers
        within = bisect.bisect_right(received, 1.0)
        print(
            f"{total} writes at {rate:g}/s over {seconds:g} s: p50 {statistics.median(latencies) * 1000:.1f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
        )
        print(f"CPU while writing: server {server_cpu / elapsed:.0%} of a core, this client {client_cpu / elapsed:.0%}")
        if received:
            print(
                f"watch events delivered: {len(received)} of {expected} ({len(received) / expected:.1%}), "
                f"within 1 s {within / expected:.1%}; write-to-receipt p50 {statistics.median(received) * 1000:.1f} ms, "
                f"p99 {percentile(received, 0.99) * 1000:.1f} ms"
            )
        else:
            print(f"watch events delivered: 0 of {expected}")


def add_load_options(parser: argparse.ArgumentParser) -> None:
    """The load on the kube API: how many watch streams stay open, and how many writes a second go through."""
    parser.add_argument("--watchers", type=int, default=200)
    parser.add_argument("--rate", type=float, default=50)


def admin_credentials(env: dict, var_dir: str, base: str) -> tuple[str, str]:
    """The demo cluster's admin token, from the kubeconfig the lab prints, and the CA file that verifies `base`."""
    config = subprocess.run(
        [sys.executable, "manage.py", "kubeconfig", "demo", "--server", base],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return yaml.safe_load(config)["users"][0]["user"]["token"], str(Path(var_dir) / "kubeapi-tls" / "apiserver.crt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_options(parser)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--table", action="store_true", help="watch as Tables, as kubectl get -w does")
    parser.add_argument(
        "--profile", metavar="FILE", help="sample the server with py-spy while the writes run (raw collapsed stacks)"
    )
    options = parser.parse_args()
    print(f"{os.cpu_count()} cores, HTTPS{', Table streams' if options.table else ''}")
    with tempfile.TemporaryDirectory() as var_dir:
        env = {**os.environ, "KUBELAB_VAR_DIR": var_dir}
        http_port, kube_port = free_port(), free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runlab", "--port", str(http_port), "--kube-port", str(kube_port),
             "--speed", str(SPEED)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for_port(kube_port, server)
            base = f"https://127.0.0.1:{kube_port}"
            token, ca = admin_credentials(env, var_dir, base)
            profile = Profile(server.pid, options.profile, options.seconds) if options.profile else None
            asyncio.run(
                run(
                    base, token, ca, options.watchers, options.rate, options.seconds, server.pid, profile, options.table
                )
            )
        finally:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
