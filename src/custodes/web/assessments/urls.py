"""The watchdog's assessment pages and a body's own (through its secret link)."""

from django.urls import path

from custodes.web.assessments import respond_views, views

app_name = "assessments"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("report/matrix.csv", views.report, {"fmt": "csv"}, name="report-csv"),
    path("report/matrix.json", views.report, {"fmt": "json"}, name="report-json"),
    path("bodies/<slug:code>/", views.body_detail, name="body"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("mine/", respond_views.mine, name="mine"),
    path("mine/<int:pk>/", respond_views.overview, name="own"),
    path("mine/<int:pk>/publish/", respond_views.publish, name="own-publish"),
    path(
        "mine/<int:pk>/principles/<int:number>/",
        respond_views.principle,
        name="own-principle",
    ),
    path("mine/<int:pk>/actions/<int:item>/", respond_views.action_status, name="own-action"),
    path("mine/<int:pk>/evidence/<int:item>/", respond_views.evidence_file, name="own-evidence"),
]
