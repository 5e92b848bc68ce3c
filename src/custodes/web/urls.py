"""URL map: respondents' pages, the watchdog's dashboard, reports, admin and API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from custodes.web.api import api

admin.site.site_header = "Custodes administration"
admin.site.site_title = "Custodes"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="surveys:dashboard", permanent=False)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("custodes.web.surveys.urls_respond")),
    path("rounds/", include("custodes.web.surveys.urls")),
    path("reports/", include("custodes.web.reports.urls")),
    path("estate/", include("custodes.web.estate.urls")),
    path("assessments/", include("custodes.web.assessments.urls")),
    path("foi/", include("custodes.web.foi.urls")),
    path("", include("custodes.web.assessments.urls_public")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
