"""Find the model and field behind a schema failure, so the error names file:line and the fix.

Pydantic reports a failing schema for the whole set of models, with the class name at
best; these helpers walk the handlers' models to point at the field to change.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any, Iterable, Iterator

from pydantic import BaseModel, ConfigDict, Field, PydanticUndefinedAnnotation, TypeAdapter, create_model

from ..runtime.registry import Handler, HandlerDefinitionError, field_location, generic_rule, source_location


class SchemaError(HandlerDefinitionError):
    """A model uses a type no SDK can express: names model and field, file:line and the fix."""


@dataclass(frozen=True)
class ModelUse:
    model: type[BaseModel]
    method: str  # the first handler (by method name) whose params or result reach it


def walk_models(handlers: Iterable[Handler]) -> list[ModelUse]:
    """Every model the handlers reach, nested ones before the models holding them.

    Completes models with pending forward references on the way, and refuses a reference
    that cannot be resolved or a generic model left open, naming the field.
    """
    order: list[ModelUse] = []
    seen: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel], method: str) -> None:
        if model in seen:
            return
        seen.add(model)
        _complete(model, method)
        for name, info in model.model_fields.items():
            for nested in _classes_in(info.annotation):
                if not issubclass(nested, BaseModel):
                    continue
                if nested.__pydantic_generic_metadata__.get("parameters"):
                    raise SchemaError(
                        field_location(model, name),
                        _field_subject(model, name, method),
                        *generic_rule(f"field {name!r}", nested),
                    )
                visit(nested, method)
        order.append(ModelUse(model, method))

    for h in sorted(handlers, key=lambda h: h.method):
        visit(h.params_model, h.method)
        visit(h.result_model, h.method)
    return order


def schema_failure(handlers: Iterable[Handler], exc: Exception, schema_generator: Any) -> SchemaError:
    """The error for Pydantic failing to make a JSON schema: the innermost failing field."""
    for use in walk_models(handlers):
        for name, info in use.model.model_fields.items():
            reason = _field_schema_error(use.model, name, info.annotation, schema_generator)
            if reason is not None:
                return SchemaError(
                    field_location(use.model, name),
                    _field_subject(use.model, name, use.method),
                    f"Pydantic cannot make a JSON schema of its type {_show(info.annotation)}: {reason}",
                    "use a JSON-compatible type (str, int, float, bool, datetime, a model, a list or "
                    "dict of those), or give the class a __get_pydantic_json_schema__",
                )
    return SchemaError("<models>", "the handlers' models", _first_paragraph(exc), "see the Pydantic message")


def locate_def(handlers: Iterable[Handler], def_name: str, title: str | None) -> tuple[str, Any]:
    """(file:line, class) of the class a schema ``$defs`` entry was made from."""
    classes = {c for use in walk_models(handlers) for c in (use.model, *_fields_classes(use.model))}
    wanted = title or def_name.split("-")[0]
    matches = sorted((c for c in classes if _schema_title(c) == wanted), key=lambda c: (c.__module__, c.__qualname__))
    qualified = [c for c in matches if c.__module__.replace(".", "__") in def_name]
    if not (qualified or matches):
        return f"<model {wanted}>", None
    found = (qualified or matches)[0]
    return source_location(found), found


def _complete(model: type[BaseModel], method: str) -> None:
    if model.__pydantic_complete__:
        return
    try:
        model.model_rebuild()
    except PydanticUndefinedAnnotation as exc:
        missing = re.compile(rf"\b{re.escape(exc.name or '')}\b")
        field = next((n for n, f in model.model_fields.items() if missing.search(repr(f.annotation))), None)
        where = field_location(model, field) if field else source_location(model)
        subject = _field_subject(model, field, method) if field else f"model {model.__name__!r} (used by {method!r})"
        raise SchemaError(
            where,
            subject,
            f"its type refers to {exc.name!r}, which is not defined in {model.__module__}",
            f"define or import {exc.name!r} there; if it is defined after {model.__name__}, "
            f"call {model.__name__}.model_rebuild() once it is",
        ) from None


def _field_schema_error(model: type[BaseModel], name: str, annotation: Any, schema_generator: Any) -> str | None:
    """Pydantic's complaint about one field's type alone, or None when it has a schema."""
    config = ConfigDict(arbitrary_types_allowed=bool(model.model_config.get("arbitrary_types_allowed")))
    try:
        probe = create_model(f"{model.__name__}Probe", __config__=config, value=(annotation, ...))
        for mode in ("validation", "serialization"):
            probe.model_json_schema(mode=mode, schema_generator=schema_generator)
    except Exception as exc:
        return _first_paragraph(exc)
    return None


def _classes_in(annotation: Any) -> Iterator[type]:
    """Classes named anywhere in a type expression: ``dict[str, list[Task] | None]`` → Task."""
    if isinstance(annotation, type) and typing.get_origin(annotation) is None:
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _classes_in(arg)


def _fields_classes(model: type[BaseModel]) -> Iterator[type]:
    for info in model.model_fields.values():
        yield from (c for c in _classes_in(info.annotation) if issubclass(c, Enum))


def _schema_title(cls: type) -> str:
    if issubclass(cls, BaseModel):
        return str(cls.model_config.get("title") or cls.__name__)
    return cls.__name__


def _field_subject(model: type, field: str, method: str) -> str:
    return f"model {model.__name__!r}, field {field!r} (used by {method!r})"


def _show(tp: Any) -> str:
    return tp.__name__ if isinstance(tp, type) else repr(tp).replace("typing.", "")


def _first_paragraph(exc: BaseException) -> str:
    # Pydantic appends "For further information visit ..." after a blank line.
    return str(exc).split("\n\n")[0].strip() or type(exc).__name__


def schema_hook_failure(model: type[BaseModel], field: str) -> tuple[str, str] | None:
    """(rule, fix) when a field's unnameable inline schema comes from a third-party schema hook.

    A class in an ``Annotated`` with its own ``__get_pydantic_core_schema__`` (githubkit's
    ``TaggedUnion``) can describe the models it wraps as an anonymous object; naming the hook,
    the title of its schema, and the field's type with the wrapped models in its place gives
    a fix for a type the user cannot edit."""
    info = model.model_fields.get(field) or next(
        (f for f in model.model_fields.values() if field in (f.alias, f.serialization_alias)), None
    )
    hook = next(_schema_hooks(info.annotation), None) if info is not None else None
    if info is None or hook is None:
        return None
    wrapped, marker = hook
    try:
        hooked: Any = typing.Annotated[wrapped, marker]
        title = TypeAdapter(hooked).json_schema(mode="serialization").get("title")
    except Exception:
        title = None
    cls = type(marker)
    rule = (
        f"its type holds {cls.__module__}.{cls.__qualname__}, whose schema for {_show_type(wrapped)} is an inline object"
        + (f" titled {title!r}" if title else "")
        + ", which SDKs cannot name"
    )
    concrete = _without_hooks(info.annotation)
    variants = typing.get_args(concrete) if typing.get_origin(concrete) is typing.Union else ()
    shown = f"Union[{', '.join(_show_type(v) for v in variants)}]" if variants else _show_type(concrete)
    if info.discriminator is not None and variants:
        try:
            discriminated: Any = typing.Annotated[concrete, Field(discriminator=info.discriminator)]
            TypeAdapter(discriminated)
            return rule, f"declare the field as Annotated[{shown}, Field(discriminator={info.discriminator!r})]"
        except Exception:  # two of the models share a tag value: let Pydantic pick the one that validates
            return rule, f"declare the field as {shown} (a plain union: two of these models share a value of {info.discriminator!r})"
    return rule, f"declare the field as {shown}"


def _schema_hooks(annotation: Any) -> Iterator[tuple[Any, Any]]:
    """(type, marker) of each ``Annotated[type, marker]`` whose marker makes its own schema, outside Pydantic."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        for marker in args[1:]:
            if hasattr(type(marker), "__get_pydantic_core_schema__") and not type(marker).__module__.startswith("pydantic"):
                yield args[0], marker
        yield from _schema_hooks(args[0])
        return
    for arg in args:
        yield from _schema_hooks(arg)


def _without_hooks(annotation: Any) -> Any:
    """The annotation with each hooked ``Annotated`` replaced by the type it wraps, nested unions flattened."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *markers = typing.get_args(annotation)
        if any(m is marker for _, m in _schema_hooks(annotation) for marker in markers):
            return _without_hooks(base)
        return typing.Annotated[(_without_hooks(base), *markers)]
    if typing.get_origin(annotation) is typing.Union:
        return typing.Union[tuple(_without_hooks(a) for a in typing.get_args(annotation))]
    return annotation


def _show_type(tp: Any) -> str:
    if isinstance(tp, type) and typing.get_origin(tp) is None:
        return tp.__name__
    if typing.get_origin(tp) is typing.Union:
        return " | ".join(_show_type(a) for a in typing.get_args(tp))
    return repr(tp).replace("typing.", "")
