"""WebSocket routes: the diagram's list-then-watch stream of one cluster."""

from django.urls import path

from .classroom.routing import websocket_urlpatterns as classroom_websocket_urlpatterns
from .consumers import ClusterConsumer
from .terminal.consumers import TerminalConsumer

websocket_urlpatterns = [
    path("ws/clusters/<int:cluster_id>/", ClusterConsumer.as_asgi()),
    path("ws/clusters/<int:cluster_id>/terminal/", TerminalConsumer.as_asgi()),
    *classroom_websocket_urlpatterns,
]
