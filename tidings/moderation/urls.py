from django.urls import path

from tidings.moderation import views

urlpatterns = [
    path("join/", views.join, name="join"),
    path("review/", views.queue, name="review"),
    path("review/applications/<int:pk>/", views.review_application, name="review-application"),
    path("review/articles/<int:pk>/", views.review_article, name="review-article"),
    path("review/edits/<int:pk>/", views.review_edit, name="review-edit"),
    path("review/reports/<int:pk>/", views.review_reports, name="review-reports"),
    path("review/originals/<int:pk>/", views.review_original, name="review-original"),
    path("review/comments/<int:pk>/", views.review_comment, name="review-comment"),
    path("a/<int:pk>/report/", views.report, name="report"),
    path("a/<int:pk>/comments/<int:cid>/report/", views.report_comment, name="report-comment"),
]
