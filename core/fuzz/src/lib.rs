//! Fixtures and checks shared by the fuzz targets (see `docs/FUZZING.md`).
//!
//! A target panics only on a broken invariant: a parser that accepted its input must write
//! something it reads back to the same value, a refused action must change nothing, and so on.
//! Errors returned by the library are the expected outcome for most fuzzed inputs.

use std::sync::Arc;

use wangge::hierarchy::{Hierarchy, NodeKind};
use wangge::ticket::{Ledger, Taxonomy};
use wangge::time::Timestamp;

pub const CITY: &str = "340400000000";
pub const ZONE: &str = "340471000000";
pub const TOWN: &str = "340471100000";
pub const COMMUNITY: &str = "340471100001";
pub const GRID: &str = "340471100001001";
pub const GRID2: &str = "340471100001002";
pub const COMPOUND: &str = "xhct";
pub const BUILDING: &str = "xhct-3";
pub const WORKER: &str = "hh-wgy1";
pub const WORKER2: &str = "hh-wgy2";
pub const PARTY: &str = "hh-dw";
pub const SMR: &str = "gx-scjg";
pub const CG: &str = "gx-cg";
pub const ZJ: &str = "gx-zj";
pub const PROPERTY: &str = "xhct-wy";
pub const CENTRE: &str = "gx-yyzx";
pub const CENTRE_STAFF: &str = "gx-yyzx-1";

/// Every node of [`leak_hierarchy`], then the host system and an id that is not a node: the
/// actors and targets the structured targets pick from.
pub const ACTORS: [&str; 19] = [
    CITY,
    ZONE,
    TOWN,
    COMMUNITY,
    GRID,
    GRID2,
    COMPOUND,
    BUILDING,
    WORKER,
    WORKER2,
    PARTY,
    SMR,
    CG,
    ZJ,
    PROPERTY,
    CENTRE,
    CENTRE_STAFF,
    "@system",
    "nobody",
];

/// The article's 西湖春天小区 leak setting (the integration tests' fixture): a city, a zone,
/// a town, a community with two grids, a compound with a building, a Party committee, grid
/// workers, a property manager, three departments with jurisdiction over the zone, and the
/// zone's operations centre (supervision and command) with one member of staff.
pub fn leak_hierarchy() -> Hierarchy {
    let mut h = Hierarchy::new();
    build(&mut h).expect("the fixture hierarchy is valid");
    h
}

fn build(h: &mut Hierarchy) -> Result<(), wangge::hierarchy::HierarchyError> {
    h.add(CITY, NodeKind::City, "淮南市")?;
    h.add(ZONE, NodeKind::District, "淮南高新区")?;
    h.add(TOWN, NodeKind::Town, "三和镇")?;
    h.add(COMMUNITY, NodeKind::Community, "弘湖社区")?;
    h.add(GRID, NodeKind::Grid, "弘湖社区第一网格")?;
    h.add(GRID2, NodeKind::Grid, "弘湖社区第二网格")?;
    h.add(COMPOUND, NodeKind::Compound, "西湖春天小区")?;
    h.add(BUILDING, NodeKind::Building, "西湖春天3栋")?;
    for (p, c) in [
        (CITY, ZONE),
        (ZONE, TOWN),
        (TOWN, COMMUNITY),
        (COMMUNITY, GRID),
        (COMMUNITY, GRID2),
        (GRID, COMPOUND),
        (COMPOUND, BUILDING),
    ] {
        h.contain(p, c)?;
    }
    h.add(PARTY, NodeKind::PartyCommittee, "弘湖社区党委")?;
    h.lead(PARTY, COMMUNITY)?;
    h.add(WORKER, NodeKind::GridWorker, "网格员甲")?;
    h.serve(WORKER, GRID)?;
    h.add(WORKER2, NodeKind::GridWorker, "网格员乙")?;
    h.serve(WORKER2, GRID2)?;
    h.add(PROPERTY, NodeKind::PropertyManager, "西湖春天物业")?;
    h.serve(PROPERTY, COMPOUND)?;
    for (id, name) in [
        (SMR, "高新区市场监管局"),
        (CG, "高新区城管局"),
        (ZJ, "高新区住建局"),
    ] {
        h.add(id, NodeKind::Department, name)?;
        h.grant_jurisdiction(id, ZONE, &["livelihood.repair", "event"])?;
    }
    h.add(
        CENTRE,
        NodeKind::OperationsCentre,
        "高新区城市运行管理服务中心",
    )?;
    h.supervise(CENTRE, ZONE)?;
    h.command(CENTRE, ZONE)?;
    h.add(CENTRE_STAFF, NodeKind::Staff, "中心值班员")?;
    h.join(CENTRE_STAFF, CENTRE)?;
    Ok(())
}

/// An empty ledger over [`leak_hierarchy`] and the default taxonomy, under the default
/// authority.
pub fn ledger() -> Ledger {
    Ledger::new(Arc::new(leak_hierarchy()), Arc::new(Taxonomy::default()))
}

/// `2025-03-03T09:00:00+08:00` (a Monday).
pub fn base_time() -> Timestamp {
    Timestamp::from_unix_seconds(1_740_963_600).expect("in range")
}

/// Everything a ledger shows of its state, as text: the log, every ticket's snapshot, and the
/// answers of its indexes (deadlines due, summons due, tickets needing attention, tickets by
/// state, holder, unit and report time). Two ledgers with the same fingerprint answer every
/// query alike.
pub fn fingerprint(ledger: &Ledger) -> String {
    use std::fmt::Write;
    let far = Timestamp::from_unix_seconds(253_402_128_000).expect("in range");
    let near = Timestamp::from_unix_seconds(-377_705_116_800).expect("in range");
    let mut out = ledger.to_jsonl();
    let _ = writeln!(
        out,
        "tickets {} events {}",
        ledger.len(),
        ledger.event_count()
    );
    for t in ledger.tickets() {
        let snapshot = serde_json::to_string(&t.snapshot()).expect("a snapshot serializes");
        let _ = writeln!(out, "{snapshot}");
    }
    let _ = writeln!(out, "due {:?}", ledger.due_ids_until(far));
    let summons: Vec<_> = ledger.summons_due_until(far).collect();
    let _ = writeln!(out, "summons {summons:?}");
    let attention = ledger.ids_of(ledger.needing_attention());
    let _ = writeln!(out, "attention {attention:?}");
    let reported = ledger.ids_of(ledger.reported_between(near, far));
    let _ = writeln!(out, "reported {reported:?}");
    for state in wangge::ticket::TicketState::ALL {
        let ids: Vec<String> = ledger.in_state(state).map(|t| t.id().to_string()).collect();
        let _ = writeln!(out, "{state} {ids:?}");
    }
    for unit in ACTORS {
        let held: Vec<String> = ledger.held_by(unit).map(|t| t.id().to_string()).collect();
        let within: Vec<String> = ledger.within(unit).map(|t| t.id().to_string()).collect();
        let _ = writeln!(out, "{unit} held {held:?} within {within:?}");
    }
    out
}

/// The input as UTF-8 text, or `None` (the target then skips it: every text API takes `&str`).
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// The tickets of [`states_ledger`], one in each of eight states.
pub const STATE_TICKETS: [&str; 8] = ["R", "F", "D", "P", "H", "V", "C", "S"];

/// A ledger over [`leak_hierarchy`] holding one ticket in each of eight states: `R` reported,
/// `F` filed, `D` dispatched, `P` in progress, `H` handled, `V` verified, `C` closed, `S`
/// suspended (from in progress). Every event is at or before [`base_time`] plus one hour.
pub fn states_ledger() -> Ledger {
    use wangge::ticket::{Action, NewTicket, Satisfaction};
    let mut l = ledger();
    let at = |minutes: i64| base_time().plus_seconds(minutes * 60);
    let steps: [(&str, Action); 7] = [
        (CENTRE, Action::File),
        (
            CENTRE,
            Action::Dispatch {
                to: GRID.parse().expect("a node id"),
            },
        ),
        (WORKER, Action::Acknowledge),
        (
            WORKER,
            Action::Handle {
                outcome: "修好了".into(),
            },
        ),
        (
            CENTRE,
            Action::Verify {
                passed: true,
                note: None,
            },
        ),
        (
            CENTRE,
            Action::Visit {
                satisfaction: Satisfaction::Satisfied,
            },
        ),
        (
            CENTRE,
            Action::Suspend {
                reason: "等待".into(),
            },
        ),
    ];
    for (n, id) in STATE_TICKETS.iter().enumerate() {
        let ticket = NewTicket::new(id, "livelihood.repair", BUILDING).expect("a new ticket");
        l.report(ticket, WORKER, at(0))
            .expect("the report is accepted");
        // `S` is suspended from in progress: file, dispatch, acknowledge, then suspend.
        let path: Vec<usize> = if *id == "S" {
            vec![0, 1, 2, 6]
        } else {
            (0..n).collect()
        };
        for (i, step) in path.into_iter().enumerate() {
            let (actor, action) = &steps[step];
            l.apply(id, actor, at(1 + i as i64), action.clone())
                .unwrap_or_else(|e| panic!("fixture {id} step {step}: {e}"));
        }
    }
    l
}

/// Whether two JSON texts hold the same value, numbers compared up to a few units in the last
/// place. serde_json (without its `float_roundtrip` feature, which the WebAssembly size budget
/// leaves out) reads some decimal numbers to a neighbouring float, so a location's
/// coordinates can move by an ulp on each write → read (reported with the fuzz results; see
/// docs/FUZZING.md). Everything else must be identical.
pub fn same_json(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(x), Ok(y)) => same_value(&x, &y),
        _ => a == b,
    }
}

fn same_value(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => {
                    x == y || (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs())
                }
                _ => false,
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => a == b,
    }
}
