from django.urls import path

from tidings.notifications import views

urlpatterns = [
    path("", views.index, name="notifications"),
    # Before the tab pattern, which would take "read" and "settings" for tabs.
    path("read/", views.read_all, name="notifications-read-all"),
    path("settings/", views.save_settings, name="notifications-settings"),
    path("<int:pk>/read/", views.read, name="notification-read"),
    path("<slug:tab>/", views.index, name="notifications-tab"),
]
