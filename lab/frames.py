"""What a page sends over its WebSocket: JSON requests, read with the limits any user input gets, and rate limited.

Requests are frames {"id": n, "action": ...}; each answer is {"type": "result", "id": n, ...} or {"type": "error",
"id": n, "status": <Kubernetes Status>}. A frame that is not a request (binary, too big, not JSON, nested past the
depth limit, not an object) is answered with a 400 or 413 Status and the socket stays open. Each socket has a budget
of frames, refilled over time (a token bucket): a page sends one frame per click, so a burst past the budget gets
upstream's 429 TooManyRequests Status, and a client that goes on sending regardless is disconnected with close code
1008 (policy violation).
"""

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from channels.generic.websocket import AsyncWebsocketConsumer

from cluster_engine.api import documents, errors

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024  # a request is a few hundred bytes; anything this big is not one
# A person clicks a few times a second at most; a script replaying frames is what these stop.
FRAMES_PER_SECOND = 10
BURST = 30
POLICY_VIOLATION = 1008  # RFC 6455: the close code for a peer that broke the rules
RETRY_AFTER_SECONDS = 1


def parse_request(text_data: str | None, bytes_data: bytes | None, example: str) -> dict:
    """The JSON object a frame holds; a 400 or 413 Status for anything else (`example` shows what a request is)."""
    if text_data is None:
        raise errors.bad_request("binary frames are not accepted; send a JSON object as text")
    if len(text_data) > MAX_FRAME_BYTES:
        raise errors.request_too_large(MAX_FRAME_BYTES)
    try:
        request = documents.load_json(text_data)
    except ValueError as error:  # json.JSONDecodeError, documents.NotJson, a lone surrogate: all ValueErrors
        raise errors.bad_request(f"the request is not valid JSON: {error}") from None
    if not isinstance(request, dict):
        raise errors.bad_request(f"a request is a JSON object such as {example}")
    return request


def too_many() -> errors.ApiError:
    """Upstream's answer when its request budget is spent (the max-in-flight filter), with its retry hint."""
    return errors.ApiError(
        429,
        "TooManyRequests",
        "Too many requests, please try again later.",
        {"retryAfterSeconds": RETRY_AFTER_SECONDS},
    )


SERVE, REFUSE, CLOSE = "serve", "refuse", "close"


@dataclass
class FrameBudget:
    """A token bucket of frames: `spend()` says whether a frame is served, refused, or ends the socket.

    A refused frame costs a token too, so the balance goes negative while a client ignores the 429s; once it is a
    whole burst in debt, the socket is closed."""

    clock: Callable[[], float] = time.monotonic
    tokens: float = BURST
    last: float | None = None

    def spend(self) -> str:
        now = self.clock()
        if self.last is not None:
            self.tokens = min(BURST, self.tokens + (now - self.last) * FRAMES_PER_SECOND)
        self.last = now
        self.tokens -= 1
        if self.tokens >= 0:
            return SERVE
        return REFUSE if self.tokens >= -BURST else CLOSE


class RequestConsumer(AsyncWebsocketConsumer):
    """A page's WebSocket that answers requests: subclasses say what a request looks like (`request_example`) and
    carry it out (`perform`, returning the result's fields or raising ApiError)."""

    request_example = '{"id": 1, "action": ...}'
    frame_clock: Callable[[], float] = time.monotonic

    async def perform(self, request: dict) -> dict:
        raise NotImplementedError

    async def receive(self, text_data=None, bytes_data=None):
        if not hasattr(self, "frame_budget"):
            self.frame_budget = FrameBudget(clock=self.frame_clock)
        verdict = self.frame_budget.spend()
        request_id = None
        try:
            if verdict != SERVE:
                raise too_many()
            request = parse_request(text_data, bytes_data, self.request_example)
            request_id = request.get("id")
            reply = await self.perform(request)
            await self._send_json({"type": "result", "id": request_id, **reply})
        except errors.ApiError as error:
            await self._send_json({"type": "error", "id": request_id, "status": error.status()})
        except Exception:
            # A request nobody foresaw must not end the socket: it is refused as upstream refuses what it cannot
            # handle, and logged to be mended.
            logger.exception("request %r on %s failed", request_id, self.scope.get("path"))
            error = errors.ApiError(500, "InternalError", "Internal error occurred: the request could not be handled")
            await self._send_json({"type": "error", "id": request_id, "status": error.status()})
        if verdict == CLOSE:
            await self.close(code=POLICY_VIOLATION)

    async def _send_json(self, message: dict) -> None:
        await self.send(text_data=json.dumps(message, separators=(",", ":")))
