"""PEP 440 (the service's version) → SemVer (npm and Go).

    1.2.0          → 1.2.0
    1.2            → 1.2.0
    1.2.0rc1       → 1.2.0-rc.1      (a → alpha, b → beta)
    1.2.0.dev3     → 1.2.0-dev.3     (1.2.0rc1.dev3 → 1.2.0-rc.1.dev.3)
    1.2.0.post2    → 1.2.1-post.2    (after 1.2.0, before 1.2.1: SemVer has no post releases)
    1.2.0+abc.5    → 1.2.0+abc.5     (local versions become build metadata)
    1!2.0          → error: epochs have no SemVer form; set a version override
"""

from __future__ import annotations

import re

from packaging.version import InvalidVersion, Version

from ..runtime.errors import UserError

_PRE = {"a": "alpha", "b": "beta", "rc": "rc"}


class VersionError(UserError, ValueError):
    pass


def to_semver(pep440: str) -> str:
    try:
        v = Version(pep440)
    except InvalidVersion:
        raise VersionError(f"{pep440!r} is not a PEP 440 version") from None
    if v.epoch:
        raise VersionError(f"{pep440!r} has an epoch, which SemVer cannot express; set a version override")
    if len(v.release) > 3:
        raise VersionError(
            f"{pep440!r} has {len(v.release)} release numbers; SemVer has three; set a version override"
        )
    major, minor, patch = (list(v.release) + [0, 0])[:3]
    pre: list[str] = []
    if v.post is not None:
        if v.pre is not None or v.dev is not None:
            raise VersionError(f"{pep440!r} mixes a post release with a pre or dev release; set a version override")
        patch += 1
        pre = ["post", str(v.post)]
    if v.pre is not None:
        pre = [_PRE[v.pre[0]], str(v.pre[1])]
    if v.dev is not None:
        pre += ["dev", str(v.dev)]
    text = f"{major}.{minor}.{patch}"
    if pre:
        text += "-" + ".".join(pre)
    if v.local:
        text += "+" + re.sub(r"[^0-9A-Za-z.-]", "-", v.local)
    return text


def go_major_suffix(module: str, semver: str) -> str:
    """Go's rule: a module at major version N >= 2 has the path suffix ``/vN``."""
    major = int(semver.split(".", 1)[0])
    base = re.sub(r"/v[0-9]+$", "", module)
    return f"{base}/v{major}" if major >= 2 else base
