"""How a setting is declared, once: its name is the ``Config`` field's (and so the config-file key, the
``RDEBUG_<NAME>`` environment variable and the options objects' field), its type and default are the field's,
and ``setting(...)`` adds the rest (help, flags, range, whether the model reads it when it loads).

Everything else is derived from these declarations: the command line's flags (``add_flags``), the keys that
flags may override, the range checks and the keys an eval arm may not change.
"""

from __future__ import annotations

import argparse
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any, Callable

GROUPS = ("intake", "context", "model", "repair")


@dataclass(frozen=True)
class Setting:
    """What a ``Config`` field's declaration says beyond its name, type and default."""

    help: str
    flags: tuple[str, ...] = ()  # "--attempts"; a boolean's "--no-search" stores False, "--calls" True
    metavar: str | None = None
    group: str = "repair"
    minimum: float | None = None
    positive: bool = False  # must be > 0
    choices: tuple[str, ...] = ()
    load: bool = False  # read when the model loads: an eval arm may not change it
    const: Any = None  # a boolean flag's stored value when it is not given by the "--no-" prefix
    env: bool = True  # settable as RDEBUG_<NAME>
    off_help: str = ""  # the "--no-" flag's help, where both flags exist (--calls / --no-calls)


def setting(default: Any = MISSING, help: str = "", *, factory: Callable[[], Any] | None = None, **kw: Any) -> Any:
    """A ``Config`` field declared with its ``Setting``."""
    meta = {"setting": Setting(help, **kw)}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


def declared(cls: type) -> list[tuple[Field, Setting]]:
    """Every field of ``cls`` with its declaration, in declaration order."""
    return [(f, f.metadata["setting"]) for f in fields(cls) if "setting" in f.metadata]


def env_name(name: str) -> str:
    return f"RDEBUG_{name.upper()}"


def _is_bool(f: Field) -> bool:
    return "bool" in str(f.type)


def _number(f: Field) -> Callable[[str], Any] | None:
    kind = str(f.type)
    return int if "int" in kind else float if "float" in kind else None


def flag_keys(cls: type) -> tuple[str, ...]:
    """The settings the command line can set (each only when its flag was given)."""
    return tuple(f.name for f, s in declared(cls) if s.flags)


def add_flags(groups: dict[str, argparse._ArgumentGroup], cls: type) -> None:
    """Add every declared flag to the parser group its setting names; the dest is the setting's name."""
    for f, s in declared(cls):
        group = groups[s.group]
        for flag in s.flags:
            text = s.off_help if s.off_help and flag.startswith("--no-") else s.help
            if _is_bool(f):
                value = False if flag.startswith("--no-") else (True if s.const is None else s.const)
                group.add_argument(flag, dest=f.name, action="store_const", const=value, default=None, help=text)
            elif s.choices:
                group.add_argument(flag, dest=f.name, choices=list(s.choices), default=None, help=text)
            else:
                group.add_argument(flag, dest=f.name, type=_number(f) or str, metavar=s.metavar, default=None,
                                   help=text)
