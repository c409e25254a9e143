from django.urls import path

from tidings.api import views as token_pages
from tidings.studio import views

urlpatterns = [
    path("", views.index, name="studio"),
    path("new/", views.new, name="studio-new"),
    path("autosave/", views.autosave, name="studio-autosave"),
    path("preview/", views.preview, name="studio-preview"),
    path("upload/", views.upload, name="studio-upload"),
    path("fetch-image/", views.fetch_image, name="studio-fetch-image"),
    path("tokens/", token_pages.tokens, name="studio-tokens"),
    path("tokens/<int:token_id>/revoke/", token_pages.token_revoke, name="studio-token-revoke"),
    path("a/<int:pk>/", views.edit, name="studio-edit"),
    path("a/<int:pk>/view/", views.view, name="studio-view"),
    path("a/<int:pk>/withdraw/", views.withdraw, name="studio-withdraw"),
    path("a/<int:pk>/delete/", views.delete, name="studio-delete"),
    path("a/<int:pk>/revisions/", views.revisions, name="studio-revisions"),
    path("a/<int:pk>/revisions/<int:number>/", views.revision, name="studio-revision"),
    path("a/<int:pk>/revisions/<int:number>/restore/", views.restore, name="studio-restore"),
]
