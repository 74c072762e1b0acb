"""The hook's configuration table, parsed once; every error reported at once with its full key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

from ..runtime.errors import UserError
from ..runtime.limits import DEFAULT_MAX_PARAMS_BYTES
from . import targets
from .options import MODULE as _MODULE, OptionsContext, Reader
from .target import TargetOptions

PLUGIN_NAME = "centrifugo-sdk"

# The kinds of lint warning, as the `silence-warnings` key names them (see lint.py).
WARNING_KINDS = ("handler-docstring", "field-description", "unregistered-handler", "unsafe-integer")

# Keys hatchling itself reads from every build-hook table.
HATCHLING_KEYS = frozenset(
    {"dependencies", "require-runtime-dependencies", "require-runtime-features", "enable-by-default"}
)


class ConfigError(UserError, ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Config:
    modules: tuple[str, ...]
    output: str = "sdk"
    languages: tuple[str, ...] = field(default_factory=targets.default_languages)
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
    options: Mapping[str, TargetOptions] = field(default_factory=dict)  # each enabled target's, by name
    extra: Mapping[str, Any] = field(default_factory=dict)
    table: str = f"tool.hatch.build.hooks.{PLUGIN_NAME}"  # the TOML key it was read from, for messages


def parse_config(raw: Mapping[str, Any], *, project_name: str, prefix: str) -> Config:
    """Validate the hook table ``raw`` (found at TOML key ``prefix``) into a :class:`Config`."""
    problems: list[str] = []
    reader = Reader(raw, prefix, problems)

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
    names = targets.names()
    languages = reader.list_of_str("languages", default=list(targets.default_languages()), choices=names)
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

    langs = tuple(languages or ())
    # Every target's sub-table is validated, enabled or not, so a typo never hides.
    options: dict[str, TargetOptions] = {}
    for target in targets.TARGETS:
        sub = reader.table(target.name)
        parsed = target.parse_options(sub, OptionsContext(project_name, enabled=target.name in langs))
        sub.done()
        if target.name in langs:
            options[target.name] = parsed

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
        options={name: options[name] for name in langs},
        extra={k: raw[k] for k in HATCHLING_KEYS if k in raw},
        table=prefix,
    )
