"""The kube API's own ASGI entry: Django's request handling without the site's middleware.

The pages' middleware (sessions, locale, CSRF, messages, static files, ...) does nothing for a bearer-token API,
yet, being synchronous, each of it moves the request between the event loop and a thread, and Django's handler
starts a fresh thread per request for that (and joins it after), blocking the loop each time. At fifty writes a
second beside two hundred watch streams, those hand-overs, not the writes, were most of a request's latency. Here a
kube API request runs its async view straight on the loop, and its ORM work goes to the one thread Django keeps for
thread-sensitive code outside a request context, where the request signals also open and close its connection.
The kubeconfig page is a page (it reads the signed-in user) and keeps the full stack.
"""

import re

from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.exception import convert_exception_to_response

API_PATH = re.compile(r"^/k8s/clusters/[-a-zA-Z0-9_]+/(?:apis?|version|openapi)(?:/|$)")


class KubeApiHandler(ASGIHandler):
    """Django's ASGI handler with an empty middleware chain and no per-request thread."""

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response_async)

    async def __call__(self, scope, receive, send):
        await self.handle(scope, receive, send)


def with_kube_api(site):
    """An HTTP application sending kube API paths to the lean handler and everything else to `site`."""
    kube_api = KubeApiHandler()

    async def application(scope, receive, send):
        target = kube_api if API_PATH.match(scope["path"]) else site
        await target(scope, receive, send)

    return application
