from django.urls import path

from .consumers import ClassroomConsumer

websocket_urlpatterns = [
    path("ws/classrooms/<str:code>/", ClassroomConsumer.as_asgi()),
]
