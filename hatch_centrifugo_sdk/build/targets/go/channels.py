"""The Go SDK's channels: one typed subscription per channel, over centrifuge-go's Subscription.

A channel's event is the model itself, an interface its variants implement (a union told apart
by a tag: a type switch narrows it, as the tagged unions of models.go do) or the union struct
with a pointer per variant (a plain union, decoded as a field of that union would be).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ....ir.model import Channel, ObjectModel, Ref, Union
from . import names as naming

if TYPE_CHECKING:
    from .render import _Types


@dataclass(frozen=True)
class GoChannelVariant:
    name: str  # the variant's Go type
    tags: str  # the case list of its tag values, as json.Unmarshal gives them in an any


@dataclass(frozen=True)
class GoChannel:
    wire: str  # the channel's name in the API model (its Centrifugo namespace)
    pattern: str
    method: str  # the API method returning the subscription
    params: str  # the params struct, "" when the pattern has no placeholder
    param_fields: tuple[tuple[str, str], ...]  # (placeholder, Go field)
    channel_expr: str  # Go building the Centrifugo channel from ``params``
    event: str  # the event's Go type
    handlers: str  # the alias of SubscriptionHandlers[event]
    decoder: str  # the Go function decoding one publication's data
    tag: str  # the Go string literal of the tag field's wire name, "" without one
    variants: tuple[GoChannelVariant, ...]  # a tagged union's variants; () otherwise
    union: bool  # the event is a plain union's struct
    doc: tuple[str, ...]
    description: str
    event_doc: tuple[str, ...]  # a tagged union's interface doc comment; () when models.go declares the type


def channel_view(channel: Channel, types: _Types) -> GoChannel:
    from .render import UnsupportedType, _go_json_value, doc_comment, go_string  # render imports this module

    method = naming.go_method(channel.name)
    params = types.helper_name((method, "Params")) if channel.params else ""
    handlers = types.helper_name((method, "Handlers"))
    where = f"channel {channel.pattern!r}"
    fields = tuple(zip(channel.params, naming.unique(naming.go_field(p) for p in channel.params)))
    parts = []
    for segment in re.split(r"(\{[a-z][a-z0-9_]*\})", channel.pattern):
        if segment.startswith("{") and segment[1:-1] in channel.params:
            parts.append("params." + dict(fields)[segment[1:-1]])
        elif segment:
            parts.append(go_string(segment))
    event, tag, union = channel.event, "", False
    variants: list[GoChannelVariant] = []
    if isinstance(event, Union) and event.discriminator:
        event_name = types.helper_name((method, "Event"))
        tag = go_string(event.discriminator)
        for v in event.variants:
            target = types.api.lookup(v.name) if isinstance(v, Ref) else None
            field = next((f for f in target.fields if f.name == event.discriminator), None) if isinstance(
                target, ObjectModel) else None
            values = types.tag_values(field.type) if field is not None else ()
            if not values:
                raise UnsupportedType(
                    f"{where}: a variant of the event told apart by {event.discriminator!r} is not a model with a "
                    f"literal or enum field {event.discriminator!r}; Go cannot choose the variant"
                )
            assert isinstance(v, Ref)
            variants.append(GoChannelVariant(naming.go_type(v.name), ", ".join(_go_json_value(x) for x in values)))
        listed = ", ".join(v.name for v in variants)
        about = f"{event_name} is an event of the channel {channel.pattern}: one of {listed} (a type switch tells them apart)."
    elif isinstance(event, Union):
        types.model, types.field = channel.name, None
        event_name = types.union(event.variants, where, (method, "Event")).expr
        union = True
        about = ""  # the union's own doc comment says what it holds
    else:
        event_name = types.map(event, where, (method, "Event")).expr
        about = ""
    intro = f"{method} returns a typed subscription to the channel {channel.pattern}, not yet subscribed: call Subscribe."
    text = intro + "\n\n" + (
        "Events go to handlers.OnEvent; an event this SDK cannot decode (a newer service's variant) goes to "
        "handlers.OnUnknown, never dropped."
    ) + ("\n\n" + channel.description if channel.description else "")
    return GoChannel(
        channel.name, channel.pattern, method, params, fields, " + ".join(parts), event_name, handlers,
        f"decode{method}Event", tag, tuple(variants), union, doc_comment(text), channel.description,
        doc_comment(about) if about else (),
    )
