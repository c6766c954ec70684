"""The shape of the code (docs/architecture.md): the layers hold as import-linter
contracts, settings write nothing when imported, and a new part is one folder and one
line in INSTALLED_APPS."""

from __future__ import annotations

import importlib
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, clear_url_caches, reverse

from echoorg.web import data_folder

ROOT = Path(__file__).resolve().parent.parent
SECRET_VARIABLES = [s.variable for s in data_folder.SECRETS]


# -- the layers ---------------------------------------------------------------------------


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_broken_contract_fails_the_check(tmp_path):
    # The same checker, given a contract the code breaks, must say so (it is not a no-op).
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["echoorg"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "web imports nothing"\n'
        'type = "forbidden"\nsource_modules = ["echoorg.web"]\n'
        'forbidden_modules = ["echoorg.orgs"]\n'
    )
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


# -- settings write nothing ---------------------------------------------------------------


def _import_settings(data_dir: Path, cwd: Path, *, with_secrets: bool):
    env = {k: v for k, v in os.environ.items() if with_secrets or k not in SECRET_VARIABLES}
    env["ECHOORG_DATA_DIR"] = str(data_dir)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", "import echoorg.web.settings"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_importing_the_settings_writes_nothing(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    result = _import_settings(data_dir, tmp_path, with_secrets=True)
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == [data_dir]
    assert list(data_dir.iterdir()) == []


def test_settings_without_secrets_say_how_to_get_them_and_write_nothing(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    result = _import_settings(data_dir, tmp_path, with_secrets=False)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ECHOORG_SECRET_KEY is not set" in result.stderr
    assert list(data_dir.iterdir()) == []


def test_a_local_install_generates_its_secrets_once_before_django_starts(tmp_path, monkeypatch):
    monkeypatch.setenv("ECHOORG_DATA_DIR", str(tmp_path / "var"))
    for variable in SECRET_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    data_folder.prepare()
    names = {"secret_key", "encryption_keys", "receipt_secret", "audit_keys", "static"}
    assert {p.name for p in (tmp_path / "var").iterdir()} == names
    first = {v: data_folder.secret(v) for v in SECRET_VARIABLES}
    assert all(first.values())
    for item in data_folder.SECRETS:
        mode = (tmp_path / "var" / item.filename).stat().st_mode
        assert stat.S_IMODE(mode) == 0o600
    data_folder.prepare()  # again: nothing replaced
    assert {v: data_folder.secret(v) for v in SECRET_VARIABLES} == first
    assert {p.name for p in (tmp_path / "var").iterdir()} == names


def test_a_secret_in_the_environment_is_never_written(tmp_path, monkeypatch):
    monkeypatch.setenv("ECHOORG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ECHOORG_SECRET_KEY", "from-the-environment")
    data_folder.prepare()
    assert not (tmp_path / "secret_key").exists()
    assert data_folder.secret("ECHOORG_SECRET_KEY") == "from-the-environment"


# -- a new part is one folder and one line in settings ------------------------------------


def _reload_urls() -> None:
    import echoorg.web.urls

    importlib.reload(echoorg.web.urls)
    clear_url_caches()


@pytest.fixture
def new_part(settings):
    """tests/new_part installed, as a new part would be: one line in INSTALLED_APPS."""
    before = list(settings.INSTALLED_APPS)
    settings.INSTALLED_APPS = [*before, "tests.new_part"]
    _reload_urls()
    yield
    settings.INSTALLED_APPS = before
    _reload_urls()


def test_without_the_new_part_its_url_does_not_exist(org):
    with pytest.raises(NoReverseMatch):
        reverse("new_part_home", kwargs={"slug": org.slug})


def test_a_new_part_brings_its_page_and_its_navigation_link(new_part, org, make_person, client):
    client.force_login(make_person(org, "staff"))
    url = reverse("new_part_home", kwargs={"slug": org.slug})
    assert url == f"/o/{org.slug}/new-part/"
    assert client.get(url).content.decode() == f"The new part of {org.slug}."
    overview = client.get(reverse("organisation", kwargs={"slug": org.slug}))
    page = overview.content.decode()
    assert f'href="{url}"' in page and "New part" in page
    # Placed by its order (150): after the organisation's own links, before speak up (200).
    labels = [link["label"] for link in overview.context["nav_links"]]
    assert labels.index("Overview") < labels.index("New part") < labels.index("Speak up")


def test_the_pages_of_the_other_parts_still_resolve_with_a_new_part(new_part, org):
    assert reverse("concerns", kwargs={"slug": org.slug}) == f"/o/{org.slug}/concerns/"
    assert reverse("login") == "/login/"
    assert reverse("healthz") == "/healthz"


def test_a_new_part_loads_its_own_demo_data(new_part, monkeypatch):
    from echoorg.common.parts import DemoOutcome, demo_loaders
    from echoorg.web.management.commands import demo as demo_command
    from tests.new_part.demo import demo as new_part_demo

    loaders = demo_loaders()
    # After the apps it builds on (INSTALLED_APPS order): organisations come first.
    assert loaders[-1] is new_part_demo
    assert loaders[0].__module__ == "echoorg.orgs.demo"

    # The whole demo is loaded in test_demo_load.py; here the organisations' loader is
    # a stand-in, to see the new part's line printed before the logins.
    def organisations(seed: int) -> DemoOutcome:
        return DemoOutcome(["Loaded: the organisations."], ["", "Demo logins: ..."])

    monkeypatch.setattr(demo_command, "demo_loaders", lambda: [organisations, *loaders[-1:]])
    out = io.StringIO()
    call_command("demo", "--seed", "7", stdout=out)
    assert out.getvalue().splitlines() == [
        "Loaded: the organisations.",
        "Added the new part's demo data (seed 7).",
        "",
        "Demo logins: ...",
    ]


def test_the_demo_scale_reaches_the_loaders_that_take_it(monkeypatch):
    from echoorg.common.parts import DemoOutcome
    from echoorg.web.management.commands import demo as demo_command

    def growing(seed: int, scale: int = 1) -> DemoOutcome:
        return DemoOutcome([f"Grown {scale} times (seed {seed})."])

    def fixed(seed: int) -> DemoOutcome:
        return DemoOutcome([f"Usual size (seed {seed})."])

    monkeypatch.setattr(demo_command, "demo_loaders", lambda: [growing, fixed])
    out = io.StringIO()
    call_command("demo", "--seed", "7", "--scale", "3", stdout=out)
    assert out.getvalue().splitlines() == ["Grown 3 times (seed 7).", "Usual size (seed 7)."]
