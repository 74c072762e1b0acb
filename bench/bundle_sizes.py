"""Browser bundle sizes of the sample service's npm SDK: what a page pays for what it imports.

Bundles four entry points with esbuild (browser, ESM, minified) and gzips each (level 9):
the whole client, one method call, the errors alone and the types alone. Prints a table and
writes results/bundle.md. Uses the esbuild and centrifuge of tests/js (`make node-tools`).

    python bench/bundle_sizes.py
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
JS_TOOLS = REPO / "tests" / "js" / "node_modules"
sys.path.insert(0, str(REPO))

from hatch_centrifugo_sdk.build.pipeline import Project, generate  # noqa: E402
from hatch_centrifugo_sdk.build.config import PLUGIN_NAME, parse_config  # noqa: E402

PACKAGE = "@sample/service-sdk"
URL = "wss://example.invalid/connection/websocket"
ENTRIES = {
    "the whole client (`import * as sdk`)": f'import * as sdk from "{PACKAGE}";\nglobalThis.sdk = sdk;\n',
    "one method call (`APIClient` + `CentrifugoRPCClient`)": (
        f'import {{ APIClient, CentrifugoRPCClient }} from "{PACKAGE}";\n'
        f'globalThis.call = () => new APIClient(new CentrifugoRPCClient({{ url: "{URL}" }})).tasksGetStats({{ user_id: "u" }});\n'
    ),
    f"the errors alone (`{PACKAGE}/errors`)": f'import {{ ErrorCode, RpcError }} from "{PACKAGE}/errors";\nglobalThis.e = [ErrorCode, RpcError];\n',
    f"the types alone (`{PACKAGE}/types`)": f'import {{ TaskStatus, API_HASH }} from "{PACKAGE}/types";\nglobalThis.t = [TaskStatus, API_HASH];\n',
    f"`ErrorCode` from the main entry (`{PACKAGE}`)": f'import {{ ErrorCode }} from "{PACKAGE}";\nglobalThis.e = ErrorCode;\n',
}


def sample_tarball(out: Path) -> Path:
    sample = REPO / "sample_service"
    pyproject = tomllib.loads((sample / "pyproject.toml").read_text())
    raw = {**pyproject["tool"]["hatch"]["build"]["hooks"][PLUGIN_NAME], "lock": False, "changelog": False,
           "languages": ["typescript"]}
    config = parse_config(raw, project_name="sample-service", prefix="hook")
    (artifact,) = generate(Project(sample, "sample-service", pyproject["project"]["version"]), config, out)
    return out / artifact.path


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bundle-sizes-") as tmp:
        root = Path(tmp)
        (root / "node_modules").symlink_to(JS_TOOLS, target_is_directory=True)  # esbuild, centrifuge
        app = root / "app"
        app.mkdir()
        (app / "package.json").write_text(json.dumps({"name": "bundle-sizes", "private": True, "type": "module"}))
        tarball = sample_tarball(root / "sdk")
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", str(tarball)],
                       cwd=app, check=True)
        rows = []
        for i, (what, source) in enumerate(ENTRIES.items()):
            (app / f"entry{i}.mjs").write_text(source)
            subprocess.run(
                [str(JS_TOOLS / "esbuild" / "bin" / "esbuild"), f"entry{i}.mjs", "--bundle", "--minify",
                 "--platform=browser", "--format=esm", f"--outfile=out{i}.js", "--log-level=warning"],
                cwd=app, check=True,
            )
            raw = (app / f"out{i}.js").read_bytes()
            rows.append((what, len(raw), len(gzip.compress(raw, 9, mtime=0))))
    centrifuge = json.loads((JS_TOOLS / "centrifuge" / "package.json").read_text())["version"]
    lines = [
        f"Browser bundles of the sample service's npm SDK (esbuild {esbuild_version()}, minified, ESM; "
        f"centrifuge {centrifuge}); gzip level 9.",
        "",
        "| what the page imports | minified | min+gzip |",
        "|---|---|---|",
        *(f"| {what} | {raw / 1024:.1f} KiB | {gz / 1024:.1f} KiB ({gz:,} B) |" for what, raw, gz in rows),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    (REPO / "bench" / "results" / "bundle.md").write_text(text)


def esbuild_version() -> str:
    return json.loads((JS_TOOLS / "esbuild" / "package.json").read_text())["version"]


if __name__ == "__main__":
    main()
