"""Plain data classes, written as dataclasses are, without their cost at start-up.

``@dataclasses.dataclass`` generates every method of every class with its own ``exec`` and builds a docstring with
``inspect.signature``, and ``import dataclasses`` brings in ``inspect`` (with ``ast`` and ``dis``): the seventeen
classes that ``perfdoc check`` needs cost 27–40 ms on a command meant to start in about a tenth of a second
(measured for issue 16). ``@record`` reads the same class body (annotated fields, defaults,
``field(default_factory=...)``) and type checkers read it as a dataclass (PEP 681), but it compiles only
``__init__``, from one string, and every record shares one ``__eq__`` and one ``__repr__``.

Immutable values are ``NamedTuple`` instead (``Position``, ``Quantity``, ``Rule``…).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

T = TypeVar("T")

if TYPE_CHECKING:  # typing has it from Python 3.11; it only informs type checkers
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: object) -> Callable[[T], T]:
        return lambda decorated: decorated


_NO_VALUE: Any = object()  # the default of a parameter whose value a factory makes


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], object]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], T]) -> T:
    """A default made anew for each object (a list, a dict), as ``dataclasses.field(default_factory=...)``."""
    return _Factory(default_factory)  # type: ignore[return-value]


def record_fields(cls: type) -> tuple[str, ...]:
    """The names of a record's fields, base classes' first, in the order they were written."""
    return cls.__record_fields__  # type: ignore[attr-defined,no-any-return]


def replace(obj: T, **changes: object) -> T:
    """A copy of a record with some fields changed, as ``dataclasses.replace``."""
    values = {name: getattr(obj, name) for name in record_fields(type(obj))}
    values.update(changes)
    return type(obj)(**values)


def _eq(self: object, other: object) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return all(getattr(self, name) == getattr(other, name) for name in record_fields(type(self)))


def _repr(self: object) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in record_fields(type(self)))
    return f"{type(self).__qualname__}({shown})"


@dataclass_transform(field_specifiers=(field,))
def record(cls: type[T] | None = None, /, *, slots: bool = False) -> Any:
    """Make a class body of annotated fields into a class with ``__init__``, ``__eq__`` and ``__repr__``.

    With ``slots=True`` its objects have no ``__dict__``: smaller, for what a build keeps of every form."""

    def make(cls: type[T]) -> type[T]:
        inherited: tuple[str, ...] = getattr(cls, "__record_fields__", ())
        own = [
            name
            for name, kind in vars(cls).get("__annotations__", {}).items()
            if not str(kind).startswith(("ClassVar", "typing.ClassVar")) and name not in inherited
        ]
        defaults: dict[str, object] = dict(getattr(cls, "__record_defaults__", {}))
        for name in own:
            if name in cls.__dict__:
                value = cls.__dict__[name]
                if isinstance(value, (list, dict, set)):
                    raise ValueError(
                        f"{cls.__name__}.{name}: a mutable default is shared; use field(default_factory=…)"
                    )
                defaults[name] = value
        names = (*inherited, *own)
        params, body, scope = [], [], {"_NO_VALUE": _NO_VALUE}
        for name in names:
            if name not in defaults:
                if any(earlier in defaults for earlier in names[: names.index(name)]):
                    raise TypeError(f"{cls.__name__}.{name}: a field without a default follows one with a default")
                params.append(name)
                body.append(f"self.{name} = {name}")
            elif isinstance(defaults[name], _Factory):
                scope[f"_make_{name}"] = defaults[name].make  # type: ignore[attr-defined]
                params.append(f"{name}=_NO_VALUE")
                body.append(f"self.{name} = _make_{name}() if {name} is _NO_VALUE else {name}")
            else:
                scope[f"_default_{name}"] = defaults[name]
                params.append(f"{name}=_default_{name}")
                body.append(f"self.{name} = {name}")
        source = f"def __init__(self, {', '.join(params)}):\n    " + ("\n    ".join(body) or "pass")
        exec(source, scope)
        init = scope["__init__"]
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        members = {
            "__init__": init, "__eq__": _eq, "__repr__": _repr, "__hash__": None,
            "__record_fields__": names, "__record_defaults__": defaults,
        }  # fmt: skip
        if not slots:
            for name, value in members.items():
                setattr(cls, name, value)
            return cls
        members = {**cls.__dict__, **members, "__slots__": tuple(own)}
        for name in (*own, "__dict__", "__weakref__"):
            members.pop(name, None)  # a slot cannot also be a class attribute: its default lives in __init__
        remade: type[T] = type(cls.__name__, cls.__bases__, members)
        return remade

    return make if cls is None else make(cls)
