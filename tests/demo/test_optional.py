"""The demo app is optional: no runtime module imports it, and the site starts without it."""

import ast
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

RUNTIME_PACKAGES = ("core", "accounts", "articles", "community", "config")

# Run in a fresh interpreter with demo left out of INSTALLED_APPS: import every runtime module (views,
# services, tasks, admin, migrations...), run the system checks (they load the URLconf), and look for
# the demo commands. Nothing may have pulled the demo package in.
WITHOUT_DEMO = f"""
import importlib, pkgutil, sys
import django
from django.apps import apps
from django.core.management import call_command, get_commands

django.setup()
assert not apps.is_installed("demo"), "demo is still installed"
for name in {RUNTIME_PACKAGES!r}:
    package = importlib.import_module(name)
    for module in pkgutil.walk_packages(package.__path__, name + "."):
        importlib.import_module(module.name)
call_command("check", fail_level="WARNING")
assert not {{"seed_demo", "seed_scale"}} & set(get_commands()), "a demo command is still there"
loaded = sorted(m for m in sys.modules if m == "demo" or m.startswith("demo."))
assert not loaded, f"imported without being installed: {{loaded}}"
print("runs without demo")
"""


def _imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_no_runtime_module_imports_demo_not_even_inside_a_function():
    base = Path(settings.BASE_DIR)
    offenders = []
    for package in RUNTIME_PACKAGES:
        for path in sorted((base / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            names = [name for name in _imported_modules(tree) if name == "demo" or name.startswith("demo.")]
            offenders += [f"{path.relative_to(base)}: {name}" for name in names]
    assert offenders == []


def test_the_site_starts_and_passes_its_checks_without_the_demo_app():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["DJANGO_SETTINGS_MODULE"] = "tests.demo.settings_without_demo"
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", WITHOUT_DEMO],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "runs without demo" in result.stdout
