import json
import sys

from rdebug.intake.detect import PYTEST_ARGS, detect_test_command, is_pytest


def test_nothing(tmp_path):
    (tmp_path / "README.md").write_text("hi")
    assert detect_test_command(tmp_path) is None


def test_pytest_config_variants(tmp_path):
    for name, text in [("pytest.ini", "[pytest]\n"), ("pyproject.toml", "[tool.pytest.ini_options]\nx = 1\n"),
                       ("setup.cfg", "[tool:pytest]\naddopts = -q\n"), ("tox.ini", "[pytest]\n"),
                       ("conftest.py", "")]:
        d = tmp_path / name.replace(".", "_")
        d.mkdir()
        (d / name).write_text(text)
        cmd = detect_test_command(d)
        assert cmd[1:] == PYTEST_ARGS, name
        assert is_pytest(cmd)


def test_pytest_never_writes_cache(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    cmd = detect_test_command(tmp_path)
    assert "no:cacheprovider" in cmd and "--tb=long" in cmd


def test_project_venv_is_preferred(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    exe = tmp_path / ".venv" / "bin" / "python"
    exe.parent.mkdir(parents=True)
    exe.write_text("")
    assert detect_test_command(tmp_path)[0] == str(exe)


def test_test_files_pytest_or_unittest(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("import unittest\nclass T(unittest.TestCase): pass\n")
    assert detect_test_command(tmp_path)[1:3] == ["-m", "unittest"]
    (tmp_path / "tests" / "b_test.py").write_text("import pytest\n")
    assert detect_test_command(tmp_path)[1:] == PYTEST_ARGS


def test_other_ecosystems(tmp_path):
    cases = {"go.mod": ["go", "test", "./..."], "Cargo.toml": ["cargo", "test"], "pom.xml": ["mvn", "-q", "-B", "test"],
             "build.gradle": ["gradle", "test"]}
    for marker, expected in cases.items():
        d = tmp_path / marker.replace(".", "_")
        d.mkdir()
        (d / marker).write_text("")
        assert detect_test_command(d) == expected


def test_npm_test_script(tmp_path):
    pkg = tmp_path / "package.json"
    pkg.write_text(json.dumps({"scripts": {"test": 'echo "Error: no test specified" && exit 1'}}))
    assert detect_test_command(tmp_path) is None
    pkg.write_text(json.dumps({"scripts": {"test": "jest"}}))
    assert detect_test_command(tmp_path) == ["npm", "test", "--silent"]
    pkg.write_text("{broken")
    assert detect_test_command(tmp_path) is None


def test_is_pytest():
    assert is_pytest([sys.executable, "-m", "pytest", "-q"]) and is_pytest(["pytest"])
    assert not is_pytest(["npm", "test"]) and not is_pytest(None)
