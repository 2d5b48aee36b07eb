app_name = "feeds"

# Calendar feeds under /feeds/: a private token is the credential.
urlpatterns: list = []
