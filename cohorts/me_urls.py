app_name = "me"

# A participant's own pages across organizers, under /me/.
urlpatterns: list = []
