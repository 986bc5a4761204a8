"""The stubs name exactly what the extension module exposes (scripts/python.sh test also
runs mypy.stubtest, which checks signatures too)."""

from __future__ import annotations

import ast
import inspect
import pathlib

import wangge
from wangge import _wangge

STUB = pathlib.Path(wangge.__file__).with_name("_wangge.pyi")


def stub_names():
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            top.add(node.name)
            members[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)} | {
                n.target.id for n in node.body
                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
            }
        elif isinstance(node, ast.FunctionDef):
            top.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            top.add(node.target.id)
    return top, members


def public(names):
    return {n for n in names if not n.startswith("__") or n in ("__version__",)}


def test_every_runtime_name_is_stubbed_and_back():
    top, members = stub_names()
    runtime = public(n for n in dir(_wangge) if not n.startswith("_") or n == "__version__")
    assert runtime - top == set(), "missing from the stub"
    assert top - runtime - {"__all__"} == set(), "stubbed but not at runtime"
    for cls_name, stubbed in members.items():
        cls = getattr(_wangge, cls_name)
        names = {n for n, _ in inspect.getmembers(cls) if not n.startswith("__")}
        assert names - stubbed == set(), cls_name
        assert {n for n in stubbed if not n.startswith("__")} - names == set(), cls_name


def test_package_exports():
    for name in wangge.__all__:
        assert hasattr(wangge, name), name
    assert (STUB.parent / "py.typed").exists()
