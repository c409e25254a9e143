"""创作者指数: the creator's page in the studio and the editors' distribution."""

from django.urls import path

from tidings.creator_index import views

urlpatterns = [
    path("studio/index/", views.studio_index, name="studio-creator-index"),
    path("review/creators/index/", views.editors_index, name="review-creator-index"),
]
