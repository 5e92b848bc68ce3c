from django.urls import path

from custodes.web.estate import upload_views, views

app_name = "estate"

urlpatterns = [
    path("", views.national, name="national"),
    path("export/", views.export, name="export"),
    path("bodies/<slug:code>/", views.body_register, name="body"),
    path("bodies/<slug:code>/assets/<path:asset_id>/", views.asset_detail, name="asset"),
    path("rounds/<slug:name>/discrepancies/", views.discrepancies, name="discrepancies"),
    path("my-register/", views.own_register, name="own-register"),
    path(
        "bodies/<slug:code>/captures/",
        upload_views.body_capture_upload,
        name="body-capture-upload",
    ),
    path("bodies/<slug:code>/captures/<int:pk>/", upload_views.body_capture, name="body-capture"),
    path("my-register/captures/", upload_views.own_capture_upload, name="own-capture-upload"),
    path("my-register/captures/<int:pk>/", upload_views.own_capture, name="own-capture"),
]
