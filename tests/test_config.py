"""The hook's table is validated in one pass; every problem is reported with its full TOML key."""

from __future__ import annotations

import pytest

from hatch_centrifugo_sdk.build.config import ConfigError, parse_config

PREFIX = "tool.hatch.build.hooks.centrifugo-sdk"


def problems(raw: dict) -> list[str]:
    with pytest.raises(ConfigError) as failure:
        parse_config(raw, project_name="svc", prefix=PREFIX)
    return failure.value.problems


def test_defaults() -> None:
    config = parse_config({"modules": ["svc.handlers"], "go": {"module": "github.com/acme/svc-sdk"}}, project_name="svc", prefix=PREFIX)
    assert config.languages == ("python", "typescript", "go")
    assert (config.output, config.verify, config.editable, config.version) == ("sdk", False, False, None)
    assert (config.lock, config.changelog, config.on_breaking) == ("sdk-api.lock.json", "SDK_CHANGELOG.md", "error")
    python, typescript, go = (config.options[name] for name in config.languages)
    assert (python.package, python.import_name) == ("svc-sdk", "svc_sdk")
    assert typescript.package == "svc-sdk"
    assert (go.module, go.package) == ("github.com/acme/svc-sdk", "svcsdk")


def test_every_problem_at_once_with_its_full_key() -> None:
    found = problems(
        {
            "modules": ["ok.module", "not a module", 3],
            "languages": ["python", "rust", "go"],
            "verify": "yes",
            "output": "",
            "on-breaking": "ignore",
            "python": {"package": "bad name!", "import-nme": "x"},
            "typescript": {"package": "@Scope/Upper"},
            "go": {"module": "not-a-path"},
            "surprise": 1,
        }
    )
    assert found == [
        f"{PREFIX}.modules[1]: 'not a module' is not a dotted module name",
        f"{PREFIX}.modules[2]: expected a string, got 3",
        f"{PREFIX}.output: expected a non-empty string, got ''",
        f"{PREFIX}.languages[1]: 'rust' is not one of 'python', 'typescript', 'go'",
        f'{PREFIX}.verify: expected true, false or "strict", got \'yes\'',
        f"{PREFIX}.on-breaking: 'ignore' is not \"error\" or \"warning\"",
        f"{PREFIX}.python.package: 'bad name!' is not a distribution name",
        f"{PREFIX}.python.import-nme: unknown key",
        f"{PREFIX}.typescript.package: '@Scope/Upper' is not an npm package name such as '@scope/name'",
        f"{PREFIX}.go.module: 'not-a-path' is not a Go module path such as 'github.com/acme/tasks-sdk' "
        '(or leave "go" out of languages)',
        f"{PREFIX}.surprise: unknown key",
    ]


def test_required_keys() -> None:
    assert problems({}) == [
        f"{PREFIX}.modules: required key is missing; list the modules whose import registers the handlers, "
        'e.g. modules = ["my_service.handlers"]',
        f"{PREFIX}.go.module: required key is missing; set it to a Go module path such as "
        "'github.com/acme/tasks-sdk' (or leave \"go\" out of languages)",
    ]
    assert problems({"modules": [], "languages": ["python"]}) == [
        f"{PREFIX}.modules: list at least one module that registers handlers"
    ]


def test_go_module_is_only_required_for_go() -> None:
    config = parse_config({"modules": ["m"], "languages": ["python", "typescript"]}, project_name="svc", prefix=PREFIX)
    assert "go" not in config.options and config.languages == ("python", "typescript")


def test_hatchlings_own_keys_are_accepted() -> None:
    raw = {
        "modules": ["m"],
        "languages": ["python"],
        "dependencies": ["extra-package"],
        "require-runtime-dependencies": True,
        "require-runtime-features": ["x"],
        "enable-by-default": True,
    }
    config = parse_config(raw, project_name="svc", prefix=PREFIX)
    assert config.extra == {k: raw[k] for k in raw if k not in ("modules", "languages")}


def test_a_target_table_is_named_by_its_own_key() -> None:
    prefix = "tool.hatch.build.targets.wheel.hooks.centrifugo-sdk"
    with pytest.raises(ConfigError) as failure:
        parse_config({"modules": ["m"], "languages": ["python", "python"]}, project_name="svc", prefix=prefix)
    assert failure.value.problems == [f"{prefix}.languages: each language may appear once"]


def test_max_params_bytes_defaults_to_one_mib_and_must_be_a_positive_whole_number() -> None:
    from hatch_centrifugo_sdk.build.config import ConfigError, parse_config

    prefix = "tool.hatch.build.hooks.centrifugo-sdk"
    base = {"modules": ["svc.handlers"], "languages": ["python"]}
    assert parse_config(base, project_name="svc", prefix=prefix).max_params_bytes == 1_048_576
    assert parse_config({**base, "max-params-bytes": 4096}, project_name="svc", prefix=prefix).max_params_bytes == 4096
    for bad in (0, -1, 1.5, "1MiB", True):
        with pytest.raises(ConfigError) as caught:
            parse_config({**base, "max-params-bytes": bad}, project_name="svc", prefix=prefix)
        assert caught.value.problems == [
            f"{prefix}.max-params-bytes: expected a positive whole number of bytes, got {bad!r}"
        ]


def test_the_import_time_limit() -> None:
    base = {"modules": ["m"], "languages": ["python"]}
    assert parse_config(base, project_name="svc", prefix=PREFIX).import_timeout == 120
    assert parse_config({**base, "import-timeout": 5}, project_name="svc", prefix=PREFIX).import_timeout == 5.0
    assert parse_config({**base, "import-timeout": 0.5}, project_name="svc", prefix=PREFIX).import_timeout == 0.5
    for bad in (0, -1, True, "60", float("inf"), float("nan")):
        assert problems({**base, "import-timeout": bad}) == [
            f"{PREFIX}.import-timeout: expected a number of seconds greater than 0, got {bad!r}"
        ]
