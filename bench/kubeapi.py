"""Kube API under load: 200 open watch streams while a client writes 50 times a second through HTTPS.

Starts a scratch lab (its own var directory), opens the watches, then patches a ConfigMap at a steady 50/s and
prints the mutating latency (p50/p99; target p99 <= 200 ms, upstream's SLO is 1 s) and how many events reached the
watchers. Run: .venv/bin/python bench/kubeapi.py [--watchers 200] [--rate 50] [--seconds 10]
"""

import argparse
import asyncio
import json
import os
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def watch(session, url: str, headers: dict, ready: asyncio.Event, counts: list[int], index: int) -> None:
    async with session.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=None)) as response:
        ready.set()
        async for _line in response.content:
            counts[index] += 1


async def run(base: str, token: str, ca: str, watchers: int, rate: float, seconds: float) -> None:
    context = ssl.create_default_context(cafile=ca)
    headers = {"Authorization": f"Bearer {token}"}
    api = f"{base}/k8s/clusters/demo/api/v1/namespaces/default/configmaps"
    connector = aiohttp.TCPConnector(ssl=context, limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        async with session.post(api, json={"metadata": {"name": "bench"}, "data": {"n": "0"}}, headers=headers) as made:
            version = (await made.json())["metadata"]["resourceVersion"]
        counts = [0] * watchers
        readies = [asyncio.Event() for _ in range(watchers)]
        url = f"{api}?watch=true&resourceVersion={version}"
        streams = [asyncio.create_task(watch(session, url, headers, readies[i], counts, i)) for i in range(watchers)]
        opened = time.perf_counter()
        await asyncio.gather(*(ready.wait() for ready in readies))
        print(f"{watchers} watch streams open in {time.perf_counter() - opened:.2f} s")
        latencies: list[float] = []
        patch_headers = {**headers, "Content-Type": "application/merge-patch+json"}

        async def write(n: int) -> None:
            started = time.perf_counter()
            body = json.dumps({"data": {"n": str(n)}})
            async with session.patch(f"{api}/bench", data=body, headers=patch_headers) as response:
                await response.read()
                assert response.status == 200, response.status
            latencies.append(time.perf_counter() - started)

        writes = []
        total = int(rate * seconds)
        start = time.perf_counter()
        for n in range(1, total + 1):
            await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
            writes.append(asyncio.create_task(write(n)))
        await asyncio.gather(*writes)
        await asyncio.sleep(1.0)  # let the last events reach every stream
        for stream in streams:
            stream.cancel()
        latencies.sort()
        p50 = statistics.median(latencies) * 1000
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
        delivered = sum(counts)
        print(
            f"{total} writes at {rate:g}/s over {seconds:g} s: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
        )
        print(
            f"watch events delivered: {delivered} of {total * watchers} expected ({delivered / (total * watchers):.1%})"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--watchers", type=int, default=200)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        env = {**os.environ, "KUBELAB_VAR_DIR": var_dir}
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.kubectl.server", str(port), "1"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert server.stdout.readline().strip() == "ready"
            base = f"https://127.0.0.1:{port}"
            config = subprocess.run(
                [sys.executable, "manage.py", "kubeconfig", "demo", "--server", base],
                cwd=ROOT, env=env, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            token = yaml.safe_load(config)["users"][0]["user"]["token"]
            ca = str(Path(var_dir) / "kubeapi-tls" / "apiserver.crt")
            asyncio.run(run(base, token, ca, options.watchers, options.rate, options.seconds))
        finally:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
