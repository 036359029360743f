"""API routes of the competition app."""

urlpatterns: list = []
