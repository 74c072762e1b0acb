"""A small task and todo service whose RPC handlers clients call through Centrifugo."""
