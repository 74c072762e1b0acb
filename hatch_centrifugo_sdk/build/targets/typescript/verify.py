"""``verify = true`` for the TypeScript SDK: npm installs the tarball, tsc --strict checks a
consumer of it, node loads its ESM build."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ...render import SdkInfo
from ...verify import run
from .node import node_bin_dir
from .options import TypeScriptOptions

TYPESCRIPT = "typescript@5.9.3"
NODE_TYPES = "@types/node@20"


def verify(tarball: Path, sdk: SdkInfo[TypeScriptOptions]) -> None:
    bin_dir = node_bin_dir()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    package = sdk.options.package
    with tempfile.TemporaryDirectory(prefix="sdk-verify-ts-") as tmp:
        work = Path(tmp)
        (work / "package.json").write_text(json.dumps({"name": "sdk-verify", "private": True, "type": "module"}))
        run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", str(tarball), TYPESCRIPT, NODE_TYPES],
            work, "npm install of the SDK tarball", env,
        )
        (work / "check.mts").write_text(
            f'import * as sdk from "{package}";\n'
            "export const client: typeof sdk.APIClient = sdk.APIClient;\n"
        )
        (work / "tsconfig.json").write_text(json.dumps({
            "compilerOptions": {
                "strict": True, "noEmit": True, "skipLibCheck": False, "module": "nodenext",
                "moduleResolution": "nodenext", "target": "es2022", "types": ["node"],
            },
            "files": ["check.mts"],
        }))
        run([str(bin_dir / "node"), "node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], work, "tsc --strict", env)
        run(
            [str(bin_dir / "node"), "--input-type=module", "-e", f'await import("{package}");'],
            work, "loading the ESM build in node", env,
        )
