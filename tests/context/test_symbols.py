"""Callee definitions across files through the lazy tags index, and its caches."""

from __future__ import annotations

import json

from ctxutil import commit_all, git_init, write

from rdebug.context import symbols, treesitter
from rdebug.context.files import FileReader
from rdebug.context.symbols import DefinitionFinder, TagsIndex, cache_dir

PY_REPO = {
    "app/__init__.py": "",
    "app/main.py": "from app.util import helper\nfrom app import models\n\n\ndef run(x):\n"
                   "    m = models.Model()\n    return helper(x) + m.size() + far_away(x)\n",
    "app/util.py": "def helper(x):\n    return x * 2\n",
    "app/models.py": "class Model:\n    def size(self):\n        return 3\n",
    "lib/deep/hooks.py": "def far_away(x):\n    return x\n",
    "lib/deep/other.py": "def unrelated():\n    pass\n",
}


def finder(root, git=False):
    return DefinitionFinder(TagsIndex.for_root(root), FileReader(root), git, search_s=5.0)


def test_imports_then_directory_then_grep_in_git_repo(tmp_path):
    write(tmp_path, PY_REPO)
    git_init(tmp_path)
    commit_all(tmp_path, "init")
    found = finder(tmp_path, git=True).find(["helper", "size", "far_away", "nowhere"], ["app/main.py"])
    assert found["helper"].path == "app/util.py" and found["helper"].start_line == 1
    assert found["size"].path == "app/models.py" and found["size"].kind == "function"
    assert found["far_away"].path == "lib/deep/hooks.py"
    assert "nowhere" not in found


def test_grep_outside_git(tmp_path):
    write(tmp_path, PY_REPO)
    found = finder(tmp_path).find(["far_away"], ["app/main.py"])
    assert found["far_away"].path == "lib/deep/hooks.py"


def test_repo_wide_search_only_for_listed_names(tmp_path):
    write(tmp_path, PY_REPO)
    found = finder(tmp_path).find(["far_away"], ["app/main.py"], repo_wide=set())
    assert found == {}


def test_javascript_and_go_neighbours(tmp_path):
    write(tmp_path, {
        "web/app.js": "import { total } from './lib/sum';\nexport function main(xs) {\n  return total(xs);\n}\n",
        "web/lib/sum.js": "export function total(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\n",
        "go.mod": "module example.com/m\n\ngo 1.21\n",
        "calc/add.go": "package calc\n\nfunc Add(a, b int) int {\n\treturn a + b\n}\n",
        "calc/add_test.go": "package calc\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tAdd(1, 2)\n}\n",
        "cmd/main.go": "package main\n\nimport \"example.com/m/calc\"\n\nfunc main() {\n\tcalc.Add(1, 2)\n}\n",
    })
    f = finder(tmp_path)
    assert f.find(["total"], ["web/app.js"], repo_wide=set())["total"].path == "web/lib/sum.js"
    assert f.find(["Add"], ["calc/add_test.go"], repo_wide=set())["Add"].path == "calc/add.go"
    assert f.find(["Add"], ["cmd/main.go"], repo_wide=set())["Add"].path == "calc/add.go"


def test_disk_cache_avoids_reparsing(tmp_path, monkeypatch):
    write(tmp_path, PY_REPO)
    f = finder(tmp_path)
    f.find(["helper"], ["app/main.py"])
    f.index.save()
    assert f.index.cache_file.is_relative_to(cache_dir()) and not f.index.cache_file.is_relative_to(tmp_path)
    data = json.loads(f.index.cache_file.read_text())
    assert "app/util.py" in data["files"]
    symbols._INDEXES.clear()  # a fresh process: only the disk cache is left
    calls = []
    real = treesitter.parse_source
    monkeypatch.setattr(symbols, "parse_source", lambda src: calls.append(src.path) or real(src))
    found = finder(tmp_path).find(["helper"], ["app/main.py"])
    assert found["helper"].path == "app/util.py" and "app/util.py" not in calls


def test_changed_file_is_reparsed(tmp_path):
    write(tmp_path, PY_REPO)
    f = finder(tmp_path)
    assert f.find(["helper"], ["app/main.py"])["helper"].start_line == 1
    write(tmp_path, {"app/util.py": "\n\n# moved\ndef helper(x):\n    return x * 3\n"})
    assert finder(tmp_path).find(["helper"], ["app/main.py"])["helper"].start_line == 4


def test_no_cache_written_into_the_repository(tmp_path):
    write(tmp_path, PY_REPO)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    f = finder(tmp_path)
    f.find(["far_away"], ["app/main.py"])
    f.index.save()
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_search_time_limit_is_noted(tmp_path):
    write(tmp_path, PY_REPO)
    f = DefinitionFinder(TagsIndex.for_root(tmp_path), FileReader(tmp_path), False, search_s=0.0)
    assert "far_away" not in f.find(["far_away"], ["app/main.py"])
    assert any("stopped at its time limit" in n for n in f.notes)
