"""`verify = true`: the toolchains check the packaged SDKs at build time, and can say no."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from hatch_centrifugo_sdk.build.pipeline import render_and_package
from hatch_centrifugo_sdk.ir.parser import parse_api
from hatch_centrifugo_sdk.build.targets.typescript.package import pack_tarball
from hatch_centrifugo_sdk.build.render import SdkInfo
from hatch_centrifugo_sdk.build.targets.python.options import PythonOptions
from hatch_centrifugo_sdk.build.targets.typescript.options import TypeScriptOptions
from hatch_centrifugo_sdk.build.targets.go.options import GoOptions
from hatch_centrifugo_sdk.build.targets.typescript import render as ts_renderer
from hatch_centrifugo_sdk.build.verify import VerificationError, verify
from tests.fixtures.kitchen_sink import registry

API = parse_api(registry)
INFOS = {
    "python": SdkInfo("kitchen-sink", "1.0.0", API.hash, "1.0.0", PythonOptions("kitchen-sink-sdk", "kitchen_sink_sdk")),
    "typescript": SdkInfo("kitchen-sink", "1.0.0", API.hash, "1.0.0", TypeScriptOptions("@kitchen/sink-sdk")),
    "go": SdkInfo("kitchen-sink", "1.0.0", API.hash, "1.0.0", GoOptions("example.com/kitchen/sinksdk", "sinksdk")),
}


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("sdk")
    return {a.language: out / a.path for a in render_and_package(API, INFOS, out, lambda _: None)}


def _fail(message: str) -> None:
    raise AssertionError(f"unexpected warning: {message}")


@pytest.mark.parametrize("language", ["python", "typescript", "go"])
def test_generated_sdks_pass_verification(packaged: dict[str, Path], language: str) -> None:
    verify(language, packaged[language], INFOS[language], strict=True, warn=_fail)


def test_a_go_vet_finding_fails_verification(packaged: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "go"
    broken.mkdir()
    for f in packaged["go"].iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    (broken / "bad.go").write_text('package sinksdk\n\nimport "fmt"\n\nfunc bad() { fmt.Printf("%d", "x") }\n')
    with pytest.raises(VerificationError, match="go vet failed"):
        verify("go", broken, INFOS["go"], strict=True, warn=_fail)


def test_a_type_error_in_the_declarations_fails_verification(tmp_path: Path) -> None:
    files = ts_renderer.render(API, INFOS["typescript"])
    files["index.d.ts"] += "export declare const broken: number = 'not a number';\n"
    tarball = pack_tarball(files, tmp_path)
    with pytest.raises(VerificationError, match="tsc --strict failed"):
        verify("typescript", tarball, INFOS["typescript"], strict=True, warn=_fail)


def test_a_syntax_error_in_the_wheel_fails_verification(packaged: dict[str, Path], tmp_path: Path) -> None:
    import zipfile

    broken = tmp_path / packaged["python"].name
    with zipfile.ZipFile(packaged["python"]) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith("models.py"):
                data += b"\ndef broken(:\n"
            dst.writestr(item, data)
    with pytest.raises(VerificationError, match="does not compile"):
        verify("python", broken, INFOS["python"], strict=True, warn=_fail)


def test_missing_go_warns_or_fails_when_strict(packaged: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    warnings: list[str] = []
    verify("go", packaged["go"], INFOS["go"], strict=False, warn=warnings.append)
    assert warnings == ["go SDK not verified: no `go` on PATH"]
    with pytest.raises(VerificationError, match="no `go` on PATH"):
        verify("go", packaged["go"], INFOS["go"], strict=True, warn=_fail)


def test_unformatted_go_fails_verification(packaged: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "go"
    broken.mkdir()
    for f in packaged["go"].iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    (broken / "ugly.go").write_text("package sinksdk\n\nfunc  ugly( ) int { return 1 }\n")
    with pytest.raises(VerificationError, match="gofmt -l failed: ugly.go is not gofmt-formatted"):
        verify("go", broken, INFOS["go"], strict=True, warn=_fail)


def test_the_build_says_what_it_verifies_at_the_default_verbosity(tmp_path: Path) -> None:
    # Verification takes seconds per SDK: the build says so as it starts each one (info, not debug).
    from hatch_centrifugo_sdk.build.pipeline import Project, generate
    from hatch_centrifugo_sdk.build.config import parse_config

    sample = Path(__file__).resolve().parent.parent / "sample_service"
    raw = {"modules": ["sample_service.handlers.tasks"], "languages": ["go"], "verify": "strict",
           "lock": False, "changelog": False, "go": {"module": "example.com/sample/servicesdk"}}
    config = parse_config(raw, project_name="sample-service", prefix="hook")
    said: list[str] = []
    generate(Project(sample, "sample-service", "1.3.0"), config, tmp_path / "sdk", info=said.append)
    assert said[0] == "verifying the go SDK (gofmt -l, go vet, go build)", said
    assert said[1].startswith("go SDK verified in "), said
