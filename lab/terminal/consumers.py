"""The terminal's WebSocket: a person's kubectl commands on one cluster, their output as it comes, Ctrl-C.

Requests are frames as on the diagram's socket (lab/frames.py):
- {"action": "run", "line": "kubectl get pods", "manifest": "<the editor pane's text>"} starts a command; its
  output arrives as {"type": "output", "data": ...} and its end as {"type": "exit", "code", "note", "interrupted"}.
  A refused line is answered with a 400 Status whose message says why; a second command while one runs with 409.
- {"action": "interrupt"}: Ctrl-C.
- {"action": "complete", "resource": "deploy", "namespace": "default"}: the names of that resource's objects.
On connect the socket says which verbs and resource names kubectl accepts and the role the person's commands carry.

What the instructor types on the class demo is shown on every terminal of that cluster (the students' pages show
the demo), as {"type": "output" | "exit" | "command", "shared": "<instructor>", ...}: the class sees the command,
its output, and on the diagram beside it, its effect.
"""

import asyncio
import contextlib
import logging

from channels.db import database_sync_to_async
from django.utils import translation

from cluster_engine.api import errors
from lab.classroom.language import language_of
from lab.classroom.permissions import actor_for
from lab.frames import RequestConsumer
from lab.models import Cluster

from . import completion, policy, runner
from .access import access_for, role_for

logger = logging.getLogger(__name__)
NOT_FOUND_CLOSE_CODE = 4404
SHARED = "terminal.shared"


def cluster_group(cluster_id: int) -> str:
    return f"terminal-{cluster_id}"


def person_of(scope: dict, actor) -> str:
    """Who "one command at a time" counts: a student, a signed-in user, else the visitor's session or address."""
    if actor.student is not None:
        return f"student:{actor.student.pk}"
    if actor.user is not None and actor.user.is_authenticated:
        return f"user:{actor.user.pk}"
    session = scope.get("session")
    if session is not None and session.session_key:
        return f"session:{session.session_key}"
    return f"address:{(scope.get('client') or ['?'])[0]}"


class TerminalConsumer(RequestConsumer):
    request_example = '{"id": 1, "action": "run", "line": "kubectl get pods"}'

    async def connect(self):
        self.cluster_id = self.scope["url_route"]["kwargs"]["cluster_id"]
        self.language = language_of(self.scope)
        self.task = None
        self.group = None
        await self.accept()
        hello = await database_sync_to_async(self._hello)()
        if hello is None:
            error = errors.ApiError(404, "NotFound", f"cluster {self.cluster_id} not found")
            await self._send_json({"type": "error", "status": error.status()})
            await self.close(code=NOT_FOUND_CLOSE_CODE)
            return
        self.group = cluster_group(self.cluster_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self._send_json(hello)

    def _hello(self) -> dict | None:
        cluster = Cluster.objects.filter(pk=self.cluster_id).first()
        if cluster is None:
            return None
        self.actor = actor_for(self.scope.get("user"), self.scope.get("session"))
        self.person = person_of(self.scope, self.actor)
        return {
            "type": "hello",
            "cluster": cluster.name,
            "role": role_for(self.actor, cluster),
            "verbs": completion.verbs(),
            "resources": completion.resource_words(),
        }

    async def disconnect(self, code):
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def terminal_shared(self, message):
        if message["sender"] != self.channel_name:
            await self._send_json(message["event"])

    async def perform(self, request: dict) -> dict:
        action = request.get("action")
        with translation.override(self.language):
            if action == "run":
                return await self._start(request)
            if action == "interrupt":
                return {"interrupted": runner.interrupt(self.person)}
            if action == "complete":
                return await self._complete(request)
        raise errors.bad_request(f"unknown action {action!r}: run, interrupt or complete")

    async def _start(self, request: dict) -> dict:
        line, manifest = request.get("line"), request.get("manifest") or ""
        if not isinstance(line, str) or not isinstance(manifest, str):
            raise errors.bad_request('"line" and "manifest" must be strings')
        try:
            command = policy.parse(line)
        except policy.Refused as refusal:
            raise errors.bad_request(str(refusal)) from None
        if command.reads_editor and not manifest.strip():
            raise errors.bad_request(
                translation.gettext("The editor pane is empty: write the manifest there first, then run -f - again.")
            )
        if runner.busy(self.person) or (self.task is not None and not self.task.done()):
            raise errors.ApiError(409, "Conflict", runner.busy_message())

        def prepare():
            cluster = Cluster.objects.get(pk=self.cluster_id)
            return access_for(self.actor, cluster)

        access = await database_sync_to_async(prepare)()
        self.task = asyncio.create_task(self._run(command, access, manifest if command.reads_editor else None))
        return {"line": command.line, "role": access.role}

    async def _run(self, command: policy.Command, access, stdin: str | None) -> None:
        async def show(event: dict) -> None:
            await self._send_json(event)
            if access.broadcast:
                shared = {**event, "shared": self.actor.name()}
                await self.channel_layer.group_send(
                    self.group, {"type": SHARED, "sender": self.channel_name, "event": shared}
                )

        await show({"type": "command", "line": command.line})
        try:
            outcome = await runner.run(
                self.person, command, access.kubeconfig, lambda text: show({"type": "output", "data": text}), stdin
            )
        except runner.Busy as busy:
            await self._send_json({"type": "exit", "code": None, "note": str(busy), "interrupted": False})
            return
        except OSError as error:  # no kubectl where settings.KUBECTL_BINARY says: the page must not wait for ever
            logger.error("the terminal cannot start kubectl: %s", error)
            note = translation.gettext("kubectl could not be started on the lab's server; tell its administrator.")
            await self._send_json({"type": "exit", "code": None, "note": note, "interrupted": False})
            return
        with translation.override(self.language):
            await show(
                {"type": "exit", "code": outcome.exit_code, "note": outcome.note, "interrupted": outcome.interrupted}
            )

    async def _complete(self, request: dict) -> dict:
        resource, namespace = request.get("resource"), request.get("namespace") or "default"
        if not isinstance(resource, str) or not isinstance(namespace, str):
            raise errors.bad_request('"resource" and "namespace" must be strings')

        def names():
            cluster = Cluster.objects.get(pk=self.cluster_id)
            return completion.object_names(cluster.pk, resource, namespace, role_for(self.actor, cluster))

        return {"names": await database_sync_to_async(names)()}
