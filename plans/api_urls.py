"""API routes of the plans app."""

urlpatterns: list = []
