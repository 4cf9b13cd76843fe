"""docs/operations.md lists every environment variable the configuration reads — no more, no less.

The names are collected from the source (not from a hand-kept list): every string passed to
os.environ.get / os.environ[...] / os.getenv / os.environ.setdefault / env_* helpers / dj_database_url,
in config/ and in the application code outside tests."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV_HELPERS = {"env_bool", "env_list", "env_int", "env_secret_key"}


def _is_environ(node) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _first_string(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def names_read(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and _is_environ(node.value)
            and isinstance(node.slice, ast.Constant)
        ):
            found.add(node.slice.value)
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Constant)
            and any(_is_environ(c) for c in node.comparators)
        ):
            found.add(node.left.value)
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = None
        if isinstance(func, ast.Attribute) and (
            (_is_environ(func.value) and func.attr in {"get", "setdefault"}) or func.attr == "getenv"
        ):
            name = _first_string(node)
        elif isinstance(func, ast.Name) and func.id in ENV_HELPERS:
            name = _first_string(node) or ("SECRET_KEY" if func.id == "env_secret_key" else None)
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "config"
            and getattr(func.value, "id", "") == ("dj_database_url")
        ):
            keywords = {kw.arg: kw.value for kw in node.keywords}
            env = keywords.get("env")
            name = env.value if isinstance(env, ast.Constant) else "DATABASE_URL"
        if name:
            found.add(name)
    return found


def source_files() -> list[Path]:
    files = [*ROOT.joinpath("config").rglob("*.py"), ROOT / "manage.py"]
    files += [path for path in ROOT.joinpath("vyzov").rglob("*.py") if "tests" not in path.parts]
    return files


def variables_in_code() -> set[str]:
    names = set()
    for path in source_files():
        names |= names_read(ast.parse(path.read_text(encoding="utf-8")))
    # The helpers read the name they are given, not a literal of their own.
    return names - {"name"}


def variables_in_table() -> set[str]:
    text = ROOT.joinpath("docs/operations.md").read_text(encoding="utf-8")
    section = text.split("## Настройки", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_the_collector_finds_every_kind_of_read():
    tree = ast.parse(
        "import os, dj_database_url\n"
        "a = os.environ.get('A')\nb = os.environ['B']\nc = os.getenv('C')\n"
        "os.environ.setdefault('D', 'x')\ne = env_bool('E', False)\nf = dj_database_url.config()\n"
        "g = dj_database_url.config(env='G_URL')\nh = 'H' in os.environ\n"
    )
    assert names_read(tree) == {"A", "B", "C", "D", "E", "DATABASE_URL", "G_URL", "H"}


def test_every_variable_the_code_reads_is_in_the_operations_table_and_nothing_else():
    in_code, in_table = variables_in_code(), variables_in_table()
    assert in_code, "no environment reads found: the collector is broken"
    assert not in_code - in_table, (
        f"read by the code but missing from docs/operations.md: {in_code - in_table}"
    )
    assert not in_table - in_code, f"in docs/operations.md but read nowhere: {in_table - in_code}"
