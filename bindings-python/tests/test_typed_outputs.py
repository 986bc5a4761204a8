"""Real outputs through the declared types, at runtime.

The whole conformance corpus and a few hundred differential sequences run through a recording
proxy of the ``wangge`` module: every method and function call goes to the real extension and
its result is kept. Each result is then checked against the return annotation of that method
in the stubs (``_wangge.pyi``), whose ``TypedDict``s and ``Literal`` aliases are generated from
the Rust types (``wangge/_types_generated.py``): a missing key, an extra key, a wrong literal or
a wrong type fails here. A corrupted copy of one result must fail the same check.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import typing
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any, Dict, List, Tuple, get_args, get_origin

import pytest

import wangge
import wangge.types as wtypes

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_conformance as tc  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
STUB = Path(wangge.__file__).parent / "_wangge.pyi"
PER_METHOD = 120

# ------------------------------------------------------------------------------------------
# Recording proxy

RECORDED: Dict[str, Dict[str, Any]] = defaultdict(dict)
CLASSES = {n for n in dir(wangge._wangge) if isinstance(getattr(wangge._wangge, n), type)
           and not issubclass(getattr(wangge._wangge, n), BaseException)}


def record(key: str, value: Any) -> None:
    seen = RECORDED[key]
    if len(seen) < PER_METHOD:
        try:
            seen.setdefault(json.dumps(value, sort_keys=True, default=str), value)
        except (TypeError, ValueError):
            pass


def unwrap(x: Any) -> Any:
    return x._real if isinstance(x, Wrapped) else x


def wrap(x: Any) -> Any:
    return Wrapped(x) if type(x).__name__ in CLASSES else x


def recorded_call(key: str, fn: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        out = fn(*[unwrap(a) for a in args], **{k: unwrap(v) for k, v in kwargs.items()})
        record(key, out)
        return wrap(out)
    return call


class Wrapped:
    def __init__(self, real: Any):
        object.__setattr__(self, "_real", real)

    def __getattr__(self, name: str) -> Any:
        real = object.__getattribute__(self, "_real")
        attr = getattr(real, name)
        if callable(attr) and not isinstance(attr, type):
            return recorded_call(f"{type(real).__name__}.{name}", attr)
        return wrap(attr)

    def __len__(self) -> int:
        return len(self._real)

    def __iter__(self):
        return iter(self._real)

    def __getitem__(self, key: Any) -> Any:
        return self._real[key]


class ClassProxy:
    def __init__(self, cls: type):
        self.cls = cls

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return Wrapped(self.cls(*[unwrap(a) for a in args], **{k: unwrap(v) for k, v in kwargs.items()}))

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.cls, name)
        return recorded_call(f"{self.cls.__name__}.{name}", attr) if callable(attr) else attr


class ModuleProxy:
    def __getattr__(self, name: str) -> Any:
        attr = getattr(wangge, name)
        if name in CLASSES:
            return ClassProxy(attr)
        if callable(attr) and not isinstance(attr, type):
            return recorded_call(name, attr)
        return attr


def run(setup: Dict[str, Any], ops: List[Dict[str, Any]]) -> None:
    session = tc.Session(setup)
    for o in ops:
        try:
            session.run(o)
        except (wangge.WanggeError, AttributeError, TypeError):
            pass  # refusals (and vote operations after a refused opening) return nothing
    extras = [
        lambda: session.h.to_document(), lambda: session.h.nodes(), lambda: session.h.edges(),
        lambda: session.ledger().tickets(), lambda: session.ledger().all_events(),
        lambda: session.ledger().taxonomy(), lambda: session.calendar.to_document(),
        lambda: session.policy.to_document(),
        lambda: session.policy.evaluate(session.ledger(), now="2025-06-01T09:00:00+08:00", calendar=session.calendar).to_list(),
        lambda: session.roll.to_document(), lambda: session.vote.tally(), lambda: session.vote.outcome(),
        lambda: session.electorate.totals(), lambda: session.forums.to_document(), lambda: session.authority.to_dict(),
        lambda: tc.wangge.open311_requests(session.ledger()), lambda: tc.wangge.open311_services(session.ledger()),
        lambda: metrics(session),
        lambda: session.policy.what_if(session.ledger(), policy=tc.wangge.service_policy_guangdong_12345(),
                                       calendar=session.calendar, alternative=tc.wangge.EscalationPolicy.standard(),
                                       alternative_policy=tc.wangge.service_policy_beijing(),
                                       horizon="2025-06-01T09:00:00+08:00"),
    ]
    for f in extras:
        try:
            f()
        except (wangge.WanggeError, AttributeError, TypeError):
            pass


def metrics(session: Any) -> None:
    m = tc.wangge.Metrics(session.ledger(), session.calendar, {"groupBy": {"level": "grid"}, "periodBy": "month"})
    report = m.report()
    m.rank("received", period=report["rows"][0]["period"] if report["rows"] else "all")
    m.check([{"metric": "closing_rate", "atLeast": {"num": 9, "den": 10}}])


@pytest.fixture(scope="module")
def recorded() -> Dict[str, Dict[str, Any]]:
    real = tc.wangge
    tc.wangge = ModuleProxy()  # type: ignore[assignment]
    try:
        for path in sorted((ROOT / "tests" / "conformance").glob("*.json")):
            if path.name == "error-codes.json":
                continue
            for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
                run(case.get("setup", {}), case["ops"])
        text = subprocess.run([sys.executable, str(ROOT / "tests/differential/generate.py"), "--count", "300"],
                              check=True, capture_output=True, text=True).stdout
        header, *sequences = [json.loads(line) for line in text.splitlines()]
        for seq in sequences:
            run(header["setup"], seq["ops"])
    finally:
        tc.wangge = real
    return RECORDED


# ------------------------------------------------------------------------------------------
# The declared return types (from the stubs) and a runtime check of values against them


def declared_returns() -> Dict[str, str]:
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    out: Dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.returns is not None:
            out[node.name] = ast.unparse(node.returns)
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.returns is not None:
                    out[f"{node.name}.{item.name}"] = ast.unparse(item.returns)
    return out


NAMESPACE: Dict[str, Any] = {**vars(typing), **vars(wtypes), **{n: getattr(wangge, n) for n in CLASSES},
                             "datetime": datetime, "date": date, "array": __import__("array").array}


def resolve(tp: Any) -> Any:
    if isinstance(tp, str):
        return eval(tp, NAMESPACE)  # noqa: S307 (our own stub's annotations)
    if isinstance(tp, typing.ForwardRef):
        return eval(tp.__forward_arg__, NAMESPACE)  # noqa: S307
    return tp


def check(value: Any, tp: Any, where: str) -> List[str]:
    tp = resolve(tp)
    origin, args = get_origin(tp), get_args(tp)
    if tp is Any or tp is object:
        return []
    if tp is None or tp is type(None):
        return [] if value is None else [f"{where}: {value!r} is not None"]
    if origin is typing.Union:
        failures = [check(value, a, where) for a in args]
        if any(not f for f in failures):
            return []
        best = min(failures, key=len)
        return [f"{where}: {short(value)} matches no member of {tp}"] + best[:3]
    if origin is typing.Literal:
        ok = any(value == a and type(value) is type(a) for a in args)
        return [] if ok else [f"{where}: {value!r} is not one of {args}"]
    if origin in (list, List):
        if not isinstance(value, list):
            return [f"{where}: {short(value)} is not a list"]
        return [e for i, v in enumerate(value) for e in check(v, args[0], f"{where}[{i}]")]
    if origin in (tuple, Tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(args):
            return [f"{where}: {short(value)} is not a {len(args)}-tuple"]
        return [e for i, (v, a) in enumerate(zip(value, args)) for e in check(v, a, f"{where}[{i}]")]
    if origin in (dict, Dict):
        if not isinstance(value, dict):
            return [f"{where}: {short(value)} is not a dict"]
        return [e for k, v in value.items() for e in check(v, args[1], f"{where}[{k!r}]")]
    if typing.is_typeddict(tp):
        if not isinstance(value, dict):
            return [f"{where}: {short(value)} is not a {tp.__name__}"]
        hints = typing.get_type_hints(tp, globalns=NAMESPACE)
        errors = [f"{where}: {tp.__name__} has no key {k!r}" for k in value if k not in hints]
        errors += [f"{where}: {tp.__name__} lacks required key {k!r}" for k in tp.__required_keys__ if k not in value]
        for k, v in value.items():
            if k in hints:
                errors += check(v, hints[k], f"{where}.{k}")
        return errors
    if tp is float:
        return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else [f"{where}: {value!r} is not a number"]
    if tp is int:
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{where}: {value!r} is not an int"]
    if isinstance(tp, type):
        return [] if isinstance(value, tp) else [f"{where}: {short(value)} is not a {tp.__name__}"]
    return [f"{where}: cannot check against {tp}"]


def short(v: Any) -> str:
    text = repr(v)
    return text if len(text) < 160 else text[:160] + "…"


def test_every_recorded_output_matches_its_declared_type(recorded, capsys):
    returns = declared_returns()
    errors: List[str] = []
    checked = 0
    for key, values in sorted(recorded.items()):
        if key not in returns:
            continue
        for value in values.values():
            checked += 1
            errors += check(value, returns[key], key)
    with capsys.disabled():
        print(f"\ntyped outputs (python): {checked} values of {len([k for k in recorded if k in returns])} methods "
              f"checked against their generated types")
    assert len([k for k in recorded if k in returns]) >= 50
    assert not errors, "\n".join(errors[:40])


def test_a_corrupted_output_fails_the_check(recorded):
    returns = declared_returns()
    value = next(iter(recorded["Ledger.get"].values()))
    bad = dict(value, state="teleported")
    assert check(bad, returns["Ledger.get"], "Ledger.get")
    extra = dict(value, smuggled=1)
    assert check(extra, returns["Ledger.get"], "Ledger.get")
    missing = {k: v for k, v in value.items() if k != "holder"}
    assert check(missing, returns["Ledger.get"], "Ledger.get")
