"""What `kubectl logs` shows: a few simulated lines per container instance, kept in a bounded ring on the machine.

Logs live on the node (like /var/log/pods), so they survive a kubelet restart and a reboot, and the previous
instance of a restarted container stays readable (`kubectl logs --previous`). Each ring is bounded so a crash loop
or a chatty probe cannot grow memory without limit. Every line is numbered within its instance, so a follower
(`kubectl logs -f`) can read again and keep only the lines after the last one it sent, whatever the ring dropped.
"""

from collections import deque

from ..openapi import VERSION

LINES_PER_CONTAINER = 200
INSTANCES_KEPT = 2  # the current container and the previous one, as the kubelet keeps them
# upstream probe/http: the prober's User-Agent is "kube-probe/<major>.<minor>" of the kubelet's version
PROBE_USER_AGENT = "kube-probe/" + ".".join(VERSION.split(".")[:2])


class LogLines(list):
    """A container instance's lines as read at one moment, plus where they end: the instance's number (None when
    there is none) and how many lines it had written in all by then. Both come from the same snapshot of the ring,
    so `written` minus what a follower already sent is exactly how many of the last lines are new."""

    def __init__(self, lines, instance: int | None, written: int):
        super().__init__(lines)
        self.instance = instance
        self.written = written

    def after(self, sent: int) -> list[str]:
        """The lines past the first `sent` ones the instance wrote (those the ring still holds)."""
        fresh = min(len(self), max(0, self.written - sent))
        return self[len(self) - fresh :] if fresh else []


class ContainerLogs:
    def __init__(self, clock):
        self.clock = clock
        self._rings: dict[tuple[str, str, str], dict[int, deque]] = {}

    def write(self, namespace: str, pod: str, container: str, instance: int, line: str) -> None:
        instances = self._rings.setdefault((namespace, pod, container), {})
        ring = instances.setdefault(instance, deque(maxlen=LINES_PER_CONTAINER))
        ring.append((ring[-1][0] + 1 if ring else 1, line))
        for old in sorted(instances)[:-INSTANCES_KEPT]:
            del instances[old]

    def read(self, namespace: str, pod: str, container: str, previous: bool = False) -> LogLines:
        instances = self._rings.get((namespace, pod, container)) or {}
        numbers = sorted(instances)[-2:] if previous else sorted(instances)[-1:]
        if len(numbers) != (2 if previous else 1):
            return LogLines([], None, 0)
        number = numbers[0]
        numbered = list(instances[number])  # one snapshot: the engine may append while a request reads
        return LogLines([line for _, line in numbered], number, numbered[-1][0] if numbered else 0)

    def forget_pod(self, namespace: str, pod: str) -> None:
        for key in [key for key in self._rings if key[:2] == (namespace, pod)]:
            del self._rings[key]

    # ---- what a simulated process prints ------------------------------------------------------------------
    def _nginx_time(self) -> str:
        return self.clock.wall_time().strftime("%Y/%m/%d %H:%M:%S")

    def started(self, image: str) -> list[str]:
        if "nginx" in image:
            version = image.rpartition(":")[2] if ":" in image.rsplit("/", 1)[-1] else "1.27.3"
            at = self._nginx_time()
            return [
                "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
                "/docker-entrypoint.sh: Configuration complete; ready for start up",
                f'{at} [notice] 1#1: using the "epoll" event method',
                f"{at} [notice] 1#1: nginx/{version}",
                f"{at} [notice] 1#1: start worker processes",
            ]
        return [f"{self.clock.wall_time().isoformat()} starting {image}"]

    def probed(self, image: str, probe: dict, host_ip: str, status_code: int) -> list[str]:
        if "nginx" not in image or "httpGet" not in probe:
            return []
        at = self.clock.wall_time().strftime("%d/%b/%Y:%H:%M:%S +0000")
        path = probe["httpGet"].get("path", "/")
        return [f'{host_ip} - - [{at}] "GET {path} HTTP/1.1" {status_code} 615 "-" "{PROBE_USER_AGENT}" "-"']

    def stopping(self, image: str) -> list[str]:
        if "nginx" in image:
            return [f"{self._nginx_time()} [notice] 1#1: signal 15 (SIGTERM) received, exiting"]
        return [f"{self.clock.wall_time().isoformat()} received SIGTERM, shutting down"]

    def exited(self, image: str, exit_code: int) -> list[str]:
        if exit_code:
            return [f"{self.clock.wall_time().isoformat()} fatal error, exiting with code {exit_code}"]
        return []
