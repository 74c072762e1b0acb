import pytest


@pytest.fixture(autouse=True)
def proxy_secret(settings):
    """The URLconf builds the RPC proxy view, which refuses to start without a secret."""
    settings.CENTRIFUGO_PROXY_SECRET = settings.CENTRIFUGO_PROXY_SECRET or "test-proxy-secret"
