"""RPC handlers; importing a module registers its handlers with ``@websocket_rpc``."""
