"""``python -m hatch_centrifugo_sdk``: see :mod:`hatch_centrifugo_sdk.cli`."""

from .build.cli import main

raise SystemExit(main())
