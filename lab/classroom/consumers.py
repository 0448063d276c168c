"""The classroom's WebSocket: follow me, lesson steps, predictions, sandboxes and the instructor's live grid.

Each classroom has one channel-layer group. A change (a step, a focus, a spotlight, a pause) is written to the
database first and then announced to the group as "changed"; every socket answers by sending its own person a
fresh screen state in their language (lab/classroom/room.py), so a socket that missed an announcement, or a page
that reloads, is never out of date for longer than its next state. Answers are announced only to the instructor's
sockets. Requests are {"id": n, "action": ...} frames, read, answered and rate limited as on the diagram's socket
(lab/frames.py).

A socket follows its group through lab/group_subscription.py, which joins it again when the channel layer forgets
its members (a Redis restart); after every join the socket sends its person a fresh state, so nothing announced
meanwhile stays missed. It reads no channel of its own (channel_layer_alias None): a Redis restart would fail that
read and close the socket.

A student's socket also follows their sandbox's watch stream and judges the current step's checkpoint by itself
when the sandbox changes (at most once per AUTO_CHECK_SECONDS), so a checkpoint is reached the moment the cluster
gets there; the Check button only asks for a judgement now. A newly reached checkpoint is announced as "passed":
the student's screens and the instructor's grid refresh at once.
"""

import asyncio
import contextlib
import json
import logging

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.utils import translation

from cluster_engine.api import errors
from lab import explained_lesson_actions, group_subscription
from lab.clockcontrol import set_clock, step
from lab.frames import RequestConsumer
from lab.lessons import lesson_for
from lab.watchcache import watch_cache

from .checkpoints import judge, judge_if_due
from .clusters import open_sandbox, start_demo
from .language import language_of
from .models import Answer, Classroom, Student
from .permissions import actor_for, authorize
from .room import current_step, grid, state_for

logger = logging.getLogger(__name__)
# A server error ends the socket as an unhandled one would (RFC 6455 1011), so the page reconnects by itself.
INTERNAL_ERROR_CLOSE_CODE = 1011

GRID_SECONDS = 2.0  # how often the instructor's grid of sandboxes refreshes
# The automatic checkpoint judges a sandbox at most this often (wall seconds): a controller's burst of writes costs
# one judgement, and the last change of a burst is always judged.
AUTO_CHECK_SECONDS = 1.0
FORBIDDEN_CLOSE_CODE = 4403
CHANGED = "classroom.changed"
ANSWERED = "classroom.answered"
PASSED = "classroom.passed"
RECHECK = {"type": "recheck"}  # queued on the sandbox watcher when the step changes: judge the new checkpoint


def classroom_group(classroom_id: int) -> str:
    return f"classroom-{classroom_id}"


class ClassroomConsumer(RequestConsumer):
    request_example = '{"id": 1, "action": "goto", "step": 2}'
    channel_layer_alias = None  # the group is followed by group_subscription, on a channel it reads itself

    async def connect(self):
        self.grid_task = None
        self.group = None
        self.group_task = None
        self.announcements = asyncio.Queue()
        self.state_lock = asyncio.Lock()
        self.sandbox_task = None
        self.sandbox_watcher = None
        self.followed_sandbox = None
        self.judged_step = None
        self.language = language_of(self.scope)
        await self.accept()
        joined = await database_sync_to_async(self._identify)(self.scope["url_route"]["kwargs"]["code"])
        if not joined:
            error = errors.ApiError(403, "Forbidden", "join this classroom first")
            await self.send(text_data=json.dumps({"type": "error", "status": error.status()}))
            await self.close(code=FORBIDDEN_CLOSE_CODE)
            return
        self.group = classroom_group(self.classroom_id)
        first_state = asyncio.Event()

        async def joined(_first: bool) -> None:
            await self._send_state()
            first_state.set()

        self.group_task = asyncio.create_task(self._follow_group(joined))
        await first_state.wait()
        if self.student_id is None:
            self.grid_task = asyncio.create_task(self._grid_loop())

    def _identify(self, code: str) -> bool:
        classroom = Classroom.objects.filter(join_code=code.upper()).first()
        if classroom is None:
            return False
        self.classroom_id = classroom.pk
        self.actor = actor_for(self.scope.get("user"), self.scope.get("session"))
        if self.actor.student is not None and self.actor.student.classroom_id == classroom.pk:
            self.student_id = self.actor.student.pk
            return True
        self.student_id = None
        return self.actor.is_admin or (self.actor.is_instructor and classroom.instructor_id == self.actor.user.pk)

    async def disconnect(self, code):
        for task in (self.grid_task, self.sandbox_task, self.group_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    # ---- what the group announces ------------------------------------------------------------------------------
    async def _follow_group(self, joined):
        """Hear the group's announcements one at a time, in order, as the socket's own channel would deliver them;
        `joined` sends a fresh state after each join, before any announcement."""
        follower = asyncio.create_task(group_subscription.follow(self.group, self.announcements.put_nowait, joined))
        try:
            while True:
                await self.dispatch(await self.announcements.get())
        except Exception:
            # A socket that no longer hears its group must not look alive: close it and the page reconnects.
            logger.exception("classroom %s: handling an announcement failed", self.classroom_id)
            await self.close(code=INTERNAL_ERROR_CLOSE_CODE)
        finally:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower

    async def classroom_changed(self, message):
        await self._send_state()

    async def classroom_answered(self, message):
        if self.student_id is None:
            await self._send_state()

    async def classroom_passed(self, message):
        if self.student_id is None:
            await self._send_grid()
        elif message["student"] == self.student_id:
            await self._send_state()

    async def _send_state(self):
        """Announcements are heard beside requests: one state at a time, so an older one is never sent after a newer."""
        async with self.state_lock:
            state = await database_sync_to_async(self._state)()
            await self._send_json(state)
            if self.student_id is not None:
                await self._follow(state)

    def _state(self) -> dict:
        with translation.override(self.language):
            classroom = Classroom.objects.select_related("demo_cluster").get(pk=self.classroom_id)
            student = Student.objects.select_related("sandbox").get(pk=self.student_id) if self.student_id else None
            return state_for(classroom, student)

    async def _grid_loop(self):
        while True:
            await self._send_grid()
            await asyncio.sleep(GRID_SECONDS)

    async def _send_grid(self):
        classroom = await database_sync_to_async(Classroom.objects.get)(pk=self.classroom_id)
        await self._send_json(await database_sync_to_async(grid)(classroom))

    # ---- the student's sandbox, judged as it changes -------------------------------------------------------------
    async def _follow(self, state: dict):
        """Follow the sandbox the student's screen shows (a new one after a reset); re-judge when the step changes."""
        sandbox = (state["me"]["sandbox"] or {}).get("id")
        step = (state["lesson"] or {}).get("slug"), (state["step"] or {}).get("index")
        if sandbox != self.followed_sandbox:
            if self.sandbox_task is not None:
                self.sandbox_task.cancel()
            self.followed_sandbox, self.sandbox_task, self.sandbox_watcher = sandbox, None, None
            if sandbox is not None:
                self.sandbox_task = asyncio.create_task(self._judge_as_it_changes(sandbox))
        elif step != self.judged_step and self.sandbox_watcher is not None:
            self.sandbox_watcher.offer(RECHECK)
        self.judged_step = step

    async def _judge_as_it_changes(self, cluster_id: int):
        cache = await watch_cache(cluster_id)
        watcher = self.sandbox_watcher = cache.watch(since=cache.newest())
        try:
            await self._judge_automatically()
            while True:
                if watcher.overflowed:  # fell far behind: carry on from now, the judge reads the database anyway
                    cache.unwatch(watcher)
                    watcher = self.sandbox_watcher = cache.watch(since=cache.newest())
                message = await watcher.next_batch()
                if message["type"] == "clock":
                    continue
                watcher.waiting()  # everything that queued up meanwhile is covered by this one judgement
                await self._judge_automatically()
                await asyncio.sleep(AUTO_CHECK_SECONDS)
        finally:
            cache.unwatch(watcher)

    async def _judge_automatically(self):
        verdict = await self._in_thread(lambda: judge_if_due(self.student_id))
        if verdict is not None and verdict.newly:
            await self._announce(PASSED, student=self.student_id)

    # ---- requests ----------------------------------------------------------------------------------------------
    async def perform(self, request: dict) -> dict:
        action = request.get("action")
        handlers = STUDENT_ACTIONS if self.student_id else INSTRUCTOR_ACTIONS
        if not isinstance(action, str) or action not in handlers:
            raise errors.ApiError(
                403, "Forbidden", f"{'students' if self.student_id else 'instructors'} cannot {action!r} here"
            )
        return await handlers[action](self, request) or {}

    async def _announce(self, kind: str = CHANGED, **fields):
        await get_channel_layer().group_send(self.group, {"type": kind, **fields})

    async def _update(self, **fields):
        await database_sync_to_async(Classroom.objects.filter(pk=self.classroom_id).update)(**fields)
        await self._announce()

    def _in_thread(self, function):
        """Run `function()` in a thread with the database, in this socket's language."""

        def call():
            with translation.override(self.language):
                return function()

        return database_sync_to_async(call)()

    # instructor ---------------------------------------------------------------------------------------------------
    async def goto(self, request):
        number = request.get("step")
        classroom = await database_sync_to_async(Classroom.objects.get)(pk=self.classroom_id)
        lesson = lesson_for(classroom.lesson)
        if lesson is None or isinstance(number, bool) or not isinstance(number, int):
            raise errors.bad_request('"step" must be a step number of the current lesson')
        if not 0 <= number < len(lesson.steps):
            raise errors.bad_request(f"this lesson has steps 0 to {len(lesson.steps) - 1}")
        focus = lesson.steps[number].focus
        await self._update(step=number, revealed=False, focus={"kind": focus[0], "key": focus[1]} if focus else None)

    async def choose_lesson(self, request):
        lesson = lesson_for(request.get("lesson") or "")
        if lesson is None:
            raise errors.bad_request(f"unknown lesson {request.get('lesson')!r}")
        await self._in_thread(lambda: start_demo(Classroom.objects.get(pk=self.classroom_id), lesson))
        await self._announce()

    async def follow(self, request):
        if not isinstance(request.get("on"), bool):
            raise errors.bad_request('"on" must be true or false')
        await self._update(follow_me=request["on"])

    async def focus(self, request):
        kind, key = request.get("kind"), request.get("key")
        if not (isinstance(kind, str) and isinstance(key, str)):
            raise errors.bad_request('"kind" and "key" must be strings')
        await self._update(focus={"kind": kind, "key": key})

    async def spotlight(self, request):
        cluster_id = request.get("cluster")
        if cluster_id is not None:
            owned = await database_sync_to_async(
                Student.objects.filter(classroom_id=self.classroom_id, sandbox_id=cluster_id).exists
            )()
            if not owned:
                raise errors.bad_request("only a sandbox of this classroom can be put on everyone's screen")
        await self._update(spotlight_id=cluster_id)

    async def reveal(self, request):
        await self._update(revealed=bool(request.get("on", True)))

    async def clock(self, request):
        classroom = await self._authorized_demo("pause")
        await set_clock(classroom.demo_cluster_id, paused=request.get("paused"), speed=request.get("speed"))

    async def step_clock(self, request):
        classroom = await self._authorized_demo("step")
        await set_clock(classroom.demo_cluster_id, paused=True)
        await step(classroom.demo_cluster_id)

    async def run_on_demo(self, request):
        classroom = await self._authorized_demo("run")
        return await self._run_step_action(classroom, classroom.demo_cluster)

    async def _authorized_demo(self, action: str) -> Classroom:
        def check():
            classroom = Classroom.objects.select_related("demo_cluster").get(pk=self.classroom_id)
            if classroom.demo_cluster is None:
                raise errors.ApiError(404, "NotFound", "this classroom has no demo cluster; choose a lesson")
            authorize(self.actor, classroom.demo_cluster, action)
            return classroom

        return await self._in_thread(check)

    async def _run_step_action(self, classroom: Classroom, cluster) -> dict:
        _lesson, current = current_step(classroom)
        if current is None or current.action is None:
            raise errors.bad_request("this step has no action")
        result = await self._in_thread(lambda: explained_lesson_actions.run(cluster, current.action, self.actor.name()))
        return {"objects": len(result["objects"]), "explanation": result["explanation"]}

    # student ------------------------------------------------------------------------------------------------------
    async def answer(self, request):
        def save():
            student = Student.objects.select_related("classroom").get(pk=self.student_id)
            classroom = student.classroom
            _lesson, current = current_step(classroom)
            if current is None or current.question is None:
                raise errors.bad_request("this step asks no question")
            if classroom.revealed:
                raise errors.ApiError(409, "Conflict", "the answer has been revealed; predictions are closed")
            choice = request.get("choice")
            if choice not in {value for value, _label in current.question.choices}:
                raise errors.bad_request(f"{choice!r} is not one of this question's choices")
            Answer.objects.update_or_create(
                student=student, lesson=classroom.lesson, step=classroom.step, defaults={"choice": choice}
            )

        await self._in_thread(save)
        await self._announce(ANSWERED)
        await self._send_state()

    async def sandbox(self, request):
        def create():
            student = Student.objects.select_related("classroom", "sandbox").get(pk=self.student_id)
            lesson = lesson_for(student.classroom.lesson)
            if lesson is None:
                raise errors.bad_request("the instructor has not chosen a lesson yet")
            return open_sandbox(student, lesson)

        cluster = await self._in_thread(create)
        await self._send_state()
        return {"sandbox": {"id": cluster.pk, "name": cluster.name}}

    async def check(self, request):
        verdict = await self._in_thread(lambda: judge(self.student_id))
        if verdict.newly:
            await self._announce(PASSED, student=self.student_id)
        else:
            await self._send_state()
        return {"passed": verdict.passed}

    async def run_on_sandbox(self, request):
        def target():
            student = Student.objects.select_related("classroom", "sandbox").get(pk=self.student_id)
            if student.sandbox is None:
                raise errors.bad_request("open your sandbox first")
            authorize(self.actor, student.sandbox, "run")
            return student.classroom, student.sandbox

        classroom, cluster = await self._in_thread(target)
        return await self._run_step_action(classroom, cluster)


INSTRUCTOR_ACTIONS = {
    "goto": ClassroomConsumer.goto,
    "lesson": ClassroomConsumer.choose_lesson,
    "follow": ClassroomConsumer.follow,
    "focus": ClassroomConsumer.focus,
    "spotlight": ClassroomConsumer.spotlight,
    "reveal": ClassroomConsumer.reveal,
    "clock": ClassroomConsumer.clock,
    "step": ClassroomConsumer.step_clock,
    "run": ClassroomConsumer.run_on_demo,
}
STUDENT_ACTIONS = {
    "answer": ClassroomConsumer.answer,
    "sandbox": ClassroomConsumer.sandbox,
    "check": ClassroomConsumer.check,
    "run": ClassroomConsumer.run_on_sandbox,
}
