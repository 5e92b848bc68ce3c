from django.urls import path

from custodes.web.estate import views

app_name = "estate"

urlpatterns = [
    path("", views.national, name="national"),
    path("export/", views.export, name="export"),
    path("bodies/<slug:code>/", views.body_register, name="body"),
    path("rounds/<slug:name>/discrepancies/", views.discrepancies, name="discrepancies"),
    path("my-register/", views.own_register, name="own-register"),
]
