"""The build's Django mode (``django-settings``): django.setup() before discovery, as the guide's
AppConfig.ready() registration needs; run as a developer runs `check` and a build runs the hook."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from builds import REPO
from stack import free_ports

from hatch_centrifugo_sdk.build.config import ConfigError, parse_config

PREFIX = "tool.hatch.build.hooks.centrifugo-sdk"
EXAMPLE = REPO / "django_example"

HANDLERS = '''
from pydantic import BaseModel, Field

from hatch_centrifugo_sdk import websocket_rpc
from notes.models import Note


class CountParams(BaseModel):
    owner: str = Field(description="Whose notes")


class CountResult(BaseModel):
    total: int = Field(description="How many")


@websocket_rpc("notes.count")
async def count_notes(conn, params: CountParams) -> CountResult:
    """Count a user's notes."""
    return CountResult(total=await Note.objects.filter(owner=params.owner).acount())
'''


def write_django_project(
    root: Path,
    *,
    table: str = 'django-settings = "site_cfg.settings"',
    installed: str = '"notes", "core"',
    ready: str = "from . import handlers  # noqa: F401",
    settings_extra: str = "",
) -> Path:
    files = {
        "pyproject.toml": f'[project]\nname = "notes"\nversion = "1.0.0"\n\n[{PREFIX}]\n{table}\nlanguages = ["python"]\n',
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cfg.settings")\n',
        "site_cfg/__init__.py": "",
        "site_cfg/settings.py": (
            f'SECRET_KEY = "x"\nINSTALLED_APPS = [{installed}]\nUSE_TZ = True\n'
            'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": __file__ + ".sqlite3"}}\n'
            f"{settings_extra}"
        ),
        "notes/__init__.py": "",
        "notes/models.py": "from django.db import models\n\n\nclass Note(models.Model):\n    owner = models.CharField(max_length=50)\n",
        "core/__init__.py": "",
        "core/apps.py": (
            "from django.apps import AppConfig\n\n\nclass CoreConfig(AppConfig):\n    name = 'core'\n\n"
            f"    def ready(self):\n        {ready}\n"
        ),
        "core/handlers.py": textwrap.dedent(HANDLERS).lstrip(),
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def check(project: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "hatch_centrifugo_sdk", "check", "--project", str(project)],
        capture_output=True, text=True, env={**environ, **env}, timeout=120,
    )


def one_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0][len("error: "):]


def test_config_key_makes_modules_optional() -> None:
    config = parse_config({"django-settings": "mysite.settings", "languages": ["python"]}, project_name="s", prefix=PREFIX)
    assert (config.django_settings, config.modules) == ("mysite.settings", ())
    config = parse_config(
        {"django-settings": "mysite.settings", "modules": ["extra.handlers"], "languages": ["python"]},
        project_name="s", prefix=PREFIX,
    )
    assert config.modules == ("extra.handlers",)
    with pytest.raises(ConfigError) as caught:
        parse_config({"django-settings": "my site", "languages": ["python"]}, project_name="s", prefix=PREFIX)
    assert caught.value.problems == [
        f"{PREFIX}.django-settings: 'my site' is not a dotted settings module such as 'mysite.settings'"
    ]


def test_check_registers_what_ready_imports_and_writes_no_database(tmp_path: Path) -> None:
    project = write_django_project(tmp_path)
    done = check(project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "1 handlers in the apps of site_cfg.settings: no errors, 0 warnings"
    assert not list(tmp_path.rglob("*.sqlite3"))


def test_without_the_key_the_fix_names_it(tmp_path: Path) -> None:
    project = write_django_project(tmp_path, table='modules = ["core.handlers"]')
    message = one_error(check(project))
    assert message.startswith(f"{project / 'notes' / 'models.py'}:4: importing handler module 'core.handlers': ")
    assert "ImproperlyConfigured: Requested setting INSTALLED_APPS, but settings are not configured" in message
    assert message.endswith(
        'fix: set django-settings = "site_cfg.settings" in the hook\'s table: the build then runs django.setup() '
        "before importing, and every AppConfig.ready() registers its handlers as in the service"
    )
    # With DJANGO_SETTINGS_MODULE set but no django.setup(): the app registry is not loaded.
    message = one_error(check(project, DJANGO_SETTINGS_MODULE="site_cfg.settings"))
    assert "AppRegistryNotReady: Apps aren't loaded yet." in message
    assert 'fix: set django-settings = "site_cfg.settings"' in message


def test_a_settings_module_that_is_not_there(tmp_path: Path) -> None:
    project = write_django_project(tmp_path, table='django-settings = "site_cfg.setings"')
    assert one_error(check(project)) == (
        f"{project / 'pyproject.toml'}:6: django-settings 'site_cfg.setings': the settings module cannot be found "
        f"(looked in {project} and {project / 'src'}); fix: set django-settings to the module manage.py names in "
        "DJANGO_SETTINGS_MODULE (here: 'site_cfg.settings')"
    )


def test_a_settings_module_that_does_not_import(tmp_path: Path) -> None:
    project = write_django_project(tmp_path, settings_extra='import os\nHOST = os.environ["DB_HOST"]\n')
    message = one_error(check(project))
    assert message.startswith(
        f"{project / 'site_cfg' / 'settings.py'}:6: importing django-settings module 'site_cfg.settings': "
        "KeyError: 'DB_HOST'; fix: make the settings module importable in the build environment"
    )


def test_an_app_whose_ready_raises(tmp_path: Path) -> None:
    project = write_django_project(tmp_path, ready='raise RuntimeError("needs REDIS_URL")')
    assert one_error(check(project)) == (
        f"{project / 'core' / 'apps.py'}:8: AppConfig.ready() of app 'core' (CoreConfig): RuntimeError: needs "
        "REDIS_URL; fix: make ready() succeed without a database, network or the service's environment: the build "
        "runs django.setup() to collect the handlers ready() registers"
    )


def test_an_app_missing_from_installed_apps(tmp_path: Path) -> None:
    project = write_django_project(tmp_path, installed='"core"')
    assert one_error(check(project)) == (
        f"{project / 'core' / 'handlers.py'}:4: model notes.models.Note: it is imported while its app 'notes' is "
        f"not in INSTALLED_APPS; fix: add 'notes' to INSTALLED_APPS in {project / 'site_cfg' / 'settings.py'}"
    )


def test_an_installed_app_that_does_not_import(tmp_path: Path) -> None:
    project = write_django_project(tmp_path, installed='"notes", "core", "nottes"')
    message = one_error(check(project))
    assert message.startswith(
        f"{project / 'site_cfg' / 'settings.py'}:2: INSTALLED_APPS entry 'nottes' in settings.py: "
        "ModuleNotFoundError: No module named 'nottes'; fix: correct the entry"
    )


def test_a_query_during_setup_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    project = write_django_project(
        tmp_path, ready="from notes.models import Note; Note.objects.count(); from . import handlers  # noqa"
    )
    assert one_error(check(project)) == (
        f"{project / 'core' / 'apps.py'}:8: AppConfig.ready() of app 'core' (CoreConfig): the build refused to "
        "connect to database 'default': run queries in handlers, not at import or in AppConfig.ready(); fix: make "
        "ready() succeed without a database, network or the service's environment: the build runs django.setup() "
        "to collect the handlers ready() registers"
    )
    assert not list(tmp_path.rglob("*.sqlite3"))


def test_the_example_builds_against_an_unreachable_postgresql(tmp_path: Path) -> None:
    """A real build (hatchling and the hook, in this environment, which has psycopg) of the Django
    example whose database is a PostgreSQL server nobody listens on."""
    project = tmp_path / "example"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("dist", "*.sqlite3", "__pycache__", ".pytest_cache"))
    (closed_port,) = free_ports(1)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(POSTGRES_HOST="127.0.0.1", POSTGRES_PORT=str(closed_port), SOURCE_DATE_EPOCH="1700000000")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(project / "dist")],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    sdk = project / "dist" / "sdk"
    assert sorted(p.name for p in sdk.iterdir() if not p.name.startswith(".")) == [
        "api.json", "asyncapi.json", "django_todo_sdk-1.0.0-py3-none-any.whl", "example-django-todo-sdk-1.0.0.tgz",
        "go-todosdk-v1.0.0", "sdk-manifest.json",
    ]
    assert '"tasks.get_stats"' in (sdk / "api.json").read_text()
    assert not list(project.rglob("*.sqlite3"))

    # The settings module is part of the sources a rebuild is keyed on: without the app whose
    # ready() registers the handlers, the rebuild runs again (and finds none) instead of reusing.
    settings = project / "mysite" / "settings.py"
    settings.write_text(settings.read_text().replace('    "core",\n', ""))
    again = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(project / "dist")],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )
    assert again.returncode != 0
    assert (
        "modules: the handler modules: django.setup() with 'mysite.settings' registered no @websocket_rpc handler; "
        "fix: import the handler modules in an AppConfig.ready() or list them in modules"
    ) in again.stdout + again.stderr
