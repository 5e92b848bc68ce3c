app_name = "estate"

urlpatterns: list = []
