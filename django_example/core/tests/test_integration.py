# core/tests/test_integration.py
# The guide's integration test: the Python SDK that `hatch build` wrote to dist/sdk/, installed,
# calling this project through a real Centrifugo. Run it with the project served
# (uvicorn mysite.asgi:application) behind Centrifugo:
#   CENTRIFUGO_URL=ws://127.0.0.1:8000/connection/websocket CENTRIFUGO_TOKEN_HMAC_SECRET=... pytest core/tests/test_integration.py
# Lines that differ from the guide: the client import (opensdk.python, a copied folder, becomes
# django_todo_sdk, a pinned package), TaskStatsParams taken from it, and the closing rpc.close().
import pytest
from django.conf import settings

from hatch_centrifugo_sdk.centrifugo import make_token

pytestmark = pytest.mark.skipif(
    not settings.CENTRIFUGO_URL, reason="set CENTRIFUGO_URL to a Centrifugo proxying to this project"
)


def generate_test_token(user_id="test-user"):
    return make_token(settings.CENTRIFUGO_TOKEN_HMAC_SECRET, user_id)


@pytest.mark.asyncio
async def test_rpc_client_integration():
    from django_todo_sdk import CentrifugoRPCClient, APIClient, TaskStatsParams

    # Setup client
    rpc = CentrifugoRPCClient(
        url=settings.CENTRIFUGO_URL,
        token=generate_test_token(),
        user_id="test-user"
    )
    await rpc.connect()

    api = APIClient(rpc)

    # Call RPC method
    result = await api.tasks_get_stats(TaskStatsParams(user_id="test-user"))

    # Verify
    assert result.total >= 0
    assert result.completed >= 0
    await rpc.close()


async def test_a_todo_created_by_alice_is_invisible_to_bob():
    from django_todo_sdk import (
        APIClient, CentrifugoRPCClient, CreateTodoParams, DeleteTodoParams, InternalError, ListTodosParams,
        UpdateTodoParams,
    )

    async with CentrifugoRPCClient(url=settings.CENTRIFUGO_URL, token=generate_test_token("alice")) as alice_rpc, \
            CentrifugoRPCClient(url=settings.CENTRIFUGO_URL, token=generate_test_token("bob")) as bob_rpc:
        alice, bob = APIClient(alice_rpc), APIClient(bob_rpc)
        created = (await alice.todos_create(CreateTodoParams(title="alice's secret"))).todo
        assert created.title == "alice's secret" and not created.completed

        assert created.id not in [t.id for t in (await bob.todos_list(ListTodosParams(limit=100))).todos]
        # The guide's update_todo lets Todo.DoesNotExist escape: an unexpected error, 500.
        with pytest.raises(InternalError):
            await bob.todos_update(UpdateTodoParams(id=created.id, title="bob was here"))
        await bob.todos_delete(DeleteTodoParams(id=created.id))

        mine = (await alice.todos_list(ListTodosParams(limit=100))).todos
        assert [(t.id, t.title) for t in mine if t.id == created.id] == [(created.id, "alice's secret")]
        done = (await alice.todos_update(UpdateTodoParams(id=created.id, completed=True))).todo
        assert done.completed
        assert (await alice.todos_delete(DeleteTodoParams(id=created.id))).success
        assert created.id not in [t.id for t in (await alice.todos_list(ListTodosParams(limit=100))).todos]
