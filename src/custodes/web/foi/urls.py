from django.urls import path

from custodes.web.foi import views

app_name = "foi"

urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("<slug:name>/", views.campaign_detail, name="campaign"),
    path("<slug:name>/report/", views.report, name="report"),
    path("<slug:name>/send/", views.send, name="send"),
    path("<slug:name>/record-sent/", views.record_sent_view, name="record-sent"),
    path("<slug:name>/templates/", views.templates, name="templates"),
    path("<slug:name>/bodies/<slug:code>/", views.request_detail, name="request"),
    path("<slug:name>/bodies/<slug:code>/event/", views.event, name="event"),
    path("<slug:name>/bodies/<slug:code>/evidence/", views.evidence, name="evidence"),
    path("<slug:name>/bodies/<slug:code>/reply/", views.reply, name="reply"),
    path("<slug:name>/bodies/<slug:code>/attach/", views.attach, name="attach"),
    path("<slug:name>/bodies/<slug:code>/chase/", views.chase, name="chase"),
    path("<slug:name>/bodies/<slug:code>/review/", views.review, name="review"),
    path(
        "<slug:name>/bodies/<slug:code>/replies/<int:reply>/code/<str:qid>/",
        views.code_question,
        name="code",
    ),
    path(
        "<slug:name>/bodies/<slug:code>/replies/<int:reply>/correct/",
        views.correct,
        name="correct",
    ),
    path(
        "<slug:name>/bodies/<slug:code>/documents/<int:pk>/",
        views.document,
        name="document",
    ),
    path(
        "<slug:name>/bodies/<slug:code>/documents/<int:pk>/register/",
        views.register,
        name="register",
    ),
]
