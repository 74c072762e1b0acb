"""Channels in the release gate and the changelog: events are judged as results are (read by old clients)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field

from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.build.changelog import changelog_section
from hatch_centrifugo_sdk.build.compat import RULES, diff_apis, release_check
from hatch_centrifugo_sdk.channels import History, channel
from hatch_centrifugo_sdk.ir import Api, api_from_json
from hatch_centrifugo_sdk.ir.parser import parse_api


class Created(BaseModel):
    type: Literal["created"] = "created"
    id: int


class Deleted(BaseModel):
    type: Literal["deleted"] = "deleted"
    id: int


class CreatedWithTitle(BaseModel):
    model_config = {"title": "Created"}
    type: Literal["created"] = "created"
    id: int
    title: str


class Archived(BaseModel):
    type: Literal["archived"] = "archived"
    id: int


def api(*declared: tuple[str, Any, dict[str, Any]]) -> Api:
    registry = Registry()
    for pattern, event, options in declared:
        channel(pattern, event, registry=registry, **options)
    return parse_api((), registry.channels())


TWO = Annotated[Created | Deleted, Field(discriminator="type")]
THREE = Annotated[Created | Deleted | Archived, Field(discriminator="type")]
USER = {"subscribe": "user"}
BASE = ("todos.events:{user_id}", TWO, {**USER, "history": History(100, 300, recover=True)})


def rules(old: Api, new: Api) -> list[tuple[str, str, str]]:
    return [(c.kind, c.rule, c.path) for c in diff_apis(old, new)]


CHANGES: list[tuple[tuple[Any, ...], list[tuple[str, str, str]]]] = [
        ((BASE, ("todos.feed:all", Created, {"subscribe": "public"})), [("additive", "channel-added", "channel todos.feed")]),
        ((), [("breaking", "channel-removed", "channel todos.events")]),
        (
            (("todos.events:{user_id}", THREE, {**USER, "history": History(100, 300, recover=True)}),),
            [("breaking", "result-variant-added", "channel todos.events event")],
        ),
        (
            (("todos.events:{user_id}", Annotated[CreatedWithTitle | Deleted, Field(discriminator="type")],
              {**USER, "history": History(100, 300, recover=True)}),),
            [("additive", "result-field-added", "model Created.field title")],
        ),
        (
            (("todos.events:{user_id}", Created, {**USER, "history": History(100, 300, recover=True)}),),
            [("additive", "result-variant-removed", "channel todos.events event")],
        ),
        (
            (("todos.events:{user_id}/inbox", TWO, {**USER, "history": History(100, 300, recover=True)}),),
            [("breaking", "channel-pattern-changed", "channel todos.events")],
        ),
        (
            (("todos.events:{user_id}", TWO, {"subscribe": "authenticated", "history": History(100, 300, recover=True)}),),
            [("none", "channel-access-widened", "channel todos.events")],
        ),
        (
            (("todos.events:{user_id}", TWO, {**USER, "history": History(100, 300)}),),
            [("breaking", "channel-recovery-dropped", "channel todos.events")],
        ),
        (
            (("todos.events:{user_id}", TWO, {**USER, "history": History(10, 60, recover=True)}),),
            [("none", "channel-history-changed", "channel todos.events")],
        ),
]


@pytest.mark.parametrize(("new", "expected"), CHANGES)
def test_each_channel_change_is_classified(new: tuple[Any, ...], expected: list[tuple[str, str, str]]) -> None:
    assert rules(api(BASE), api(*new)) == expected


def test_adding_recovery_is_additive() -> None:
    old = api(("todos.events:{user_id}", TWO, {**USER, "history": History(100, 300)}))
    assert rules(old, api(BASE)) == [("additive", "channel-recovery-added", "channel todos.events")]


def test_every_channel_rule_has_a_case() -> None:
    covered = {rule for _, expected in CHANGES for _, rule, _ in expected if rule.startswith("channel-")}
    covered |= {"channel-access-narrowed", "channel-recovery-added"}  # the two tests above and below
    assert covered == {rule for rule in RULES if rule.startswith("channel-")}


def test_narrowing_who_may_subscribe_breaks_old_subscribers() -> None:
    old = api(("todos.feed:{user_id}", Created, {"subscribe": "public"}))
    new = api(("todos.feed:{user_id}", Created, USER))
    assert rules(old, new) == [("breaking", "channel-access-narrowed", "channel todos.feed")]


def test_a_released_api_read_back_from_the_lock_has_no_changes() -> None:
    current = api(BASE, ("todos.feed:all", Created, {"subscribe": "public"}))
    assert diff_apis(api_from_json(current.to_json()), current) == []


def test_the_gate_and_the_changelog_name_the_channel_change() -> None:
    changes = diff_apis(api(BASE), api(("todos.events:{user_id}", THREE, {**USER, "history": History(100, 300, recover=True)})))
    verdict = release_check(changes, "1.2.0", "1.3.0")
    assert verdict.failed
    assert "channel todos.events event: union variant `Archived` added; old clients cannot read it" in verdict.report
    section = changelog_section(changes, "2.0.0", "1.2.0", date="2024-01-01")
    assert "channel todos.events event: union variant `Archived` added" in section
