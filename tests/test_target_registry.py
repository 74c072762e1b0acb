"""A language is one entry in ``targets.TARGETS``: a target added there and nowhere else is read
from the config, checked for name collisions and built by the pipeline."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import create_model

from builds import copy_sample
from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.build import targets
from hatch_centrifugo_sdk.build.config import PLUGIN_NAME, ConfigError, parse_config
from hatch_centrifugo_sdk.build.discovery import check_method_names
from hatch_centrifugo_sdk.build.metadata import MetadataOverrides
from hatch_centrifugo_sdk.build.options import OptionsContext, Reader, metadata_overrides
from hatch_centrifugo_sdk.build.pipeline import Artifact, Project, check_type_names, generate
from hatch_centrifugo_sdk.build.render import SdkInfo
from hatch_centrifugo_sdk.build.target import Target
from hatch_centrifugo_sdk.ir import Api
from hatch_centrifugo_sdk.ir.parser import parse_api
from hatch_centrifugo_sdk.runtime.registry import HandlerDefinitionError

PREFIX = f"tool.hatch.build.hooks.{PLUGIN_NAME}"


@dataclass(frozen=True)
class FakeOptions:
    greeting: str
    version: str | None = None
    metadata: MetadataOverrides = MetadataOverrides()


def _parse(sub: Reader, context: OptionsContext) -> FakeOptions:
    return FakeOptions(
        greeting=sub.text("greeting", default=f"hello {context.project_name}", required=context.enabled, what="a greeting"),
        version=sub.text("version"),
        metadata=metadata_overrides(sub),
    )


def _render(api: Api, sdk: SdkInfo[FakeOptions]) -> dict[str, str]:
    return {
        "hello.txt": f"{sdk.options.greeting} {sdk.version} {api.hash}\n",
        "methods.txt": "".join(f"{m.name}\n" for m in api.methods),
    }


def _package(files: Any, out: Path) -> Path:
    out.mkdir(parents=True)
    path = out / "fake.txt"
    path.write_text("".join(files[name] for name in sorted(files)))
    return path


VERIFIED: list[tuple[str, str]] = []  # (the artifact as verified, the options it was verified with)

FAKE = Target[FakeOptions](
    name="fake",
    default_enabled=False,
    parse_options=_parse,
    sdk_version=lambda pep440: f"{pep440}-fake",
    type_name=lambda name: name.rstrip("0123456789"),  # Item1 and Item2 collide here only
    method_name=lambda wire: wire.replace(".", ""),  # a.bc and ab.c collide here only
    reserved=frozenset(),
    render=_render,
    package=_package,
    verify=lambda artifact, sdk: VERIFIED.append((artifact.read_text(), sdk.options.greeting)),
    checks="reading it back",
    published_name=lambda options: f"fake:{options.greeting}",
    artifact_dir=lambda sdk, out: out / f"fake-{sdk.version}",
)


@pytest.fixture
def fake_target(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(targets, "TARGETS", (*targets.TARGETS, FAKE))


@pytest.mark.usefixtures("fake_target")
def test_the_config_reads_a_new_targets_table_and_its_language_but_does_not_build_it_by_default() -> None:
    go = {"module": "example.com/acme/svc"}
    config = parse_config({"modules": ["m"], "go": go}, project_name="svc", prefix=PREFIX)
    assert config.languages == ("python", "typescript", "go")  # what 1.0 built, not one more
    config = parse_config({"modules": ["m"], "languages": ["fake"], "fake": {"greeting": "hi"}}, project_name="svc", prefix=PREFIX)
    assert config.languages == ("fake",) and config.options == {"fake": FakeOptions("hi")}
    with pytest.raises(ConfigError) as failure:  # disabled or not, its table is validated
        parse_config({"modules": ["m"], "go": go, "fake": {"greting": "hi"}}, project_name="svc", prefix=PREFIX)
    assert failure.value.problems == [f"{PREFIX}.fake.greting: unknown key"]
    with pytest.raises(ConfigError) as failure:
        parse_config({"modules": ["m"], "languages": ["fake"]}, project_name="svc", prefix=PREFIX)
    assert failure.value.problems == [f"{PREFIX}.fake.greeting: required key is missing; set it to a greeting"]


def test_without_the_entry_the_language_is_unknown() -> None:
    with pytest.raises(ConfigError) as failure:
        parse_config({"modules": ["m"], "languages": ["fake"]}, project_name="svc", prefix=PREFIX)
    assert failure.value.problems == [f"{PREFIX}.languages[0]: 'fake' is not one of 'python', 'typescript', 'go'"]


def _registry(*methods: str) -> Registry:
    registry = Registry()
    params, result = create_model("Item1", value=(int, 0)), create_model("Item2", value=(int, 0))
    for method in methods:
        async def handler(conn: Any, p: Any) -> Any:
            return p

        handler.__annotations__ = {"p": params, "return": result}
        registry.rpc(method)(handler)
    return registry


def test_the_collision_checks_apply_a_new_targets_naming_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    handlers = list(_registry("a.bc", "ab.c"))
    api = parse_api(_registry("a.bc"))
    check_method_names(handlers)  # the three SDKs tell them apart
    check_type_names(api, ("python", "typescript", "go"))
    monkeypatch.setattr(targets, "TARGETS", (*targets.TARGETS, FAKE))
    with pytest.raises(HandlerDefinitionError, match="the fake SDK would name it 'abc', like 'a.bc'"):
        check_method_names(handlers)  # for every target, enabled or not
    with pytest.raises(HandlerDefinitionError, match="both types map to the fake name 'Item'"):
        check_type_names(api, ("fake",))


@pytest.mark.usefixtures("fake_target")
def test_the_pipeline_renders_packages_places_and_verifies_a_new_target(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "sample_service")
    raw = {"modules": ["sample_service.handlers.tasks", "sample_service.handlers.todos"], "languages": ["fake"], "fake": {"greeting": "hi"},
           "lock": False, "changelog": False, "verify": True}
    config = parse_config(raw, project_name="sample-service", prefix=PREFIX)
    said: list[str] = []
    VERIFIED.clear()
    out = tmp_path / "sdk"
    artifacts = generate(Project(project, "sample-service", "1.2.0"), config, out, info=said.append)
    api = json.loads((out / "api.json").read_text())
    path = out / "fake-1.2.0-fake" / "fake.txt"
    text = path.read_text()
    assert text.startswith(f"hi 1.2.0-fake {api['api_hash']}\n") and "tasks.create\n" in text
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert artifacts == [Artifact("fake", "fake-1.2.0-fake/fake.txt", "fake:hi", "1.2.0-fake", sha)]
    manifest = json.loads((out / "sdk-manifest.json").read_text())
    assert manifest["artifacts"] == [
        {"language": "fake", "path": "fake-1.2.0-fake/fake.txt", "package": "fake:hi", "version": "1.2.0-fake", "sha256": sha}
    ]
    assert VERIFIED == [(text, "hi")]  # before publishing (in the staging folder)
    assert "verifying the fake SDK (reading it back)" in said
