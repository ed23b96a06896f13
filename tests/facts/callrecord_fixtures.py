"""Small projects for the call-record tests: a shop whose shipping cost is wrong two calls away."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from rdebug.facts.stage import PLUGIN_MODULE, install_plugin

SHOP = {
    "shop/__init__.py": "",
    "shop/weights.py": '''\
def line_weight(item):
    return item["grams"] * item.get("qty", 1)


def total_weight(items):
    """Total weight in kilograms."""
    return sum(line_weight(i) for i in items)
''',
    "shop/ship.py": '''\
from shop.weights import total_weight


def tier_for(weight):
    if weight > 20:
        return "freight"
    return "parcel"


def ship_cost(items):
    tier = tier_for(total_weight(items))
    return {"parcel": 5.0, "freight": 90.0}[tier]
''',
    "tests/test_ship.py": '''\
from shop.ship import ship_cost


def test_light_parcel():
    assert ship_cost([{"grams": 500}, {"grams": 1000}, {"grams": 1000}]) == 5.0


def test_empty():
    assert ship_cost([]) == 5.0
''',
}

ODDITIES = {
    "shop/__init__.py": "",
    "shop/odd.py": '''\
class Loud:
    def __repr__(self):
        raise ValueError("no repr for you")


def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)


def boom(x):
    raise KeyError(x)


def safe(x):
    try:
        return boom(x)
    except KeyError:
        return -1


def numbers(n):
    for i in range(n):
        yield i * 10


def huge(n):
    return list(range(n)), "x" * n, 10 ** 5000, {i: i for i in range(n)}


def loud():
    return Loud()


def deep(n):
    return deep(n + 1)


def many(n):
    return [fact(i % 7) for i in range(n)]
''',
    "tests/test_odd.py": '''\
from shop.odd import fact, safe, numbers, huge, loud, deep, many


def test_odd():
    assert fact(30) > 0
    assert safe(3) == -1
    assert list(numbers(3)) == [0, 10, 20]
    huge(200000)
    loud()
    assert False, "boom"


def test_deep():
    deep(0)


def test_many():
    many(500)
    assert False
''',
}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def run_plugin(root: Path, test_id: str, tmp: Path, settrace: bool = False, **caps: int) -> dict:
    """Run ``test_id`` in ``root`` under the plugin (copied outside the tree, as the stage does); the JSON."""
    plugin_dir = tmp / "plugin"
    plugin_dir.mkdir(exist_ok=True)
    install_plugin(plugin_dir)
    out = tmp / "calls.json"
    env = {**os.environ, "PYTHONPATH": str(plugin_dir), "RDEBUG_CALLS_OUT": str(out),
           "RDEBUG_CALLS_ROOTS": str(root), "RDEBUG_CALLS_TEST": test_id, "PYTHONDONTWRITEBYTECODE": "1"}
    env.update({f"RDEBUG_CALLS_{k.upper()}": str(v) for k, v in caps.items()})
    if settrace:
        env["RDEBUG_CALLS_SETTRACE"] = "1"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", PLUGIN_MODULE, "-p", "no:cacheprovider"],
                   cwd=root, env=env, capture_output=True, timeout=120)
    return json.loads(out.read_text())


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (and the set of paths, folders included)."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return out
