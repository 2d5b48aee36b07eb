from django.urls import path

from . import views

app_name = "privacy"

# Mounted under /me/ by config/urls.py.
urlpatterns = [
    path("data/", views.my_data, name="my_data"),
    path("data.json", views.my_data_json, name="my_data_json"),
    path("delete/", views.delete_account, name="delete_account"),
]
