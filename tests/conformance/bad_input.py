"""Bad input: the conformance cases of bad-input.json.

What a partner system may send — half-written JSON, wrong types inside documents and actions,
unknown fields, values out of range, nonsense that parses — put through every runtime's
public API by the shared runners. Every case must be refused with the typed error named
here: no crash, no trap, no silent acceptance. For actions and reports the runners also check
that the refusal left the ledger's log byte-identical, and each ticket case ends by reading
the ticket's state, unchanged.

Standard library only, like generate.py, which calls `cases(generate_module)`.
"""

import copy


def cases(g):
    op, case, t, A, who, report = g.op, g.case, g.t, g.A, g.who, g.report
    setup = g.LEAK_SETUP
    out = []

    # A ticket dispatched to grid g1, then one bad action: refused, state unchanged.
    base = [op("t.report", ticket=report(), actor="zone", at=t(0)),
            op("t.apply", ticket="T1", actor=who("file"), at=t(1), action=A["file"]),
            op("t.apply", ticket="T1", actor=who("dispatch"), at=t(2), action=A["dispatch"])]

    filed = base[:2]

    def action_case(name, action, code, actor=None, at=None, ticket="T1", on=None):
        on = on or (base, "dispatched")
        ops = on[0] + [op("t.apply", ticket=ticket, actor="zx" if actor is None else actor,
                          at=t(3) if at is None else at, action=action, error=code),
                       op("t.state", ticket="T1", expect=on[1])]
        out.append(case(f"bad action: {name}", ops, setup))

    # 1. Action documents of the wrong shape: every action type, with an unknown member, a
    #    member of the wrong type, and (where it has one) a required member missing.
    for name, action in A.items():
        action_case(f"{name} with an unknown member", dict(action, foo=1), "input.malformed")
        action_case(f"{name} with a nested unknown member", dict(action, extra={"a": [1, {"b": None}]}), "input.malformed")
        action_case(f"{name} whose type is a number", dict(action, type=5), "input.malformed")
        action_case(f"{name} whose type is upper case", dict(action, type=action["type"].upper()), "input.malformed")
        for key, value in action.items():
            if key == "type":
                continue
            for wrong in ([value], {"v": value}, 12345678901234567890 if isinstance(value, str) else "x"):
                action_case(f"{name}.{key} as {type(wrong).__name__}", dict(action, **{key: wrong}), "input.malformed")
            missing = {k: v for k, v in action.items() if k != key}
            if name not in ("escalate", "whistle", "supervise", "remind", "request_extension", "record_refusal"):
                action_case(f"{name} without {key}", missing, "input.malformed")
    action_case("no type", {"to": "g1"}, "input.malformed")
    action_case("an unknown type", {"type": "teleport"}, "input.malformed")
    action_case("an empty object", {}, "input.malformed")
    action_case("a list", [{"type": "file"}], "input.malformed")
    action_case("a string", "file", "input.malformed")
    action_case("null", None, "input.malformed")
    action_case("a number", 7, "input.malformed")
    action_case("deeply nested", dict(A["supervise"], note=nest(60)), "input.malformed")

    # 2. Envelopes: who, when, which ticket.
    for actor, code in [("", "ticket.unknown_actor"), ("nobody", "ticket.unknown_actor"), ("ZX", "ticket.unknown_actor"),
                        (" zx", "ticket.unknown_actor"), ("zx\u0000", "ticket.unknown_actor"),
                        ("w2", "ticket.unauthorized"), ("pm", "ticket.unauthorized"), ("smr", "ticket.unauthorized"),
                        ("@nobody", "ticket.unknown_actor")]:
        action_case(f"actor {actor!r}", A["acknowledge"], code, actor=actor)
    for at in ["yesterday", "", "2025-03-03", "2025-03-03T09:00:00", "2025-13-03T09:00:00+08:00",
               "2025-02-30T09:00:00+08:00", "2025-03-03T25:00:00+08:00", "2025-03-03T09:60:00+08:00",
               "2025-03-03T09:00:00+15:00", "2025-03-03T09:00:00-13:00", "2025-03-03T09:00:00+08",
               "2025-03-03 09:00:00+08:00x", "99999-01-01T00:00:00Z",
               "2025-03-03T09:00:00.5.5+08:00", "NaN", "１２３", "2025-03-03T09:00:00+08:00\n"]:
        action_case(f"time {at!r}", A["acknowledge"], "time.invalid_instant", actor=who("acknowledge"), at=at)
    for at in ["1969-12-31T23:59:59+08:00", "1999-12-31T23:59:59+08:00", "2100-01-01T00:00:00+08:00",
               "2200-03-03T09:00:00+08:00", "9999-12-29T00:00:00Z"]:
        action_case(f"a time outside the ticket years: {at}", A["acknowledge"], "ticket.time_out_of_range",
                    actor=who("acknowledge"), at=at)
    action_case("time going backwards", A["acknowledge"], "ticket.time_went_backwards", actor=who("acknowledge"), at=t(1))
    for tid in ["T2", "", "t1", "T1 ", "T1\n", "../T1", "T" * 300]:
        action_case(f"ticket {tid[:20]!r}", A["acknowledge"], "ticket.unknown_ticket", actor=who("acknowledge"), ticket=tid)

    # 3. Targets that do not exist or cannot hold a ticket.
    for to in ["", "nobody", "G1", "dw", "zb1", "b3x"]:
        code = {"": "input.malformed", "nobody": "ticket.unknown_unit", "G1": "ticket.unknown_unit",
                "b3x": "ticket.unknown_unit"}.get(to, "ticket.out_of_jurisdiction")
        action_case(f"dispatch to {to!r}", {"type": "dispatch", "to": to}, code, actor=who("dispatch"), on=(filed, "filed"))
    action_case("escalate to an unknown unit", {"type": "escalate", "to": "atlantis"}, "ticket.unknown_unit", actor=who("escalate"))
    action_case("whistle an unknown department", {"type": "whistle", "departments": ["nobody"]}, "ticket.unknown_unit", actor=who("whistle"))
    action_case("whistle nobody", {"type": "whistle", "departments": []}, "ticket.invalid_target", actor=who("whistle"))
    action_case("whistle with signBy before the whistle", dict(A["whistle"], signBy=t(1)), "ticket.invalid_target", actor=who("whistle"))
    action_case("whistle with reportBy before signBy", dict(A["whistle"], signBy=t(100), reportBy=t(50)), "ticket.invalid_target", actor=who("whistle"))
    action_case("merge into itself", {"type": "merge", "into": "T1"}, "ticket.invalid_target", actor=who("merge"))
    action_case("an outcome text over the limit", {"type": "handle", "outcome": "长" * 22000}, "ticket.illegal_transition", actor=who("handle"))

    # 4. Reports of new tickets.
    def report_case(name, ticket, code, at=None, actor="zone"):
        ops = [op("t.report", ticket=report("T0"), actor="zone", at=t(0)),
               op("t.report", ticket=ticket, actor=actor, at=at or t(1), error=code),
               op("t.state", ticket="T0", expect="reported")]
        out.append(case(f"bad report: {name}", ops, setup))

    good = report()
    for key in list(good):
        report_case(f"without {key}", {k: v for k, v in good.items() if k != key}, "input.malformed")
        for wrong in (5, None, ["x"], {"x": 1}):
            report_case(f"{key} as {type(wrong).__name__}", dict(good, **{key: wrong}), "input.malformed")
    for key, value in [("foo", 1), ("Unit", "b3"), ("priority", "soonest"), ("channel", "pigeon"),
                       ("requestType", "wish"), ("description", {"text": "x"})]:
        report_case(f"with {key}={value!r}", dict(good, **{key: value}), "input.malformed")
    for tid in ["", " ", "T 1", "T1\t", "\u0007", "x" * 200]:
        report_case(f"id {tid[:12]!r}", dict(good, id=tid), "input.malformed")
    report_case("an id already used", dict(good, id="T0"), "ticket.duplicate_ticket")
    for cat in ["livelihood.nonsense", "", "LIVELIHOOD.REPAIR", "livelihood..repair", "*"]:
        report_case(f"category {cat!r}", dict(good, category=cat), "ticket.unknown_category")
    for unit, code in [("nowhere", "ticket.unknown_unit"), ("w1", "ticket.invalid_target"), ("smr", "ticket.invalid_target"),
                       ("dw", "ticket.invalid_target")]:
        report_case(f"unit {unit!r}", dict(good, unit=unit), code)
    for at in ["1970-01-01T00:00:00Z", "2200-01-01T00:00:00+08:00", "1999-12-31T15:59:59Z"]:
        report_case(f"dated {at}", good, "ticket.time_out_of_range", at=at)
    for at in ["tomorrow", "2025-03-03T09:00:00", "2025-03-03T09:00:00+18:00"]:
        report_case(f"time {at!r}", good, "time.invalid_instant", at=at)
    report_case("by an unknown actor", good, "ticket.unknown_actor", actor="nobody")
    report_case("a list instead of a ticket", [good], "input.malformed")
    report_case("a string instead of a ticket", "T1", "input.malformed")
    report_case("deeply nested", dict(good, description=nest(60)), "input.malformed")

    # 5. Documents: each kind with wrong shapes, versions and values.
    def load_case(name, opname, document, code, setup_=None):
        out.append(case(f"bad document: {name}", [op(opname, document=document, error=code)], setup_))

    h = g.LEAK
    load_case("hierarchy: not JSON", "h.load", "{\"format\":", "hierarchy.malformed")
    for key in ("format", "version", "nodes", "edges"):
        doc = {k: v for k, v in h.items() if k != key}
        code = "hierarchy.malformed" if key in ("format", "version", "nodes") else None
        if code:
            load_case(f"hierarchy without {key}", "h.load", doc, code)
    load_case("hierarchy of version 99", "h.load", dict(h, version=99), "hierarchy.unsupported_format")
    load_case("hierarchy of another format", "h.load", dict(h, format="wangge.calendar"), "hierarchy.unsupported_format")
    load_case("hierarchy with an unknown member", "h.load", dict(h, owner="me"), "hierarchy.malformed")
    for i, (field, value) in enumerate([("kind", "castle"), ("kind", 3), ("id", ""), ("id", "a b"), ("name", None),
                                         ("extra", 1), ("location", {"lat": 95, "lng": 10}),
                                         ("location", {"lat": 30, "lng": 500}), ("location", {"lat": "30", "lng": 117}),
                                         ("location", {"lat": 30})]):
        doc = copy.deepcopy(h)
        doc["nodes"][3] = dict(doc["nodes"][3], **{field: value})
        code = "hierarchy.malformed"
        if field == "location" and isinstance(value.get("lat"), int) and "lng" in value:
            code = "hierarchy.invalid_location"
        load_case(f"hierarchy node with {field}={value!r}", "h.load", doc, code)
    doc = copy.deepcopy(h)
    doc["nodes"].append(dict(doc["nodes"][0]))
    load_case("hierarchy with a node twice", "h.load", doc, "hierarchy.duplicate_id")
    for edge, code in [({"kind": "contains", "from": "g1", "to": "nowhere"}, "hierarchy.unknown_id"),
                       ({"kind": "contains", "from": "b3", "to": "city"}, "hierarchy.containment_cycle"),
                       ({"kind": "owns", "from": "g1", "to": "b3"}, "hierarchy.malformed"),
                       ({"kind": "contains", "from": "g1"}, "hierarchy.malformed"),
                       ({"kind": "jurisdiction", "from": "smr", "to": "zone", "categories": ["event"]}, "hierarchy.duplicate_edge"),
                       ({"kind": "contains", "from": "g1", "to": "b3", "categories": ["x"]}, "hierarchy.unexpected_categories")]:
        doc = copy.deepcopy(h)
        doc["edges"].append(edge)
        load_case(f"hierarchy edge {edge}", "h.load", doc, code)

    week = {"monday": [["08:30", "12:00"]]}
    cal = {"format": "wangge.calendar", "version": 2, "week": week}
    for name, document, code in [
        ("calendar: a list", [cal], "calendar.malformed"),
        ("calendar: unknown member", dict(cal, holidays=[]), "calendar.malformed"),
        ("calendar: version 3", dict(cal, version=3), "calendar.unsupported_format"),
        ("calendar: version 0", dict(cal, version=0), "calendar.unsupported_format"),
        ("calendar: version -1", dict(cal, version=-1), "calendar.malformed"),
        ("calendar: offset +15:00", dict(cal, utcOffset="+15:00"), "calendar.invalid_offset"),
        ("calendar: offset -12:30", dict(cal, utcOffset="-12:30"), "calendar.invalid_offset"),
        ("calendar: offset 8", dict(cal, utcOffset=8), "calendar.malformed"),
        ("calendar: offset text", dict(cal, utcOffset="Asia/Shanghai"), "calendar.invalid_offset"),
        ("calendar: span 25:00", dict(cal, week={"monday": [["08:30", "25:00"]]}), "calendar.invalid_span"),
        ("calendar: span backwards", dict(cal, week={"monday": [["12:00", "08:30"]]}), "calendar.invalid_span"),
        ("calendar: span of one time", dict(cal, week={"monday": [["08:30"]]}), "calendar.malformed"),
        ("calendar: span as numbers", dict(cal, week={"monday": [[830, 1200]]}), "calendar.malformed"),
        ("calendar: a weekday that is none", dict(cal, week={"funday": [["08:30", "12:00"]]}), "calendar.malformed"),
        ("calendar: no working time", dict(cal, week={}), "calendar.no_working_time"),
        ("calendar: covers a year that is none", dict(cal, covers=[100000]), "calendar.invalid_year"),
        ("calendar: covers as text", dict(cal, covers="2025"), "calendar.malformed"),
        ("calendar: beyondCoverage sometimes", dict(cal, beyondCoverage="sometimes"), "calendar.malformed"),
        ("calendar: an exception on 30 February", dict(cal, exceptions=[{"date": "2025-02-30", "kind": "holiday"}]), "calendar.malformed"),
        ("calendar: an exception of an unknown kind", dict(cal, exceptions=[{"date": "2025-02-03", "kind": "party"}]), "calendar.malformed"),
        ("calendar: an exception with an unknown member", dict(cal, exceptions=[{"date": "2025-02-03", "kind": "holiday", "x": 1}]), "calendar.malformed"),
        ("calendar: covers in version 1", dict(cal, version=1, covers=[2025]), "calendar.malformed"),
    ]:
        load_case(name, "c.load", document, code)
    for text in ["2025-13-01 holiday\n", "2025-01-01 vacation\n", "2025-01-01\n", "covers 2025x\n", "covers\n",
                 "2025-01-01 holiday\n2025-01-01 working\n", "holiday 2025-01-01\n", "2025/01/01 holiday\n"]:
        out.append(case(f"bad exceptions text: {text.strip()!r}", [op("c.exceptions", text=text, error="calendar.invalid_line")],
                        {"calendar": "standard"}))
    china = {"calendar": "china"}
    for name, o in [("add working minutes into 2027", g.op("c.add_minutes", at="2026-12-31T17:00:00+08:00", minutes=60)),
                    ("a working day of 2030", g.op("c.working_day", date="2030-05-01")),
                    ("working minutes from 2024", g.op("c.between", **{"from": "2024-12-31T09:00:00+08:00", "to": "2025-01-02T09:00:00+08:00"})),
                    ("a period into 2027", g.op("c.period_end", start="2026-12-25", days=10)),
                    ("working days into 2027", g.op("c.add_days", at="2026-12-28T09:00:00+08:00", days=5)),
                    ("the next working instant in 2024", g.op("c.next", at="2024-06-01T09:00:00+08:00"))]:
        o = dict(o, error="calendar.beyond_coverage")
        o.pop("expect", None)
        out.append(case(f"beyond coverage: {name}", [o], china))
    for name, o, code in [
        ("minutes negative", g.op("c.add_minutes", at=t(0), minutes=-5), "calendar.invalid_amount"),
        ("minutes beyond every instant", g.op("c.add_minutes", at=t(0), minutes=2 ** 62), "calendar.out_of_range"),
        ("days beyond year 9999", g.op("c.add_days", at=t(0), days=4294967295), "calendar.out_of_range"),
        ("a period beyond year 9999", g.op("c.period_end", start="9999-12-20", days=30), "calendar.out_of_range"),
        ("a date that is none", g.op("c.working_day", date="2025-02-29"), "time.invalid_date"),
        ("a date with a time", g.op("c.working_day", date="2025-02-28T00:00"), "time.invalid_date"),
    ]:
        o = dict(o, error=code)
        o.pop("expect", None)
        out.append(case(f"bad arithmetic: {name}", [o], {"calendar": "standard"}))

    pol = {"format": "wangge.service_policy", "version": 1, "name": "p",
           "rules": [{"name": "all", "targets": {"handle": {"workingHours": 2}}}]}
    for name, document, code in [
        ("service policy: unknown member", dict(pol, owner=1), "policy.malformed"),
        ("service policy: version 2", dict(pol, version=2), "policy.unsupported_format"),
        ("service policy: amount of an unknown unit", dict(pol, rules=[{"name": "a", "targets": {"handle": {"fortnights": 2}}}]), "policy.malformed"),
        ("service policy: negative amount", dict(pol, rules=[{"name": "a", "targets": {"handle": {"workingHours": -2}}}]), "policy.malformed"),
        ("service policy: fractional amount", dict(pol, rules=[{"name": "a", "targets": {"handle": {"workingHours": 1.5}}}]), "policy.malformed"),
        ("service policy: a deadline that is none", dict(pol, rules=[{"name": "a", "targets": {"someday": {"hours": 2}}}]), "policy.malformed"),
        ("service policy: two units in one amount", dict(pol, rules=[{"name": "a", "targets": {"handle": {"hours": 2, "days": 1}}}]), "policy.malformed"),
        ("service policy: rules as an object", dict(pol, rules={"all": {}}), "policy.malformed"),
    ]:
        load_case(name, "e.service_policy", document, code)
    esc = {"format": "wangge.escalation_policy", "version": 1, "name": "e", "top": "district",
           "rules": [{"name": "late", "when": {"type": "deadline_missed", "deadline": "handle"}, "then": [{"type": "escalate"}]}]}
    for name, document, code in [
        ("escalation: unknown member", dict(esc, owner=1), "policy.malformed"),
        ("escalation: version 9", dict(esc, version=9), "policy.unsupported_format"),
        ("escalation: top is a building", dict(esc, top="building"), "policy.invalid_rule"),
        ("escalation: top is a castle", dict(esc, top="castle"), "policy.malformed"),
        ("escalation: to a compound", dict(esc, rules=[dict(esc["rules"][0], then=[{"type": "escalate", "to": "compound"}])]), "policy.invalid_rule"),
        ("escalation: an unknown trigger", dict(esc, rules=[dict(esc["rules"][0], when={"type": "full_moon"})]), "policy.malformed"),
        ("escalation: an unknown response", dict(esc, rules=[dict(esc["rules"][0], then=[{"type": "pray"}])]), "policy.malformed"),
        ("escalation: no response", dict(esc, rules=[dict(esc["rules"][0], then=[])]), "policy.invalid_rule"),
        ("escalation: two rules of one name", dict(esc, rules=esc["rules"] * 2), "policy.invalid_rule"),
    ]:
        load_case(name, "e.load", document, code)
    for name, percent, code in [("0%", 0, "policy.invalid_scale")]:
        out.append(case(f"bad scale: {name}", [op("e.scale", document=pol, percent=percent, error=code)]))

    # 6. Logs: edits that must not verify.
    logged = base + [op("t.apply", ticket="T1", actor=who("acknowledge"), at=t(3), action=A["acknowledge"])]
    for name, edit, code in [
        ("an actor changed", {"replace": [["\"actor\":\"zx\"", "\"actor\":\"zy\""]]}, "log.tampered"),
        ("a time changed", {"replace": [["09:01:00", "09:01:01"]]}, "log.tampered"),
        ("a digest changed", {"replace": [["\"digest\":\"", "\"digest\":\"0"]]}, "log.tampered"),
        ("the last line dropped", {"dropLines": 1}, "log.truncated"),
        ("a line that is not JSON", {"text": "{\"v\":1,\n"}, "log.malformed"),
        ("an unknown version", {"replace": [["{\"v\":1,", "{\"v\":2,"]]}, "log.unsupported_version"),
        ("an unknown member", {"replace": [["\"seq\":0,", "\"seq\":0,\"x\":1,"]]}, "log.malformed"),
        ("CRLF line ends", {"replace": [["}\n", "}\r\n"]]}, "log.malformed"),
        ("an empty text", {"text": ""}, "log.truncated"),
        ("only whitespace", {"text": "   \n"}, "log.malformed"),
        ("a blank line added", {"replace": [["}\n", "}\n\n"]]}, "log.malformed"),
    ]:
        out.append(case(f"bad log: {name}", logged + [op("t.load_jsonl", error=code, **edit)], setup))

    # 7. Rows: every bad field refused on its own row; the good rows are kept.
    good_row = {"ticket": "R1", "at": "2025-03-03T09:00:00+08:00", "actor": "zone", "type": "report",
                "category": "livelihood.repair", "unit": "b3"}
    bad_rows = [dict(good_row, at="later"), dict(good_row, ticket="R2", actor=5), dict(good_row, ticket="R3", type="teleport"),
                dict(good_row, ticket="R4", unit="nowhere"), dict(good_row, ticket="R5", category="x.y"),
                dict(good_row, ticket="R6", at="1969-01-01T00:00:00Z"), dict(good_row, ticket="R7", seq=-1),
                dict(good_row, ticket="R8", foo=1)]
    out.append(case("bad rows: each refused on its own row, numbered from 1", [
        op("t.load_rows", rows=[good_row] + bad_rows + [dict(good_row, ticket="R9")], expect={"errors": [
            [2, "input.malformed"], [3, "input.malformed"], [4, "input.malformed"], [5, "ticket.unknown_unit"],
            [6, "ticket.unknown_category"], [7, "ticket.time_out_of_range"], [8, "input.malformed"], [9, "input.malformed"]]}),
        op("t.state", ticket="R1", expect="reported"), op("t.state", ticket="R9", expect="reported")], setup))
    return out


def nest(depth):
    """A value nested `depth` levels deep."""
    v = "x"
    for _ in range(depth):
        v = {"a": [v]}
    return v
