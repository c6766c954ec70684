"""The site's URLs: the shell's own few, then each installed app's `urls` module and the
API with each app's router (echoorg.common.parts). No app is named here."""

from django.urls import include, path

from echoorg.common.parts import url_modules

from . import views
from .api import api

handler403 = "echoorg.web.views.error_403"
handler404 = "echoorg.web.views.error_404"
handler500 = "echoorg.web.views.error_500"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    *(path("", include(module)) for module in url_modules()),
    path("api/", api.urls),
]
