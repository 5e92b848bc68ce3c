"""Respondents' pages: the secret link, then the form, which is reached through the session only."""

from django.urls import path

from custodes.web.surveys.views import respond

app_name = "respond"

urlpatterns = [
    path("r/<str:token>/", respond.start, name="start"),
    path("respond/", respond.overview, name="overview"),
    path("respond/check/", respond.check, name="check"),
    path("respond/done/", respond.done, name="done"),
    path("respond/<slug:block_id>/", respond.block, name="block"),
]
