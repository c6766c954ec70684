from django.http import HttpRequest, HttpResponse
from django.urls import path


def home(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(f"The new part of {slug}.")


urlpatterns = [path("o/<slug:slug>/new-part/", home, name="new_part_home")]
