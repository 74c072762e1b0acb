"""The endpoint mounts in the frameworks services use: FastAPI and Django's ASGI application."""

from __future__ import annotations

import json

import httpx
from pydantic import BaseModel

from hatch_centrifugo_sdk import Connection, Registry
from hatch_centrifugo_sdk.asgi import RpcProxyApp
from hatch_centrifugo_sdk.dispatch import PROXY_SECRET_HEADER

SECRET = "framework-secret"
registry = Registry()


class Named(BaseModel):
    name: str


@registry.rpc("greet.hello")
async def hello(conn: Connection, params: Named) -> Named:
    return Named(name=f"hello {params.name} from {conn.user_id}")


def rpc_body(name: str) -> bytes:
    return json.dumps(
        {"client": "c", "transport": "websocket", "protocol": "json", "encoding": "json", "user": "42",
         "method": "greet.hello", "data": {"name": name}}
    ).encode()


async def post(app: object, path: str, body: bytes, secret: str = SECRET) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        return await client.post(path, content=body, headers={PROXY_SECRET_HEADER: secret})


async def test_fastapi_route_and_mount() -> None:
    import fastapi

    app = fastapi.FastAPI()
    rpc = RpcProxyApp(registry, proxy_secret=SECRET)
    app.add_route("/centrifugo/rpc", rpc, methods=["POST"])  # the bare path Centrifugo calls
    app.mount("/mounted/rpc", rpc)

    @app.get("/items")
    async def items() -> dict[str, str]:
        return {"from": "fastapi"}

    for path in ("/centrifugo/rpc", "/mounted/rpc/"):
        reply = await post(app, path, rpc_body("ann"))
        assert reply.status_code == 200
        assert reply.json() == {"result": {"data": {"name": "hello ann from 42"}}}
    assert (await post(app, "/centrifugo/rpc", rpc_body("x"), secret="wrong")).status_code == 403
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        assert (await client.get("/items")).json() == {"from": "fastapi"}


async def test_django_asgi_application_beside_the_endpoint() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["service"], SECRET_KEY="test", DEBUG=False)
        django.setup()
    from django.core.asgi import get_asgi_application

    django_app = get_asgi_application()
    rpc = RpcProxyApp(registry, proxy_secret=SECRET)

    async def application(scope, receive, send):  # type: ignore[no-untyped-def]
        # The router a Django project puts in asgi.py: the RPC path to the endpoint, the rest to Django.
        if scope["type"] == "http" and scope["path"] == "/centrifugo/rpc":
            return await rpc(scope, receive, send)
        return await django_app(scope, receive, send)

    reply = await post(application, "/centrifugo/rpc", rpc_body("bo"))
    assert reply.json() == {"result": {"data": {"name": "hello bo from 42"}}}
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        page = await client.get("/page")
    assert (page.status_code, page.text) == (200, "django")


def _page(request):  # type: ignore[no-untyped-def]
    from django.http import HttpResponse

    return HttpResponse("django")


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    # ROOT_URLCONF is this module; Django reads `urlpatterns` lazily, after settings exist.
    if name == "urlpatterns":
        from django.urls import path

        return [path("page", _page)]
    raise AttributeError(name)
