"""API routes of the operators app."""

urlpatterns: list = []
