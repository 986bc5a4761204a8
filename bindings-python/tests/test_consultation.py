from __future__ import annotations

import json
import pytest

import wangge
from conftest import DATA, T


def building():
    h = wangge.Hierarchy()
    h.add("sjxc", "compound", "世纪新城小区")
    h.add("b5", "building", "5幢")
    h.contain("sjxc", "b5")
    owners, units = [], []
    for entrance in ["1", "2"]:
        for floor in range(1, 7):
            for door in [1, 2]:
                id_ = f"5-{entrance}-{floor}0{door}"
                owners.append({"id": f"o-{id_}"})
                units.append({"id": id_, "building": "b5", "buildingUnit": entrance,
                              "area": "89.57", "owner": f"o-{id_}"})
    roll = wangge.OwnerRoll({"format": "wangge.consultation.owner_roll", "version": 1,
                             "owners": owners, "units": units})
    return h, roll, units


def open_vote(h, roll, entrance):
    e = roll.electorate(h, {"building_unit": {"building": "b5", "unit": entrance}})
    return wangge.Vote(e, id=f"v-{entrance}", agenda="加装电梯",
                       rule={"preset": "elevator_installation", "units": [f"5-{entrance}-101"]},
                       opens_at="2025-05-01T09:00:00+08:00", closes_at="2025-05-31T18:00:00+08:00")


def test_elevator_votes():
    h, roll, units = building()
    v1 = open_vote(h, roll, "1")
    for u in [u for u in units if u["buildingUnit"] == "1"]:
        v1.cast(u["owner"], "oppose" if u["id"] == "5-1-101" else "agree", at="2025-05-02T10:00:00+08:00")
    v1.close(at="2025-05-31T18:00:00+08:00")
    assert v1.is_closed
    o1 = v1.outcome()
    assert o1["passed"] is False and o1["explanation"]["en"]
    v2 = open_vote(h, roll, "2")
    u2 = [u for u in units if u["buildingUnit"] == "2"]
    for i, u in enumerate(u2[:8]):
        v2.cast(u["owner"], "agree", at="2025-05-02T10:00:00+08:00")
    v2.register_proxy(u2[8]["owner"], u2[0]["owner"])
    v2.cast_by_proxy(u2[0]["owner"], u2[8]["owner"], "agree", at="2025-05-02T11:00:00+08:00")
    bad = v2.cast_many([(u["owner"], "oppose", "2025-05-02T12:00:00+08:00") for u in u2[9:]]
                       + [("o-5-2-101", "agree", "2025-05-02T12:00:00+08:00"),
                          ("o-5-2-102", "maybe", "2025-05-02T12:00:00+08:00"),
                          ("o-5-2-103", "agree", "2025-05-02T12:00:00")])
    assert [(i, e.code) for i, e in bad] == [(4, "consultation.duplicate_ballot"),
                                             (5, "input.malformed"), (6, "time.invalid_instant")]
    assert v2.passes() is True
    assert v2.tally()["agree"]["headcount"] == 9
    with pytest.raises(wangge.QuorumError) as e:
        v2.cast("o-5-2-101", "agree", at="2025-05-03T10:00:00+08:00")
    assert e.value.code == "consultation.duplicate_ballot"
    with pytest.raises(wangge.QuorumError) as e:
        v2.cast("o-5-1-101", "agree", at="2025-05-03T10:00:00+08:00")
    assert e.value.code == "consultation.voter_not_in_scope"
    v2.close(at="2025-05-31T18:00:00+08:00")
    with pytest.raises(wangge.QuorumError) as e:
        v2.cast("o-5-2-102", "agree", at="2025-06-03T10:00:00+08:00")
    assert e.value.code == "consultation.vote_closed"
    assert v2.id == "v-2" and v2.agenda == "加装电梯" and isinstance(v2.rule, wangge.Rule)
    assert len(v2.electorate) == 12 and "Vote(" in repr(v2)


def test_rules_and_electorates():
    h, roll, units = building()
    assert wangge.rule_document({"preset": "civil_code_278_ordinary"})["id"] == "civil_code_278_ordinary"
    r = wangge.Rule({"preset": "civil_code_278_special"})
    assert wangge.Rule(r.to_document()) == r and wangge.Rule(r.to_json()) == r and "Rule(" in repr(r)
    with pytest.raises(wangge.QuorumError, match="no_such_preset") as preset:
        wangge.Rule({"preset": "no_such_preset"})
    assert preset.value.code == "consultation.malformed"
    e = roll.electorate(h, "whole_roll")
    assert len(e) == 24 and len(e.voters()) == 24 and e.totals()
    assert e.voter_of_unit("5-1-101") == "o-5-1-101"
    i = e.voter_index("o-5-1-101")
    voters = list(range(len(e)))
    assert e.passes_coded(r, voters, [0] * len(e)) is True
    assert e.passes_coded(r, voters, [1] * len(e)) is False
    assert e.passes_many([r, wangge.Rule({"preset": "civil_code_278_ordinary"})], voters, [0] * 24) == [True, True]
    # The core's code table: 2 abstains, anything above is refused (as in JS).
    assert e.passes_coded(r, voters, [2] * len(e)) is False
    with pytest.raises(wangge.QuorumError) as bad:
        e.passes_coded(r, voters, [7] * len(e))
    assert bad.value.code == "consultation.unknown_choice_code" and bad.value.details == {"code": 7}
    with pytest.raises(wangge.QuorumError) as bad:
        e.passes_many([r], voters, [3] * len(e))
    assert bad.value.code == "consultation.unknown_choice_code"
    with pytest.raises(wangge.QuorumError) as bad:
        e.passes_coded(r, [i], [])
    assert bad.value.code == "consultation.malformed"
    with pytest.raises(wangge.QuorumError) as bad:
        e.passes_coded(r, [999], [0])
    assert bad.value.code == "consultation.unknown_voter_position" and bad.value.position == 999
    with pytest.raises(wangge.QuorumError):
        e.voter_index("nobody")
    with pytest.raises(wangge.QuorumError):
        roll.electorate(h, {"building": "nope"})
    assert "Electorate(" in repr(e) and "OwnerRoll(" in repr(roll)
    assert wangge.OwnerRoll(roll.to_json()) == roll and wangge.OwnerRoll(roll.to_document()) == roll
    with pytest.raises(wangge.QuorumError, match="area") as bad_area:
        wangge.OwnerRoll({"format": "wangge.consultation.owner_roll", "version": 1, "owners": [],
                          "units": [{"id": "u", "building": "b5", "area": "-1", "owner": "x"}]})
    assert bad_area.value.code == "consultation.invalid_area" and bad_area.value.input == "-1"
    with pytest.raises(wangge.QuorumError) as dup:
        wangge.OwnerRoll({"format": "wangge.consultation.owner_roll", "version": 1,
                          "owners": [{"id": "x"}, {"id": "x"}], "units": []})
    assert dup.value.code == "consultation.duplicate_owner"


def test_article_roll():
    h = wangge.Hierarchy.from_json((DATA / "shijixincheng.hierarchy.json").read_text(encoding="utf-8"))
    roll = wangge.OwnerRoll((DATA / "shijixincheng.roll.json").read_text(encoding="utf-8"))
    e = roll.electorate(h, "whole_roll")
    assert len(e) > 0


def test_forums(h):
    ledger = wangge.Ledger(h)
    ledger.report({"id": "A", "category": "livelihood.repair", "unit": "b3"}, actor="w1", at=T(0))
    ledger.apply("A", actor="zx", at=T(1), action={"type": "file"})
    doc = {"format": "wangge.consultation.forum_records", "version": 1,
           "forums": [{"id": "f", "name": "周末议事厅", "kind": "weekend_deliberation_hall"}],
           "sessions": [{"id": "s1", "forum": "f", "date": "2025-03-08", "convener": "社区党委",
                         "participants": 12, "agenda": [{"issue": "i1", "title": "景观桥", "decisions": [
                             {"text": "换大理石", "ticket": "A", "solved": True}]}]}]}
    forums = wangge.ForumRecords(doc)
    assert forums.stats() == {"sessions": 1, "consultations": 1, "problemsSolved": 1, "participants": 12}
    assert forums.stats("f")["sessions"] == 1
    with pytest.raises(wangge.QuorumError):
        forums.stats("nope")
    assert wangge.ForumRecords(forums.to_document()) == forums and "ForumRecords(" in repr(forums)
    res = forums.resolve_tickets(ledger, actor="w1", at=T(60))
    assert res[0]["ticket"] == "A" and isinstance(res[0]["error"], wangge.IllegalTransition)


def test_residents_roll(h):
    households = [{"id": "hh1", "representative": "r1", "place": "g1"},
                  {"id": "hh2", "representative": "r3", "place": "g2"}]
    residents = [{"id": "r1", "household": "hh1", "birthDate": "1970-01-01"},
                 {"id": "r2", "household": "hh1", "birthDate": "2015-06-01"},
                 {"id": "r3", "household": "hh2", "birthDate": "1980-01-01"}]
    roll = wangge.ResidentRoll(households, residents, [{"id": "grp", "representatives": ["r1", "r3"]}])
    assert len(roll.households()) == 2 and len(roll.residents()) == 3 and len(roll.groups()) == 1
    assert "ResidentRoll(households=2" in repr(roll) and roll == wangge.ResidentRoll(households, residents,
                                                                                      roll.groups())
    e = roll.electorate(h, {"territory": "g1"}, on="2025-05-01")
    assert len(e) >= 1
    import pickle
    back = pickle.loads(pickle.dumps(e))
    assert back.voters() == e.voters()
    assert pickle.loads(pickle.dumps(roll)) == roll
    with pytest.raises(wangge.QuorumError):
        wangge.ResidentRoll(households, residents + [{"id": "r9", "household": "nope", "birthDate": "1990-01-01"}])
    with pytest.raises(wangge.TimeError):
        roll.electorate(h, {"territory": "g1"}, on="2025-13-01")


def test_forum_electorates_and_statistics_over_a_period():
    import pickle

    e = wangge.Electorate.members(["m1", {"id": "m2", "representative": True}])
    assert e.totals()["persons"] == 2 and e.totals()["representatives"] == 1
    back = pickle.loads(pickle.dumps(e))
    assert back.voters() == ["m1", "m2"]
    vote = wangge.Vote(back, id="f", agenda="口袋公园", rule={"preset": "consensus_of_attendees", "basis": "persons"},
                       opens_at="2025-05-01T09:00:00+08:00", closes_at="2025-05-01T12:00:00+08:00")
    vote.cast("m1", "agree", at="2025-05-01T10:00:00+08:00")
    vote.cast("m2", "abstain", at="2025-05-01T10:00:00+08:00")
    assert vote.passes()
    with pytest.raises(wangge.QuorumError) as dup:
        wangge.Electorate.members(["a", "a"])
    assert dup.value.code == "consultation.duplicate_member"
    forums = wangge.ForumRecords({"format": "wangge.consultation.forum_records", "version": 1,
        "forums": [{"id": "f", "name": "周末议事厅", "kind": "weekend_deliberation_hall"}],
        "sessions": [{"id": f"s{i}", "forum": "f", "date": f"2025-0{i + 3}-08", "convener": "社区党委",
                      "participants": 10, "agenda": []} for i in range(3)]})
    assert forums.stats(start="2025-04-01", end="2025-05-31")["sessions"] == 2
    with pytest.raises(wangge.QuorumError) as period:
        forums.stats(start="2025-05-31", end="2025-04-01")
    assert period.value.code == "consultation.invalid_period"
    with pytest.raises(wangge.MalformedInput):
        forums.stats(start="2025-05-31")


def test_the_same_document_methods_as_js():
    """ForumRecords.to_json, Authority.to_document and compute_metrics, as in the JS package."""
    records = wangge.ForumRecords({"format": "wangge.consultation.forum_records", "version": 1, "forums": []})
    assert json.loads(records.to_json()) == records.to_document()
    authority = wangge.Authority("gbt30428")
    assert authority.to_document() == authority.to_dict()
    h = wangge.Hierarchy()
    h.add("g", "grid", "x")
    ledger = wangge.Ledger(h)
    report = wangge.compute_metrics(ledger, wangge.Calendar.standard(), {"periodBy": "month"})
    assert report == wangge.Metrics(ledger, wangge.Calendar.standard(), {"periodBy": "month"}).report()


def test_a_resident_roll_reads_the_same_document_as_in_js():
    households = [{"id": "h1", "representative": "li"}]
    residents = [{"id": "li", "household": "h1", "birthDate": "1960-05-01"}]
    from_parts = wangge.ResidentRoll(households, residents)
    from_document = wangge.ResidentRoll({"households": households, "residents": residents})
    assert from_parts == from_document
    doc = from_document.to_document()
    assert doc["format"] == "wangge.consultation.resident_roll" and doc["version"] == 1
    assert wangge.ResidentRoll(from_document.to_json()) == from_document
    assert wangge.ResidentRoll(doc) == from_document
    with pytest.raises(wangge.WanggeError) as e:
        wangge.ResidentRoll(dict(doc, version=2))
    assert e.value.code == "consultation.unsupported_format"
