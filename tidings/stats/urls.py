"""Under /studio/ (included before tidings.studio.urls): 数据中心 and 粉丝."""

from django.urls import path

from tidings.stats import views

urlpatterns = [
    path("data/", views.data, name="studio-data"),
    path("data/<slug:table>.csv", views.data_csv, name="studio-data-csv"),
    path("a/<int:pk>/data/", views.article_data, name="studio-article-data"),
    path("a/<int:pk>/data/<slug:table>.csv", views.article_data_csv, name="studio-article-data-csv"),
    path("fans/", views.fans, name="studio-fans"),
    path("fans/<slug:table>.csv", views.fans_csv, name="studio-fans-csv"),
]
