"""Published assessments: public, no sign-in."""

from django.urls import path

from custodes.web.assessments import public_views

app_name = "sat-public"

urlpatterns = [
    path("sat/<slug:slug>/", public_views.page, name="page"),
    path("sat/<slug:slug>.json", public_views.raw, name="json"),
    path("sat/<slug:slug>.pdf", public_views.pdf, name="pdf"),
]
