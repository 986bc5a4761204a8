//! The conformance corpus (`tests/conformance/*.json`), run against the core.
//!
//! The same files are run by the Python (`bindings-python/tests/test_conformance.py`) and the
//! JavaScript (`bindings-wasm/tests/conformance.test.mjs`) runners; the format is documented in
//! `tests/conformance/README.md`. Every operation maps onto one public call of the core; the
//! result is compared as JSON, and an expected error by its stable code (and, when the case
//! gives them, by the error's details).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Map, Value};
use wangge::calendar::Calendar;
use wangge::consultation::{
    Choice, Electorate, ForumRecords, ForumRecordsDocument, Household, Member, OwnerRoll, Period,
    Resident, ResidentRoll, ResidentsGroup, RuleSpec, Scope, Vote, VoteSpec,
};
use wangge::escalation::{self, EscalationPolicy};
use wangge::hierarchy::{DivisionRow, EdgeKind, Hierarchy, Node, NodeKind};
use wangge::metrics::{self, MetricsOptions};
use wangge::sla::{ServiceLevels, ServicePolicy};
use wangge::ticket::authority::Authority;
use wangge::ticket::log::{PublicKey, SigningKey};
use wangge::ticket::{
    table, Action, DeadlineKind, Ledger, NewTicket, Taxonomy, TicketState, Trust,
};
use wangge::time::{Date, Timestamp};
use wangge::Error;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn malformed(message: impl Into<String>) -> Error {
    Error::Malformed {
        message: message.into(),
    }
}

fn arg<'a>(op: &'a Value, key: &str) -> Result<&'a Value, Error> {
    op.get(key)
        .ok_or_else(|| malformed(format!("operation {op} lacks {key:?}")))
}

fn s<'a>(op: &'a Value, key: &str) -> Result<&'a str, Error> {
    arg(op, key)?
        .as_str()
        .ok_or_else(|| malformed(format!("{key:?} must be a string in {op}")))
}

fn n(op: &Value, key: &str) -> Result<u64, Error> {
    arg(op, key)?
        .as_u64()
        .ok_or_else(|| malformed(format!("{key:?} must be a whole number in {op}")))
}

/// Bytes given as hex text (keys).
fn hex_arg(v: &Value) -> Result<Vec<u8>, Error> {
    let text = v.as_str().ok_or_else(|| malformed("expected hex text"))?;
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| malformed(format!("not hex: {text:?}")))
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn de<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, Error> {
    serde_json::from_value(v.clone()).map_err(|e| malformed(e.to_string()))
}

fn ts(op: &Value, key: &str) -> Result<Timestamp, Error> {
    Ok(s(op, key)?.parse::<Timestamp>()?)
}

/// A document given inline (an object, or JSON text) or by data-file name.
fn text_of(v: &Value, suffix: &str) -> Result<String, Error> {
    match v {
        Value::String(name) if !name.trim_start().starts_with(['{', '[']) => {
            let path = root()
                .join("examples/data")
                .join(format!("{name}.{suffix}.json"));
            std::fs::read_to_string(&path).map_err(|e| malformed(format!("{path:?}: {e}")))
        }
        Value::String(text) => Ok(text.clone()),
        other => Ok(other.to_string()),
    }
}

fn id(node: Option<&Node>) -> Value {
    node.map_or(Value::Null, |n| json!(n.id.as_str()))
}

fn ids<'a>(nodes: impl IntoIterator<Item = &'a Node>) -> Value {
    Value::Array(nodes.into_iter().map(|n| json!(n.id.as_str())).collect())
}

/// The state of one case.
#[derive(Default)]
struct Session {
    hierarchy: Hierarchy,
    taxonomy: Option<Arc<Taxonomy>>,
    authority: Option<Arc<Authority>>,
    ledger: Option<Ledger>,
    calendar: Option<Calendar>,
    levels: Option<(ServicePolicy, Timestamp)>,
    policy: Option<EscalationPolicy>,
    roll: Option<OwnerRoll>,
    residents: Option<ResidentRoll>,
    electorate: Option<Arc<Electorate>>,
    vote: Option<Vote>,
    forums: Option<ForumRecords>,
}

impl Session {
    fn new(setup: &Value) -> Result<Session, Error> {
        let mut s = Session::default();
        if let Some(h) = setup.get("hierarchy") {
            s.hierarchy = Hierarchy::from_json(&text_of(h, "hierarchy")?)?;
        }
        if let Some(t) = setup.get("taxonomy") {
            s.taxonomy = Some(Arc::new(Taxonomy::from_json(&text_of(t, "taxonomy")?)?));
        }
        if let Some(c) = setup.get("calendar") {
            s.calendar = Some(calendar(c)?);
        }
        if let Some(a) = setup.get("authority") {
            s.authority = Some(Arc::new(authority(a)?));
        }
        if let Some(p) = setup.get("escalation") {
            s.policy = Some(policy(p)?);
        }
        if let Some(r) = setup.get("roll") {
            s.roll = Some(OwnerRoll::from_json(&text_of(r, "roll")?)?);
        }
        if let Some(l) = setup.get("serviceLevels") {
            s.levels = Some((service_policy(arg(l, "policy")?)?, ts(l, "since")?));
        }
        Ok(s)
    }

    fn calendar(&self) -> Calendar {
        self.calendar.clone().unwrap_or_else(Calendar::standard)
    }

    fn ledger(&mut self) -> Result<&mut Ledger, Error> {
        if self.ledger.is_none() {
            let mut ledger = self.empty_ledger()?;
            if let Some((policy, since)) = &self.levels {
                let levels = ServiceLevels {
                    policy: policy.clone(),
                    calendar: self.calendar(),
                };
                ledger.set_service_levels(Some(Arc::new(levels)), *since)?;
            }
            self.ledger = Some(ledger);
        }
        Ok(self.ledger.as_mut().expect("just set"))
    }

    fn taxonomy(&self) -> Arc<Taxonomy> {
        self.taxonomy.clone().unwrap_or_default()
    }

    /// An empty ledger over the hierarchy as it is now, under the case's authority.
    fn empty_ledger(&self) -> Result<Ledger, Error> {
        let (h, tx) = (Arc::new(self.hierarchy.clone()), self.taxonomy());
        let authority = self.authority.clone().unwrap_or_default();
        Ok(Ledger::checked(h, tx, authority)?)
    }

    /// The log of the ledger, if there is one (to check that a refusal changed nothing).
    fn log(&self) -> Option<String> {
        self.ledger.as_ref().map(Ledger::to_jsonl)
    }

    fn vote(&mut self) -> Result<&mut Vote, Error> {
        self.vote
            .as_mut()
            .ok_or_else(|| malformed("no vote is open in this case"))
    }

    fn electorate(&self) -> Result<Arc<Electorate>, Error> {
        self.electorate
            .clone()
            .ok_or_else(|| malformed("no electorate in this case"))
    }

    fn run(&mut self, op: &Value) -> Result<Value, Error> {
        let name = s(op, "op")?;
        let h = &self.hierarchy;
        Ok(match name {
            // ----- hierarchy -------------------------------------------------------------
            "h.add" => {
                let kind: NodeKind = s(op, "kind")?.parse()?;
                self.hierarchy.add(s(op, "id")?, kind, s(op, "name")?)?;
                Value::Null
            }
            "h.contain" => {
                self.hierarchy.contain(s(op, "parent")?, s(op, "child")?)?;
                Value::Null
            }
            "h.lead" => {
                self.hierarchy.lead(s(op, "from")?, s(op, "to")?)?;
                Value::Null
            }
            "h.serve" => {
                self.hierarchy.serve(s(op, "who")?, s(op, "unit")?)?;
                Value::Null
            }
            "h.join" => {
                self.hierarchy
                    .join(s(op, "member")?, s(op, "organisation")?)?;
                Value::Null
            }
            "h.grant" => {
                let categories: Vec<String> = de(arg(op, "categories")?)?;
                let categories: Vec<&str> = categories.iter().map(String::as_str).collect();
                self.hierarchy.grant_jurisdiction(
                    s(op, "department")?,
                    s(op, "unit")?,
                    &categories,
                )?;
                Value::Null
            }
            "h.disconnect" => {
                let kind: EdgeKind = s(op, "kind")?.parse()?;
                self.hierarchy
                    .disconnect(kind, s(op, "from")?, s(op, "to")?)?;
                Value::Null
            }
            "h.remove" => json!(self.hierarchy.remove(s(op, "id")?)?.id.as_str()),
            "h.move" => {
                self.hierarchy.move_to(s(op, "child")?, s(op, "parent")?)?;
                Value::Null
            }
            "h.supervise" => {
                self.hierarchy.supervise(s(op, "centre")?, s(op, "unit")?)?;
                Value::Null
            }
            "h.command" => {
                self.hierarchy.command(s(op, "centre")?, s(op, "unit")?)?;
                Value::Null
            }
            "h.rename" => {
                self.hierarchy.rename(s(op, "id")?, s(op, "name")?)?;
                Value::Null
            }
            "h.boundary" => {
                let boundary = match arg(op, "boundary")? {
                    Value::Null => None,
                    b => Some(de::<wangge::hierarchy::Boundary>(b)?),
                };
                self.hierarchy.set_boundary(s(op, "id")?, boundary)?;
                Value::Null
            }
            "h.locate" => {
                let system = s(op, "system")?.parse::<wangge::geo::CoordSystem>()?;
                let degrees = |key: &str| -> Result<f64, Error> {
                    arg(op, key)?
                        .as_f64()
                        .ok_or_else(|| malformed(format!("{key:?} must be a number in {op}")))
                };
                let point = wangge::geo::MapPoint::new(system, degrees("lat")?, degrees("lng")?)?;
                let h = &self.hierarchy;
                json!(h.locate(point).and_then(|k| h.id(k)).map(|id| id.as_str()))
            }
            "h.load" => {
                self.hierarchy =
                    Hierarchy::from_json(&text_of(arg(op, "document")?, "hierarchy")?)?;
                json!(self.hierarchy.len())
            }
            "h.divisions" => {
                let rows: Vec<DivisionRow> = de(arg(op, "rows")?)?;
                let report = self.hierarchy.import_division_codes(&rows);
                let errors: Vec<Value> = report
                    .errors
                    .iter()
                    .map(|e| json!([e.row, e.error.code()]))
                    .collect();
                json!({"added": report.added.iter().map(|i| i.as_str()).collect::<Vec<_>>(), "errors": errors})
            }
            "h.size" => json!(h.len()),
            "h.node" => match h.node(s(op, "id")?) {
                Some(n) => serde_json::to_value(n).map_err(|e| malformed(e.to_string()))?,
                None => Value::Null,
            },
            "h.parent" => id(h.parent(s(op, "id")?)?),
            "h.children" => ids(h.children(s(op, "id")?)?),
            "h.chain" => ids(h.chain(s(op, "id")?)?),
            "h.ancestor" => id(h.ancestor_of_kind(s(op, "id")?, s(op, "kind")?.parse()?)?),
            "h.descendants" => ids(h.descendants_of_kind(s(op, "id")?, s(op, "kind")?.parse()?)?),
            "h.lca" => id(h.lowest_common_ancestor(s(op, "a")?, s(op, "b")?)?),
            "h.grid_of" => id(h.grid_of(s(op, "id")?)?),
            "h.party" => id(h.leading_party_org(s(op, "id")?)?),
            "h.staff" => ids(h.staff(s(op, "id")?)?),
            "h.departments" => ids(h.departments_for(s(op, "id")?, s(op, "category")?)?),
            "h.targets" => ids(h.targets(s(op, "id")?, s(op, "kind")?.parse()?)?),
            "h.sources" => ids(h.sources(s(op, "id")?, s(op, "kind")?.parse()?)?),
            "h.roundtrip" => {
                let text = h.to_json();
                json!(Hierarchy::from_json(&text)?.to_json() == text)
            }

            // ----- tickets ---------------------------------------------------------------
            "t.report" => {
                let ticket: NewTicket = de(arg(op, "ticket")?)?;
                let (actor, at) = (s(op, "actor")?, ts(op, "at")?);
                self.ledger()?.report(ticket, actor, at)?;
                Value::Null
            }
            "t.apply" | "t.check" => {
                let action: Action = de(arg(op, "action")?)?;
                let (ticket, actor, at) = (s(op, "ticket")?, s(op, "actor")?, ts(op, "at")?);
                let ledger = self.ledger()?;
                let state = if name == "t.apply" {
                    ledger.apply(ticket, actor, at, action)?
                } else {
                    let key = ledger.key(ticket).ok_or_else(|| {
                        wangge::ticket::TicketError::UnknownTicket {
                            ticket: ticket.to_owned(),
                        }
                    })?;
                    let actor = ledger.actor_key(actor)?;
                    ledger.check(key, actor, at, &action)?
                };
                json!(state.as_str())
            }
            "t.get" => {
                let ticket = s(op, "ticket")?;
                match self.ledger()?.get(ticket) {
                    Some(v) => {
                        serde_json::to_value(v.snapshot()).map_err(|e| malformed(e.to_string()))?
                    }
                    None => Value::Null,
                }
            }
            "t.state" => {
                let ticket = s(op, "ticket")?.to_owned();
                let v = self.ledger()?.get(&ticket).ok_or(
                    wangge::ticket::TicketError::UnknownTicket {
                        ticket: ticket.clone(),
                    },
                )?;
                json!(v.state().as_str())
            }
            "t.events" => json!(self.ledger()?.events(s(op, "ticket")?)?.len()),
            "t.in_state" => {
                let state: TicketState = s(op, "state")?.parse()?;
                let v: Vec<String> = self
                    .ledger()?
                    .in_state(state)
                    .map(|t| t.id().to_string())
                    .collect();
                json!(v)
            }
            "t.deadline" => {
                let kind: DeadlineKind = s(op, "kind")?.parse()?;
                let ticket = s(op, "ticket")?.to_owned();
                let v = self.ledger()?.get(&ticket).ok_or(
                    wangge::ticket::TicketError::UnknownTicket {
                        ticket: ticket.clone(),
                    },
                )?;
                v.deadline(kind)
                    .map_or(Value::Null, |t| json!(t.to_string()))
            }
            "t.roundtrip" => {
                let (hierarchy, taxonomy) = (Arc::new(self.hierarchy.clone()), self.taxonomy());
                let _ = (hierarchy, taxonomy);
                let (mut back, mut replayed) = (self.empty_ledger()?, self.empty_ledger()?);
                let ledger = self.ledger()?;
                back.load_jsonl(&ledger.to_jsonl(), Trust::Checked)?;
                replayed.replay_into(ledger.all_events().collect::<Vec<_>>(), Trust::Checked)?;
                let snap = |l: &Ledger| -> Vec<Value> {
                    l.tickets()
                        .map(|t| serde_json::to_value(t.snapshot()).unwrap_or_default())
                        .collect()
                };
                let ours = snap(ledger);
                json!(snap(&back) == ours && snap(&replayed) == ours)
            }
            "t.load_jsonl" => {
                let text = self.edited_log(op)?;
                let mut ledger = self.empty_ledger()?;
                match op.get("publicKey") {
                    Some(k) => {
                        let key = PublicKey::from_slice(&hex_arg(k)?)?;
                        ledger.load_jsonl_verified(&text, trust(op), &key)?
                    }
                    None => ledger.load_jsonl(&text, trust(op))?,
                };
                let size = ledger.len();
                self.ledger = Some(ledger);
                json!(size)
            }
            "t.jsonl" => json!(self.log_text(op)?),
            "t.public_key" => {
                let key = SigningKey::from_slice(&hex_arg(arg(op, "secret")?)?)?;
                json!(hex(&key.public_key().to_bytes()))
            }
            "t.replay" => {
                let events: Vec<wangge::ticket::Event> = de(arg(op, "events")?)?;
                let mut ledger = self.empty_ledger()?;
                ledger.replay_into(events, trust(op))?;
                let size = ledger.len();
                self.ledger = Some(ledger);
                json!(size)
            }
            "t.load_rows" => {
                let rows: Vec<Map<String, Value>> = de(arg(op, "rows")?)?;
                let trust = trust(op);
                let bad = table::load_with(self.ledger()?, &rows, trust);
                let errors: Vec<Value> =
                    bad.iter().map(|(row, e)| json!([row, e.code()])).collect();
                json!({ "errors": errors })
            }
            "t.can" | "t.why_not" => {
                let action: Action = de(arg(op, "action")?)?;
                let (ticket, actor, at) = (s(op, "ticket")?, s(op, "actor")?, ts(op, "at")?);
                let ledger = self.ledger()?;
                if name == "t.can" {
                    json!(ledger.can(ticket, actor, at, &action))
                } else {
                    serde_json::to_value(ledger.why_not(ticket, actor, at, &action))
                        .map_err(|e| malformed(e.to_string()))?
                }
            }
            "t.who_can" => {
                let action: Action = de(arg(op, "action")?)?;
                let (ticket, at) = (s(op, "ticket")?, ts(op, "at")?);
                let who = self.ledger()?.who_can(ticket, at, &action)?;
                json!(who.iter().map(|a| a.as_str()).collect::<Vec<_>>())
            }
            "a.load" => json!(authority(arg(op, "document")?)?.name()),

            "tx.load" => {
                let taxonomy = Taxonomy::from_json(&text_of(arg(op, "document")?, "taxonomy")?)?;
                json!(taxonomy.len())
            }

            // ----- calendar --------------------------------------------------------------
            "c.load" => {
                self.calendar = Some(calendar(arg(op, "document")?)?);
                Value::Null
            }
            "c.exceptions" => {
                self.calendar = Some(self.calendar().with_exceptions_text(s(op, "text")?)?);
                Value::Null
            }
            "c.working" => json!(self.calendar().is_working_time(ts(op, "at")?)?),
            "c.working_day" => json!(self
                .calendar()
                .is_working_day(s(op, "date")?.parse::<Date>()?)?),
            "c.add_minutes" => {
                let minutes = arg(op, "minutes")?
                    .as_i64()
                    .ok_or_else(|| malformed(format!("\"minutes\" must be an integer in {op}")))?;
                json!(self
                    .calendar()
                    .add_working_minutes(ts(op, "at")?, minutes)?
                    .to_string())
            }
            "c.add_days" => {
                let days = u32::try_from(n(op, "days")?).map_err(|e| malformed(e.to_string()))?;
                json!(self
                    .calendar()
                    .add_working_days(ts(op, "at")?, days)?
                    .to_string())
            }
            "o.import" => {
                use wangge::interop::open311;
                let options: open311::ImportOptions = match op.get("options") {
                    Some(o) if !o.is_null() => de(o)?,
                    _ => open311::ImportOptions::default(),
                };
                let document = arg(op, "document")?.clone();
                let ledger = self.ledger()?;
                let imported = match &document {
                    Value::String(text) => open311::import_text(ledger, text, &options)?,
                    other => open311::import_document(ledger, other, &options)?,
                };
                let field = |e: &open311::Open311Error| {
                    let details = wangge::Error::from(e.clone()).details();
                    details.get("field").cloned().unwrap_or(json!(""))
                };
                json!({
                    "tickets": imported.tickets,
                    "duplicates": imported.duplicates.iter().map(|d| json!([d.row, d.of])).collect::<Vec<_>>(),
                    "errors": imported.errors.iter().map(|e| json!([e.row, e.error.code(), field(&e.error)])).collect::<Vec<_>>(),
                    "unmapped": imported.unmapped.iter().map(|u| json!([u.row, u.field])).collect::<Vec<_>>(),
                    "assumed": imported.assumed.iter().map(|a| json!([a.row, a.field])).collect::<Vec<_>>(),
                })
            }
            "o.read" => {
                use wangge::interop::open311::{read, Document};
                let doc = read(s(op, "document")?)?;
                let items = match &doc {
                    Document::Requests(v) | Document::Services(v) | Document::Receipts(v) => {
                        v.len()
                    }
                    Document::Errors(e) => e.len(),
                    _ => 1,
                };
                json!({"kind": doc.name(), "items": items})
            }
            "o.services" => {
                use wangge::interop::open311;
                let out = open311::import_services_text(s(op, "document")?)?;
                let field = |e: &open311::Open311Error| {
                    let details = wangge::Error::from(e.clone()).details();
                    details.get("field").cloned().unwrap_or(json!(""))
                };
                json!({
                    "codes": out.taxonomy.categories().iter().map(|c| c.code.clone()).collect::<Vec<_>>(),
                    "errors": out.errors.iter().map(|e| json!([e.row, e.error.code(), field(&e.error)])).collect::<Vec<_>>(),
                    "unmapped": out.unmapped.iter().map(|u| json!([u.row, u.field])).collect::<Vec<_>>(),
                })
            }
            "g.convert" => {
                let system = |key: &str| -> Result<wangge::geo::CoordSystem, Error> {
                    Ok(s(op, key)?.parse::<wangge::geo::CoordSystem>()?)
                };
                let degrees = |key: &str| -> Result<f64, Error> {
                    arg(op, key)?
                        .as_f64()
                        .ok_or_else(|| malformed(format!("{key:?} must be a number in {op}")))
                };
                let (lat, lng) = wangge::geo::convert(
                    degrees("lat")?,
                    degrees("lng")?,
                    system("from")?,
                    system("to")?,
                )?;
                json!([lat, lng])
            }
            "c.between" => {
                let seconds = self
                    .calendar()
                    .working_seconds_between(ts(op, "from")?, ts(op, "to")?)?;
                json!(seconds / 60)
            }
            "c.next" => json!(self
                .calendar()
                .next_working_instant(ts(op, "at")?)?
                .to_string()),
            "c.period_end" => {
                let days = u32::try_from(n(op, "days")?).map_err(|e| malformed(e.to_string()))?;
                json!(self
                    .calendar()
                    .period_end_date(s(op, "start")?.parse::<Date>()?, days)?
                    .to_string())
            }
            "c.period_deadline" => {
                let days = u32::try_from(n(op, "days")?).map_err(|e| malformed(e.to_string()))?;
                json!(self
                    .calendar()
                    .period_deadline(ts(op, "start")?, days)?
                    .to_string())
            }

            // ----- service levels and escalation -----------------------------------------
            "e.load" => {
                self.policy = Some(policy(arg(op, "document")?)?);
                Value::Null
            }
            "e.service_policy" => {
                let p = service_policy(arg(op, "document")?)?;
                json!(p.rules.len())
            }
            "e.scale" => {
                let p = service_policy(arg(op, "document")?)?;
                let percent = arg(op, "percent")?
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(u32::MAX);
                json!(p.scaled(percent)?.name)
            }
            "e.evaluate" | "e.sweep" => {
                let now = ts(op, "now")?;
                let calendar = self.calendar();
                let policy = self
                    .policy
                    .clone()
                    .unwrap_or_else(EscalationPolicy::standard);
                let ledger = self.ledger()?;
                let decisions = if name == "e.evaluate" {
                    escalation::evaluate(now, ledger, &policy, &calendar)?
                } else {
                    escalation::sweep(ledger, now, &policy, &calendar)?
                };
                decisions_json(&decisions)?
            }

            // ----- consultation ----------------------------------------------------------
            "roll.load" => {
                self.roll = Some(OwnerRoll::from_json(&text_of(
                    arg(op, "document")?,
                    "roll",
                )?)?);
                json!(self.roll.as_ref().map_or(0, |r| r.units().len()))
            }
            "residents.load" => {
                let households: Vec<Household> = de(arg(op, "households")?)?;
                let residents: Vec<Resident> = de(arg(op, "residents")?)?;
                let groups: Vec<ResidentsGroup> = match op.get("groups") {
                    Some(g) => de(g)?,
                    None => Vec::new(),
                };
                self.residents = Some(ResidentRoll::new(households, residents, groups)?);
                Value::Null
            }
            "v.electorate" => {
                let scope: Scope = de(arg(op, "scope")?)?;
                let e = match op.get("on") {
                    Some(on) => {
                        let on: Date = de(on)?;
                        let roll = self
                            .residents
                            .as_ref()
                            .ok_or_else(|| malformed("no residents' roll"))?;
                        roll.electorate(&self.hierarchy, &scope, on)?
                    }
                    None => {
                        let roll = self
                            .roll
                            .as_ref()
                            .ok_or_else(|| malformed("no owners' roll"))?;
                        roll.electorate(&self.hierarchy, &scope)?
                    }
                };
                let totals =
                    serde_json::to_value(e.totals()).map_err(|e| malformed(e.to_string()))?;
                self.electorate = Some(Arc::new(e));
                totals
            }
            "v.members" => {
                let members: Vec<Member> = de(arg(op, "members")?)?;
                let e = Electorate::members(members)?;
                let totals =
                    serde_json::to_value(e.totals()).map_err(|e| malformed(e.to_string()))?;
                self.electorate = Some(Arc::new(e));
                totals
            }
            "v.rule" => {
                let rule = rule_spec(arg(op, "rule")?)?.rule()?;
                serde_json::to_value(&rule).map_err(|e| malformed(e.to_string()))?
            }
            "v.open" => {
                let spec = VoteSpec {
                    id: s(op, "id")?.to_owned(),
                    agenda: s(op, "agenda")?.to_owned(),
                    rule: rule_spec(arg(op, "rule")?)?.rule()?,
                    opens_at: ts(op, "opensAt")?,
                    closes_at: ts(op, "closesAt")?,
                };
                self.vote = Some(Vote::open(self.electorate()?, spec)?);
                Value::Null
            }
            "v.proxy" => {
                let (principal, proxy) = (s(op, "principal")?, s(op, "proxy")?);
                self.vote()?.register_proxy(principal, proxy)?;
                Value::Null
            }
            "v.cast" => {
                let choice: Choice = de(arg(op, "choice")?)?;
                let (voter, at) = (s(op, "voter")?, ts(op, "at")?);
                self.vote()?.cast(voter, choice, at)?;
                Value::Null
            }
            "v.cast_many" => {
                // Shorthand for many `v.cast`: {"agree": [...], "oppose": [...], "abstain": [...]}.
                let at = ts(op, "at")?;
                for choice in ["agree", "oppose", "abstain"] {
                    let voters: Vec<String> = match op.get(choice) {
                        Some(v) => de(v)?,
                        None => Vec::new(),
                    };
                    let c: Choice = de(&json!(choice))?;
                    for voter in voters {
                        self.vote()?.cast(&voter, c, at)?;
                    }
                }
                Value::Null
            }
            "v.cast_proxy" => {
                let choice: Choice = de(arg(op, "choice")?)?;
                let (proxy, principal, at) = (s(op, "proxy")?, s(op, "principal")?, ts(op, "at")?);
                self.vote()?.cast_by_proxy(proxy, principal, choice, at)?;
                Value::Null
            }
            "v.close" => {
                let at = ts(op, "at")?;
                self.vote()?.close(at)?;
                Value::Null
            }
            "v.passes" => json!(self.vote()?.passes()),
            "v.tally" => {
                serde_json::to_value(self.vote()?.tally()).map_err(|e| malformed(e.to_string()))?
            }
            "v.outcome" => serde_json::to_value(self.vote()?.outcome())
                .map_err(|e| malformed(e.to_string()))?,
            "f.load" => {
                let doc: ForumRecordsDocument = de(arg(op, "document")?)?;
                self.forums = Some(ForumRecords::from_document(doc)?);
                Value::Null
            }
            "f.stats" => {
                let forums = self
                    .forums
                    .as_ref()
                    .ok_or_else(|| malformed("no forum records"))?;
                let forum = op.get("forum").and_then(Value::as_str);
                let period = match op.get("period") {
                    Some(p) => Some(Period::new(de(arg(p, "from")?)?, de(arg(p, "to")?)?)?),
                    None => None,
                };
                serde_json::to_value(forums.stats(forum, period)?)
                    .map_err(|e| malformed(e.to_string()))?
            }

            // ----- metrics -----------------------------------------------------------------
            "m.compute" => {
                let options: MetricsOptions = match op.get("options") {
                    Some(o) => de(o)?,
                    None => MetricsOptions::default(),
                };
                let calendar = self.calendar();
                let ledger = self.ledger()?;
                let report = metrics::compute(ledger, &calendar, &options, None)?;
                serde_json::to_value(report).map_err(|e| malformed(e.to_string()))?
            }
            "m.partial" => {
                let options: MetricsOptions = de(arg(op, "options")?)?;
                let calendar = self.calendar();
                let doc = metrics::partial_of(self.ledger()?, &calendar, &options)?.to_json();
                serde_json::from_str(&doc).map_err(|e| malformed(e.to_string()))?
            }
            "m.merge" => {
                let options: MetricsOptions = de(arg(op, "options")?)?;
                let docs = arg(op, "documents")?
                    .as_array()
                    .ok_or_else(|| malformed("documents is not a list"))?;
                let parts = docs
                    .iter()
                    .map(|d| metrics::MetricsPartial::from_json(&d.to_string()))
                    .collect::<Result<Vec<_>, _>>()?;
                let report =
                    metrics::merge_partials(&self.hierarchy, &self.calendar(), &options, &parts)?;
                serde_json::to_value(report).map_err(|e| malformed(e.to_string()))?
            }
            other => return Err(malformed(format!("unknown operation {other:?}"))),
        })
    }

    /// The current ledger's log, edited as a case asks: `replace` [from, to] pairs applied to
    /// the text, `dropLines` removed from the end, or a literal `text`.
    /// The ledger's log, signed with `signingKey` (hex) if the op gives one.
    fn log_text(&mut self, op: &Value) -> Result<String, Error> {
        Ok(match op.get("signingKey") {
            Some(k) => {
                let key = SigningKey::from_slice(&hex_arg(k)?)?;
                self.ledger()?.to_jsonl_signed(&key)
            }
            None => self.ledger()?.to_jsonl(),
        })
    }

    fn edited_log(&mut self, op: &Value) -> Result<String, Error> {
        if let Some(text) = op.get("text") {
            return Ok(text.as_str().unwrap_or_default().to_owned());
        }
        let mut text = self.log_text(op)?;
        if let Some(pairs) = op.get("replace") {
            let pairs: Vec<(String, String)> = de(pairs)?;
            for (from, to) in pairs {
                if !text.contains(&from) {
                    return Err(malformed(format!("the log does not contain {from:?}")));
                }
                text = text.replacen(&from, &to, 1);
            }
        }
        if let Some(k) = op.get("dropLines").and_then(Value::as_u64) {
            let lines: Vec<&str> = text.lines().collect();
            let keep = lines.len().saturating_sub(k as usize);
            text = lines[..keep].iter().map(|l| format!("{l}\n")).collect();
        }
        Ok(text)
    }
}

fn calendar(v: &Value) -> Result<Calendar, Error> {
    match v.as_str() {
        Some("standard") => Ok(Calendar::standard()),
        Some("china") => Ok(Calendar::china()),
        _ => Ok(Calendar::from_json(&text_of(v, "calendar")?)?),
    }
}

/// An authority: a preset's name, or a document (inline or as text).
fn authority(v: &Value) -> Result<Authority, Error> {
    match v {
        Value::String(name) if !name.trim_start().starts_with('{') => Ok(Authority::preset(name)?),
        Value::String(text) => Ok(Authority::from_json(text)?),
        other => Ok(Authority::from_json(&other.to_string())?),
    }
}

/// `trusted: true` on a loader: the history is trusted.
fn trust(op: &Value) -> Trust {
    if op.get("trusted").and_then(Value::as_bool) == Some(true) {
        Trust::History
    } else {
        Trust::Checked
    }
}

fn policy(v: &Value) -> Result<EscalationPolicy, Error> {
    match v.as_str() {
        Some("standard") => Ok(EscalationPolicy::standard()),
        _ => Ok(EscalationPolicy::from_json(&text_of(v, "escalation")?)?),
    }
}

fn service_policy(v: &Value) -> Result<ServicePolicy, Error> {
    match v.as_str() {
        Some("guangdong_12345") => Ok(ServicePolicy::hotline_12345_guangdong()),
        Some("beijing") => Ok(ServicePolicy::beijing_draft()),
        _ => Ok(ServicePolicy::from_json(&text_of(v, "service")?)?),
    }
}

fn rule_spec(v: &Value) -> Result<RuleSpec, Error> {
    Ok(RuleSpec::from_json(&v.to_string())?)
}

/// Decisions as `[ticket, rule, what]`, without the engine's own bookkeeping (rechecks):
/// `what` is the action's type for an act, `notify` for a notification.
fn decisions_json(decisions: &[escalation::Decision]) -> Result<Value, Error> {
    let mut out = Vec::new();
    for d in decisions {
        if d.trigger == "recheck" {
            continue;
        }
        let what = match &d.effect {
            escalation::Effect::Act { action } => {
                let v = serde_json::to_value(action).map_err(|e| malformed(e.to_string()))?;
                v.get("type").cloned().unwrap_or(Value::Null)
            }
            escalation::Effect::Notify { .. } => json!("notify"),
            other => {
                return Err(malformed(format!(
                    "an effect this runner does not know: {other:?}"
                )))
            }
        };
        out.push(json!([d.ticket.as_str(), d.rule, what]));
    }
    Ok(Value::Array(out))
}

/// Whether `actual` matches `expected`: equal, or for `subset` comparisons every key of an
/// expected object present and matching (recursively; arrays element by element).
fn matches(expected: &Value, actual: &Value, subset: bool) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) if subset => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|x| matches(v, x, subset))),
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| matches(x, y, subset))
        }
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        _ => expected == actual,
    }
}

/// Runs one case; returns a description of the first failure.
fn run_case(case: &Value) -> Result<(), String> {
    let empty = Value::Object(Map::new());
    let mut session =
        Session::new(case.get("setup").unwrap_or(&empty)).map_err(|e| format!("setup: {e}"))?;
    let ops = case
        .get("ops")
        .and_then(Value::as_array)
        .ok_or("the case has no ops")?;
    for (i, op) in ops.iter().enumerate() {
        // A refused action must leave the ledger and its log byte-identical.
        let acts = matches!(
            op.get("op").and_then(Value::as_str),
            Some("t.apply" | "t.report")
        );
        if acts {
            // A ledger that cannot be built leaves `log()` None; the operation then says why.
            let _ = session.ledger();
        }
        let before = if acts { session.log() } else { None };
        let result = session.run(op);
        let at = format!("op {i} {}", op);
        if result.is_err() && acts && session.log() != before {
            return Err(format!("{at}: a refused action changed the log"));
        }
        match (op.get("error"), result) {
            (Some(code), Err(e)) => {
                if code.as_str() != Some(e.code()) {
                    return Err(format!(
                        "{at}: expected error {code}, got {} ({e})",
                        e.code()
                    ));
                }
                if let Some(details) = op.get("errorDetails") {
                    if !matches(details, &e.details(), true) {
                        return Err(format!("{at}: error details {} do not match", e.details()));
                    }
                }
            }
            (Some(code), Ok(v)) => return Err(format!("{at}: expected error {code}, got {v}")),
            (None, Err(e)) => return Err(format!("{at}: unexpected error {} ({e})", e.code())),
            (None, Ok(v)) => {
                if let Some(expected) = op.get("expect") {
                    if !matches(expected, &v, false) {
                        return Err(format!("{at}: expected {expected}, got {v}"));
                    }
                }
                if let Some(expected) = op.get("expectSubset") {
                    if !matches(expected, &v, true) {
                        return Err(format!("{at}: expected (subset) {expected}, got {v}"));
                    }
                }
                if let Some(expected) = op.get("expectClose") {
                    let within = op.get("within").and_then(Value::as_f64).unwrap_or(0.0);
                    if !close(expected, &v, within) {
                        return Err(format!(
                            "{at}: expected {expected} within {within}, got {v}"
                        ));
                    }
                }
            }
        }
    }
    #[cfg(feature = "arrow")]
    if let Some(ledger) = &session.ledger {
        arrow_round_trip(ledger)?;
    }
    Ok(())
}

/// The ledger a case leaves, written as Arrow record batches (in batches of a few rows, so
/// that tickets fall in several) and loaded into an empty ledger as trusted history, has the
/// same events: every action kind the corpus takes goes through the columns and back.
#[cfg(feature = "arrow")]
fn arrow_round_trip(ledger: &Ledger) -> Result<(), String> {
    let batches = wangge::arrow::events(ledger, 7).map_err(|e| format!("arrow export: {e}"))?;
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    if rows != ledger.event_count() {
        return Err(format!(
            "arrow export: {rows} rows for {} events",
            ledger.event_count()
        ));
    }
    let mut copy = Ledger::new(ledger.hierarchy().clone(), ledger.taxonomy().clone());
    let mut first = 0;
    for b in &batches {
        let bad = wangge::arrow::load_events(&mut copy, b, Trust::History, first)
            .map_err(|e| format!("arrow load: {e}"))?;
        if let Some((row, e)) = bad.first() {
            return Err(format!("arrow load: row {row}: {e}"));
        }
        first += b.num_rows();
    }
    let (a, b): (Vec<_>, Vec<_>) = (ledger.all_events().collect(), copy.all_events().collect());
    if a != b {
        let diff = a.iter().zip(&b).find(|(x, y)| x != y);
        return Err(format!("arrow round trip changed the events: {diff:?}"));
    }
    Ok(())
}

/// Whether two JSON values are equal, numbers within `within` of each other (conversions of
/// coordinates, whose last bits depend on the platform's sines).
fn close(expected: &Value, got: &Value, within: f64) -> bool {
    match (expected, got) {
        (Value::Number(a), Value::Number(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => (a - b).abs() <= within,
            _ => false,
        },
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| close(x, y, within))
        }
        _ => expected == got,
    }
}

#[test]
fn conformance_corpus() {
    let dir = root().join("tests/conformance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/conformance exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json") && !p.ends_with("error-codes.json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no conformance files in {dir:?}");
    let (mut cases, mut skipped, mut failures) = (0, 0, Vec::new());
    let mut codes: BTreeSet<String> = BTreeSet::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let doc: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
        assert_eq!(doc["format"], "wangge.conformance", "{}", path.display());
        assert_eq!(doc["version"], 1, "{}", path.display());
        for case in doc["cases"].as_array().expect("cases") {
            let name = case["name"].as_str().unwrap_or("?");
            if let Some(reason) = case.pointer("/skip/rust") {
                skipped += 1;
                println!("skipped {}: {name}: {reason}", path.display());
                continue;
            }
            cases += 1;
            for op in case["ops"].as_array().into_iter().flatten() {
                if let Some(code) = op.get("error").and_then(Value::as_str) {
                    codes.insert(code.to_owned());
                }
            }
            if let Err(e) = run_case(case) {
                failures.push(format!("{} / {name}: {e}", path.display()));
            }
        }
    }
    println!(
        "conformance: {cases} cases run, {skipped} skipped, {} failed, {} error codes exercised",
        failures.len(),
        codes.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        cases >= 200,
        "the corpus has {cases} cases; it must have at least 200"
    );
}

/// Every error code of the core is listed in `error-codes.json`, and every listed code that
/// is not marked unreachable is exercised by some case (as an expected error, or in a bulk
/// result's list of row errors).
#[test]
fn every_error_code_is_exercised() {
    let dir = root().join("tests/conformance");
    let registry: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("error-codes.json")).expect("error-codes.json"),
    )
    .expect("JSON");
    let mut corpus = String::new();
    for entry in std::fs::read_dir(&dir).expect("dir").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "json") && !path.ends_with("error-codes.json") {
            corpus.push_str(&std::fs::read_to_string(&path).expect("readable"));
        }
    }
    let mut missing = Vec::new();
    let mut listed = BTreeSet::new();
    for c in registry["codes"].as_array().expect("codes") {
        let code = c["code"].as_str().expect("code");
        listed.insert(code.to_owned());
        if c.get("unreachable").is_none() && !corpus.contains(&format!("\"{code}\"")) {
            missing.push(code.to_owned());
        }
    }
    assert!(missing.is_empty(), "codes no case exercises: {missing:?}");
    // The registry is complete: a sample of codes from every module is in it.
    for code in [
        "hierarchy.duplicate_id",
        "division.orphan",
        "ticket.illegal_transition",
        "log.tampered",
        "taxonomy.invalid_code",
        "calendar.invalid_span",
        "time.invalid_instant",
        "policy.invalid_rule",
        "consultation.duplicate_ballot",
        "input.malformed",
    ] {
        assert!(listed.contains(code), "{code} is not in error-codes.json");
    }
    println!("{} error codes listed", listed.len());
}
