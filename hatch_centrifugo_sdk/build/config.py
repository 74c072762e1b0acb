"""The hook's configuration table, parsed once; every error reported at once with its full key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

from ..runtime.errors import UserError
from ..runtime.limits import DEFAULT_MAX_PARAMS_BYTES
from .metadata import MetadataOverrides
from .naming import snake
from .render import LANGUAGES

PLUGIN_NAME = "centrifugo-sdk"

# The kinds of lint warning, as the `silence-warnings` key names them (see lint.py).
WARNING_KINDS = ("handler-docstring", "field-description", "unregistered-handler")

# Keys hatchling itself reads from every build-hook table.
HATCHLING_KEYS = frozenset(
    {"dependencies", "require-runtime-dependencies", "require-runtime-features", "enable-by-default"}
)

_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_DIST_NAME = re.compile(r"^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$")
_NPM_NAME = re.compile(r"^(@[a-z0-9-~][a-z0-9-._~]*/)?[a-z0-9-~][a-z0-9-._~]*$")
_GO_MODULE = re.compile(r"^[a-z0-9.-]+\.[a-z]{2,}(/[A-Za-z0-9._~-]+)+$")
_GO_PACKAGE = re.compile(r"^[a-z][a-z0-9]*$")
_URL = re.compile(r"^https?://\S+$")


class ConfigError(UserError, ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class PythonOptions:
    package: str
    import_name: str
    version: str | None = None
    metadata: MetadataOverrides = MetadataOverrides()  # description, licence, links for registries


@dataclass(frozen=True)
class TypeScriptOptions:
    package: str
    version: str | None = None
    metadata: MetadataOverrides = MetadataOverrides()  # description, licence, links for registries


@dataclass(frozen=True)
class GoOptions:
    module: str
    package: str
    version: str | None = None
    metadata: MetadataOverrides = MetadataOverrides()  # description, licence, links for registries


@dataclass(frozen=True)
class Config:
    modules: tuple[str, ...]
    output: str = "sdk"
    languages: tuple[str, ...] = LANGUAGES
    version: str | None = None
    verify: bool | str = False  # True, False or "strict" (a missing toolchain fails the build)
    lock: str | None = "sdk-api.lock.json"  # the last release's API, next to pyproject.toml; None: no check
    changelog: str | None = "SDK_CHANGELOG.md"
    on_breaking: Literal["error", "warning"] = "error"
    editable: bool = False
    max_params_bytes: int = DEFAULT_MAX_PARAMS_BYTES  # largest params an SDK sends; see limits.py
    django_settings: str | None = None  # run django.setup() with this settings module before importing
    import_timeout: float = 120.0  # seconds each handler module may take to import
    silence_warnings: tuple[str, ...] = ()  # lint warning kinds not to print (WARNING_KINDS)
    python: PythonOptions | None = None
    typescript: TypeScriptOptions | None = None
    go: GoOptions | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    table: str = f"tool.hatch.build.hooks.{PLUGIN_NAME}"  # the TOML key it was read from, for messages


def parse_config(raw: Mapping[str, Any], *, project_name: str, prefix: str) -> Config:
    """Validate the hook table ``raw`` (found at TOML key ``prefix``) into a :class:`Config`."""
    problems: list[str] = []
    reader = _Reader(raw, prefix, problems)

    modules = reader.list_of_str("modules", pattern=_MODULE, what="a dotted module name")
    django_settings = reader.text("django-settings", pattern=_MODULE, what="a dotted settings module such as 'mysite.settings'")
    # With django-settings, what the apps' ready() register is the API; modules may add to it.
    needs_modules = "django-settings" not in reader.raw
    if modules is None and needs_modules:
        problems.append(
            f"{prefix}.modules: required key is missing; list the modules whose import registers the handlers, "
            'e.g. modules = ["my_service.handlers"]'
        )
    elif modules == [] and needs_modules:
        problems.append(f"{prefix}.modules: list at least one module that registers handlers")
    output = reader.text("output", default="sdk")
    languages = reader.list_of_str("languages", default=list(LANGUAGES), choices=LANGUAGES)
    if languages is not None and len(set(languages)) != len(languages):
        problems.append(f"{prefix}.languages: each language may appear once")
    version = reader.text("version")
    verify = reader.verify_mode("verify")
    lock = reader.path_or_false("lock", default="sdk-api.lock.json")
    changelog = reader.path_or_false("changelog", default="SDK_CHANGELOG.md")
    on_breaking = reader.text("on-breaking", default="error", pattern=re.compile(r"^(error|warning)$"), what='"error" or "warning"')
    editable = reader.flag("editable", default=False)
    max_params_bytes = reader.positive_int("max-params-bytes", default=DEFAULT_MAX_PARAMS_BYTES)
    import_timeout = reader.seconds("import-timeout", default=120.0)
    silence = reader.list_of_str("silence-warnings", default=[], choices=WARNING_KINDS)

    default_pkg = f"{project_name}-sdk"
    langs = tuple(languages or ())
    # Every sub-table is validated, enabled or not, so a typo never hides.
    sub = reader.table("python")
    py_package = sub.text("package", default=default_pkg, pattern=_DIST_NAME, what="a distribution name")
    python = PythonOptions(
        package=py_package,
        import_name=sub.text("import-name", default=snake(py_package), pattern=_MODULE, what="a Python import name"),
        version=sub.text("version"),
        metadata=_metadata_overrides(sub),
    )
    sub.done()
    sub = reader.table("typescript")
    typescript = TypeScriptOptions(
        package=sub.text(
            "package", default=default_pkg.lower(), pattern=_NPM_NAME, what="an npm package name such as '@scope/name'"
        ),
        version=sub.text("version"),
        metadata=_metadata_overrides(sub),
    )
    sub.done()
    sub = reader.table("go")
    module = sub.text(
        "module",
        required="go" in langs,
        pattern=_GO_MODULE,
        what="a Go module path such as 'github.com/acme/tasks-sdk' (or leave \"go\" out of languages)",
    )
    go = GoOptions(
        module=module or "",
        package=sub.text("package", default=_go_package_name(module or ""), pattern=_GO_PACKAGE, what="a lower-case Go package name"),
        version=sub.text("version"),
        metadata=_metadata_overrides(sub),
    )
    sub.done()

    reader.done(extra_allowed=HATCHLING_KEYS)
    if problems:
        raise ConfigError(problems)
    return Config(
        modules=tuple(modules or ()),
        output=output or "sdk",
        languages=langs,
        version=version,
        verify=verify,
        lock=lock,
        changelog=changelog,
        on_breaking=on_breaking,
        editable=bool(editable),
        max_params_bytes=max_params_bytes,
        django_settings=django_settings,
        import_timeout=import_timeout,
        silence_warnings=tuple(silence or ()),
        python=python if "python" in langs else None,
        typescript=typescript if "typescript" in langs else None,
        go=go if "go" in langs else None,
        extra={k: raw[k] for k in HATCHLING_KEYS if k in raw},
        table=prefix,
    )


def _metadata_overrides(sub: _Reader) -> MetadataOverrides:
    """One SDK's replacements for the service's [project] metadata."""
    keywords = sub.list_of_str("keywords")
    return MetadataOverrides(
        description=sub.text("description"),
        license=sub.text("license"),
        keywords=tuple(keywords) if keywords is not None else None,
        homepage=sub.text("homepage", pattern=_URL, what="an http(s) URL"),
        repository=sub.text("repository", pattern=_URL, what="an http(s) URL"),
    )


def _go_package_name(module: str) -> str:
    """The module path's last element (before any /vN), reduced to a Go package name."""
    parts = [p for p in module.split("/") if p]
    if len(parts) > 1 and re.fullmatch(r"v[0-9]+", parts[-1]):
        parts.pop()
    name = re.sub(r"[^a-z0-9]", "", parts[-1].lower()) if parts else ""
    if not name:
        return "sdk"
    return f"sdk{name}" if name[0].isdigit() else name


class _Reader:
    """Reads typed keys from one table, recording problems with full TOML keys."""

    def __init__(self, raw: Any, prefix: str, problems: list[str]) -> None:
        self.prefix = prefix
        self.problems = problems
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            problems.append(f"{prefix}: expected a table, got {type(raw).__name__}")
            raw = {}
        self.raw = raw
        self.seen: set[str] = set()

    def _get(self, key: str, required: bool) -> Any:
        self.seen.add(key)
        if key not in self.raw:
            if required:
                self.problems.append(f"{self.prefix}.{key}: required key is missing")
            return None
        return self.raw[key]

    def text(self, key: str, *, default: Any = None, required: bool = False, pattern: re.Pattern[str] | None = None, what: str = "") -> Any:
        value = self._get(key, False)
        if value is None:
            if required:
                self.problems.append(f"{self.prefix}.{key}: required key is missing; set it to {what}")
            return default
        if not isinstance(value, str) or not value:
            self.problems.append(f"{self.prefix}.{key}: expected a non-empty string, got {value!r}")
            return default
        if pattern is not None and not pattern.match(value):
            self.problems.append(f"{self.prefix}.{key}: {value!r} is not {what}")
            return default
        return value

    def flag(self, key: str, *, default: bool) -> bool:
        value = self._get(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problems.append(f"{self.prefix}.{key}: expected true or false, got {value!r}")
            return default
        return value

    def positive_int(self, key: str, *, default: int) -> int:
        value = self._get(key, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.problems.append(f"{self.prefix}.{key}: expected a positive whole number of bytes, got {value!r}")
            return default
        return value
    def seconds(self, key: str, *, default: float) -> float:
        value = self._get(key, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < float("inf"):
            self.problems.append(f"{self.prefix}.{key}: expected a number of seconds greater than 0, got {value!r}")
            return default
        return float(value)

    def path_or_false(self, key: str, *, default: str) -> str | None:
        value = self._get(key, False)
        if value is None or value is True:
            return default
        if value is False:
            return None
        if not isinstance(value, str) or not value:
            self.problems.append(f"{self.prefix}.{key}: expected a relative file path or false, got {value!r}")
            return default
        return value

    def verify_mode(self, key: str) -> bool | str:
        value = self._get(key, False)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if value == "strict":
            return "strict"
        self.problems.append(f'{self.prefix}.{key}: expected true, false or "strict", got {value!r}')
        return False

    def list_of_str(
        self,
        key: str,
        *,
        default: list[str] | None = None,
        required: bool = False,
        pattern: re.Pattern[str] | None = None,
        what: str = "",
        choices: tuple[str, ...] | None = None,
    ) -> list[str] | None:
        value = self._get(key, required)
        if value is None:
            return default
        if not isinstance(value, list):
            self.problems.append(f"{self.prefix}.{key}: expected a list of strings, got {value!r}")
            return default
        good = []
        for i, item in enumerate(value):
            where = f"{self.prefix}.{key}[{i}]"
            if not isinstance(item, str):
                self.problems.append(f"{where}: expected a string, got {item!r}")
            elif choices is not None and item not in choices:
                self.problems.append(f"{where}: {item!r} is not one of {', '.join(map(repr, choices))}")
            elif pattern is not None and not pattern.match(item):
                self.problems.append(f"{where}: {item!r} is not {what}")
            else:
                good.append(item)
        return good

    def table(self, key: str) -> _Reader:
        self.seen.add(key)
        return _Reader(self.raw.get(key), f"{self.prefix}.{key}", self.problems)

    def done(self, extra_allowed: frozenset[str] = frozenset()) -> None:
        for key in sorted(set(self.raw) - self.seen - extra_allowed):
            self.problems.append(f"{self.prefix}.{key}: unknown key")
