"""WebSocket routes (the watch stream consumers)."""

websocket_urlpatterns = []
