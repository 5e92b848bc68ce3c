"""Reports: the full report of a round and its open-data files."""

from django.urls import path

from custodes.web.reports import views

app_name = "reports"

urlpatterns = [
    path("<slug:name>/", views.report, name="report"),
    path("<slug:name>/findings.csv", views.findings_csv, name="findings-csv"),
    path("<slug:name>/findings.json", views.findings_json, name="findings-json"),
    path("<slug:name>/responses.csv", views.responses_csv, name="responses-csv"),
    path("<slug:name>/report.pdf", views.report_pdf, name="pdf"),
    path("<slug:name>/build/", views.build_report, name="build"),
    path("<slug:name>/builds/<int:job>/<str:filename>", views.build_file, name="build-file"),
]
