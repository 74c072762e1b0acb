"""The plugin's own wheel carries the metadata an index shows: classifiers, keywords, URLs, licence."""

from __future__ import annotations

import zipfile
from email.parser import Parser
from pathlib import Path


def test_the_plugin_wheel_has_its_index_metadata(plugin_wheelhouse: Path) -> None:
    (wheel,) = plugin_wheelhouse.glob("hatch_centrifugo_sdk-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(name).decode())
        assert any(n.endswith(".dist-info/licenses/LICENSE") for n in archive.namelist())
    assert "Framework :: Hatch" in metadata.get_all("Classifier", [])
    assert {"hatch", "centrifugo", "sdk"} <= set(metadata["Keywords"].split(","))
    assert metadata["License-Expression"] == "MIT"
    urls = dict(entry.split(", ", 1) for entry in metadata.get_all("Project-URL", []))
    assert set(urls) >= {"Homepage", "Documentation", "Changelog"}
    assert all(url.startswith("https://") for url in urls.values())
    assert metadata["Description-Content-Type"] == "text/markdown"
