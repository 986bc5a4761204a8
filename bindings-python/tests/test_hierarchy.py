from __future__ import annotations

import copy
import json

import pytest

import wangge
from conftest import DATA, leak_hierarchy


def ids(nodes):
    return [n["id"] for n in nodes]


def test_build_and_query(h):
    assert len(h) == 15 and h.edge_count > 0
    assert "b3" in h and "nope" not in h
    assert repr(h).startswith("Hierarchy(nodes=15")
    assert ids(h.chain("b3")) == ["b3", "xhct", "g1", "hh", "town", "zone", "city"]
    assert h.chain_ids("b3") == ["b3", "xhct", "g1", "hh", "town", "zone", "city"]
    assert h.grid_of("b3")["id"] == "g1"
    assert h.parent("city") is None and h.parent("g1")["id"] == "hh"
    assert ids(h.children("hh")) == ["g1", "g2"]
    assert ids(h.staff("g1")) == ["w1"]
    assert ids(h.departments_for("b3", "livelihood.repair")) == ["smr", "cg", "zj"]
    assert h.lowest_common_ancestor("g1", "g2")["id"] == "hh"
    assert ids(h.descendants_of_kind("hh", "grid")) == ["g1", "g2"]
    assert h.ancestor_of_kind("b3", "community")["id"] == "hh"
    assert h.leading_party_org("b3") is None
    assert h.node("g1")["kind"] == "grid" and h.node("zz") is None
    assert len(h.nodes()) == 15 and ids(h.nodes_of_kind("department")) == ["smr", "cg", "zj"]
    assert ids(h.roots())[0] == "city"
    assert any(e["kind"] == "contains" for e in h.edges())
    assert ids(h.targets("hh", "contains")) == ["g1", "g2"]
    assert ids(h.sources("g1", "contains")) == ["hh"]


def test_mutations(h):
    h.add("pc", "party_committee", "党委")
    h.lead("pc", "hh")
    assert h.leading_party_org("b3")["id"] == "pc"
    h.add_node({"id": "g3", "kind": "grid", "name": "第三网格", "address": "某路1号"})
    h.contain("hh", "g3")
    h.add("org", "volunteer_team", "志愿队")
    h.join("w1", "org")
    h.connect({"kind": "serves", "from": "w2", "to": "g3"})
    h.disconnect("serves", "w2", "g3")
    h.rename("g3", "第3网格")
    h.set_place("g3", address="某路2号", location={"lat": 32.6, "lng": 116.9})
    assert h.node("g3")["name"] == "第3网格" and h.node("g3")["address"] == "某路2号"
    h.move_to("xhct", "g3")
    assert h.grid_of("b3")["id"] == "g3"
    removed = h.remove("w2")
    assert removed["id"] == "w2" and "w2" not in h


def test_refusals_change_nothing(h):
    before = h.to_json()
    with pytest.raises(wangge.HierarchyError) as e:
        h.contain("hh", "town")
    assert e.value.code == "hierarchy.containment_cycle" and e.value.parent == "hh"
    with pytest.raises(wangge.HierarchyError, match="g1"):
        h.add("g1", "grid", "dup")
    with pytest.raises(wangge.HierarchyError) as unknown:
        h.add("x", "villa", "?")
    assert unknown.value.code == "hierarchy.unknown_kind" and unknown.value.kind == "villa"
    with pytest.raises(wangge.HierarchyError) as e:
        h.serve("smr", "g1")
    assert e.value.code == "hierarchy.edge_kinds"
    with pytest.raises(wangge.HierarchyError) as e:
        h.chain("nope")
    assert e.value.code == "hierarchy.unknown_id" and e.value.id == "nope"
    with pytest.raises(wangge.HierarchyError):
        h.remove("hh")
    assert h.to_json() == before


def test_json_round_trip_and_copies(h):
    doc = h.to_document()
    assert doc["format"] == "wangge.hierarchy"
    back = wangge.Hierarchy.from_json(h.to_json())
    assert back == h and back.to_json() == h.to_json()
    assert wangge.Hierarchy.from_json(doc) == h
    assert json.loads(h.to_json(indent=True)) == json.loads(h.to_json())
    c = h.copy()
    c.add("extra", "grid", "x")
    assert "extra" not in h and c != h
    assert copy.copy(h) == h and copy.deepcopy(h) == h
    assert h != "not a hierarchy"


def test_article_data_files():
    for name in ["xinjian", "hongfu", "shijixincheng"]:
        text = (DATA / f"{name}.hierarchy.json").read_text(encoding="utf-8")
        hh = wangge.Hierarchy.from_json(text)
        assert len(hh) > 5 and wangge.Hierarchy.from_json(hh.to_json()) == hh


def test_division_codes():
    h = wangge.Hierarchy()
    added, errors = h.import_division_codes([
        {"code": "340404001001", "name": "新建社区"}, ("340404001000", "毕家岗街道"),
        {"code": "340404000000", "name": "八公山区"}, {"code": "3404", "name": "bad"},
    ])
    assert set(added) == {"340404001001", "340404001000", "340404000000"}
    assert [(row, e.code) for row, e in errors] == [(4, "division.malformed")]
    assert isinstance(errors[0][1], wangge.DivisionCodeError)
    with pytest.raises(wangge.MalformedInput):
        h.import_division_codes([{"code": 1}])


def test_division_code_orphan_is_reported():
    h = wangge.Hierarchy()
    _, errors = h.import_division_codes([("340404001001", "新建社区")])
    assert errors == [] or all(isinstance(e, wangge.DivisionCodeError) for _, e in errors)


def test_keys_of_any_iterable_of_ids(h):
    ids = ["b3", "g2", "b3"] * 3000
    keys = h.keys_of(ids)
    assert list(keys) == [h.key_of(i) for i in ids]
    assert h.keys_of(tuple(ids)) == keys
    assert h.keys_of(iter(ids)) == keys
    assert h.keys_of(x for x in ids) == keys
    # A new string object for every id, freed as soon as it is read: keys are remembered by
    # object, and no freed object's address is mistaken for another id.
    fresh = h.keys_of(("b" + str(3)) if i % 3 != 1 else ("g" + str(2)) for i in range(9000))
    assert fresh == keys
    assert h.keys_of([]) == h.keys_of(iter(()))
    with pytest.raises(TypeError):
        h.keys_of("b3")
    with pytest.raises(TypeError):
        h.keys_of(["b3", 7])  # type: ignore[list-item]
    with pytest.raises(wangge.HierarchyError):
        h.keys_of(["b3"] * 100 + ["nope"])


def test_bulk_routing(h):
    keys = h.keys_of(["b3", "g2"])
    assert list(keys) == [h.key_of("b3"), h.key_of("g2")] and keys.typecode == "I"
    chains, ends = h.chains_of(keys)
    assert list(ends) == [7, 12]
    assert list(h.chains_of(list(keys))[0]) == list(chains), "lists and packed arrays alike"
    assert h.chain_lengths(keys.tobytes()) == 12
    assert h.id_of(chains[7]) == "g2"
    assert h.chain_lengths(keys) == 12
    assert h.ancestors_of_kind(keys, "community") == [h.key_of("hh")] * 2
    km = h.key_map()
    assert len(km) == len(h) and km["b3"] == h.key_of("b3")
    # An unknown key is the core's typed error, the same in JS.
    with pytest.raises(wangge.HierarchyError) as unknown:
        h.chain_lengths([10**6])
    assert unknown.value.code == "hierarchy.unknown_key" and unknown.value.key == 10**6
    with pytest.raises(wangge.MalformedInput):
        h.chain_lengths(b"\x00\x01\x02")  # a partial item
    import array
    with pytest.raises(wangge.MalformedInput):
        h.chain_lengths(array.array("H", [1, 2]))  # 2-byte items
    with pytest.raises(wangge.MalformedInput):
        h.chain_lengths([-1])
    with pytest.raises(wangge.HierarchyError):
        h.chains_of([10**6])
    with pytest.raises(wangge.HierarchyError):
        h.ancestors_of_kind([10**6], "community")
    with pytest.raises(wangge.MalformedInput):
        h.id_of(10**6)
    with pytest.raises(wangge.HierarchyError):
        h.keys_of(["b3", "nope"])
    with pytest.raises(wangge.HierarchyError):
        h.key_of("nope")


def test_leak_hierarchy_is_fresh():
    assert leak_hierarchy() == leak_hierarchy()
