from django.urls import path

from custodes.web.surveys.views import dashboard

app_name = "surveys"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("<slug:name>/", dashboard.round_detail, name="round"),
    path("<slug:name>/send/", dashboard.send, name="send"),
    path("<slug:name>/emails/", dashboard.email_text, name="email-text"),
    path("<slug:name>/reminders/", dashboard.reminder_schedule, name="reminder-schedule"),
    path("<slug:name>/bodies/<slug:code>/", dashboard.body_detail, name="body"),
    path("<slug:name>/bodies/<slug:code>/correct/", dashboard.correct, name="correct"),
    path("<slug:name>/bodies/<slug:code>/reopen/", dashboard.reopen, name="reopen"),
    path("<slug:name>/bodies/<slug:code>/link/", dashboard.issue_link, name="issue-link"),
    path("<slug:name>/bodies/<slug:code>/revoke/", dashboard.revoke_link, name="revoke-link"),
]
