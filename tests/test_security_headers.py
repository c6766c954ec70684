from __future__ import annotations

from django.test import Client


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_forms_are_protected_against_cross_site_requests(db, facilitator, org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(facilitator)
    response = client.post(f"/o/{org.slug}/units/", {"name": "Sneaky"})
    assert response.status_code == 403


def test_pages_name_no_other_host(login_as, facilitator, org, tree):
    client = login_as(facilitator)
    for url in ("/login/", f"/o/{org.slug}/", f"/o/{org.slug}/units/", "/account/"):
        html = client.get(url, follow=True).content.decode()
        for marker in ("http://", "https://", "//cdn", 'src="//'):
            assert marker not in html.replace("http://testserver", ""), (url, marker)


def test_healthz_reports_the_database(db, client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["database_vendor"] in ("sqlite", "postgresql")


def test_unknown_pages_get_a_helpful_not_found(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
