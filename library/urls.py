from django.urls import path

from . import views

app_name = "library"

# Mounted under /<organizer_slug>/library/ by config/urls.py.
urlpatterns = [
    path("", views.library_index, name="index"),
    path("mine/", views.my_library, name="my_library"),
    path("propose/", views.propose_resource, name="propose"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:resource_id>/", views.review_decide, name="review_decide"),
    path("r/<int:resource_id>/", views.resource_detail, name="resource_detail"),
    path("r/<int:resource_id>/download/", views.resource_download, name="resource_download"),
    path("r/<int:resource_id>/bookmark/", views.resource_bookmark, name="resource_bookmark"),
    path("collections/<int:collection_id>/", views.collection_detail, name="collection_detail"),
]
