from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.views import audit_export, healthz
from operators.views import source_evidence

admin.site.site_header = "电信竞争情报库 Telecom Competition Intelligence"
admin.site.site_title = "Telecom CI"

# Under /api/ even Django's own refusals and an unexpected error answer the API's JSON error body.
handler400 = "core.api.errors.bad_request"
handler500 = "core.api.errors.server_error"

urlpatterns = [
    path("", RedirectView.as_view(url="/compare/", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("admin/audit.csv", audit_export, name="audit-export"),
    path("admin/evidence/<int:pk>/", source_evidence, name="source-evidence"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("compare/", include("competition.compare.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # A person opening the docs unauthenticated is sent to the login page, not shown a bare 403.
    path("api/docs/", login_required(SpectacularSwaggerView.as_view(url_name="schema")), name="swagger-ui"),
]

# Uploaded media (evidence files) is never served as public files, not even with DEBUG:
# /admin/evidence/<id>/ serves each one to staff who may view sources.
