from django.urls import path

from tidings.comments import views

urlpatterns = [
    path("a/<int:pk>/comments/", views.comments_page, name="comments"),
    path("a/<int:pk>/comments/post/", views.post, name="comment-post"),
    path("a/<int:pk>/comments/section/", views.section, name="comments-section"),
    path("a/<int:pk>/comments/mode/", views.mode, name="comments-mode"),
    path("a/<int:pk>/comments/<int:cid>/", views.one, name="comment"),
    path("a/<int:pk>/comments/<int:cid>/vote/", views.vote, name="comment-vote"),
    path("a/<int:pk>/comments/<int:cid>/delete/", views.delete, name="comment-delete"),
    path("a/<int:pk>/comments/<int:cid>/pin/", views.pin, name="comment-pin"),
]
