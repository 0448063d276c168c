from django.urls import path

from . import views

urlpatterns = [
    path("classroom/", views.front_door, name="classroom"),
    path("classroom/new/", views.new_classroom, name="classroom-new"),
    path("classroom/<str:code>/", views.room, name="classroom-room"),
]
