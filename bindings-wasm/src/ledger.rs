//! The ledger of tickets as a long-lived handle.

use std::sync::Arc;

use wangge::ticket::log::{PublicKey, SigningKey};
use wangge::ticket::{
    table, Action, BulkAction, DeadlineKind, Ledger as Core, NewTicket, Taxonomy, TicketState,
    Trust,
};
use wasm_bindgen::prelude::*;

use crate::authority::{authority_of, Authority};
use crate::convert::{err, from_js, malformed, to_js, ts};
use crate::hierarchy::Hierarchy;
use crate::types::*;

/// A ledger of tickets (工单台账) over a hierarchy. Every action goes through the closed-loop
/// lifecycle; a refused one throws a `WanggeError` and changes nothing.
#[wasm_bindgen]
pub struct Ledger {
    pub(crate) inner: Core,
}

fn taxonomy(value: JsValue) -> Result<Taxonomy, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Taxonomy::default());
    }
    Taxonomy::from_json(&crate::convert::json_text(value)?).map_err(err)
}

/// An empty ledger under an authority (the default when none is given).
fn empty(hierarchy: &Hierarchy, taxonomy: Taxonomy, authority: JsValue) -> Result<Core, JsValue> {
    let (h, t) = (hierarchy.inner.clone(), Arc::new(taxonomy));
    let authority = authority_of(authority)?.unwrap_or_default();
    Core::checked(h, t, authority).map_err(err)
}

/// `{ authority, trusted }` from a JS options object (or `undefined`).
fn load_options(options: &JsValue) -> Result<(JsValue, Trust), JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok((JsValue::UNDEFINED, Trust::Checked));
    }
    let get = |key: &str| js_sys::Reflect::get(options, &key.into()).unwrap_or(JsValue::UNDEFINED);
    let trusted = get("trusted");
    let trust = match trusted.as_bool() {
        Some(true) => Trust::History,
        Some(false) => Trust::Checked,
        None if trusted.is_undefined() || trusted.is_null() => Trust::Checked,
        None => return Err(malformed("`trusted` must be a boolean")),
    };
    Ok((get("authority"), trust))
}

/// `publicKey` (a `Uint8Array` of 32 bytes) from a JS options object, if given.
fn public_key_option(options: &JsValue) -> Result<Option<PublicKey>, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    let key = js_sys::Reflect::get(options, &"publicKey".into()).unwrap_or(JsValue::UNDEFINED);
    if key.is_undefined() || key.is_null() {
        return Ok(None);
    }
    let bytes = key
        .dyn_ref::<js_sys::Uint8Array>()
        .ok_or_else(|| malformed("`publicKey` must be a Uint8Array of 32 bytes"))?
        .to_vec();
    PublicKey::from_slice(&bytes).map(Some).map_err(err)
}

/// The public key (32 bytes) of an Ed25519 secret key (32 bytes), for verifying the logs it
/// signs (`toJsonl(secret)`, `Ledger.fromJsonl(…, { publicKey })`). The library never
/// generates keys: make the secret with `crypto.getRandomValues(new Uint8Array(32))` or your
/// key store, and keep it.
#[wasm_bindgen(js_name = publicKey)]
pub fn public_key(secret: &[u8]) -> Result<Vec<u8>, JsValue> {
    let key = SigningKey::from_slice(secret).map_err(err)?;
    Ok(key.public_key().to_bytes().to_vec())
}

fn state_js(state: TicketState) -> JsTicketState {
    JsValue::from_str(state.as_str()).unchecked_into()
}

/// A refused row of a bulk call, numbered from 1, with its error's code, message and details.
pub(crate) fn error_info(row: usize, e: impl Into<wangge::Error>) -> serde_json::Value {
    let e: wangge::Error = e.into();
    let mut m = serde_json::Map::new();
    m.insert("row".into(), row.into());
    m.insert("code".into(), e.code().into());
    m.insert("message".into(), e.to_string().into());
    if let serde_json::Value::Object(d) = e.details() {
        for (k, v) in d {
            m.entry(k).or_insert(v);
        }
    }
    serde_json::Value::Object(m)
}

#[wasm_bindgen]
impl Ledger {
    /// An empty ledger over (a copy of) a hierarchy, with the default taxonomy or a given one,
    /// under an authority (a preset's name, a document or an `Authority`; by default
    /// `"gbt30428"`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        hierarchy: &Hierarchy,
        taxonomy: Option<JsTaxonomyOpt>,
        authority: Option<JsAuthorityOpt>,
    ) -> Result<Ledger, JsValue> {
        let t = self::taxonomy(crate::convert::opt(taxonomy))?;
        Ok(Ledger {
            inner: empty(hierarchy, t, crate::convert::opt(authority))?,
        })
    }

    /// Reads, verifies (hash chain, sequence, end record) and replays a JSON-lines log,
    /// checking every event against the authority unless `options.trusted` (trusted history).
    /// With `options.publicKey` (a `Uint8Array` of 32 bytes), every segment must be signed by
    /// that key (`log.unsigned_segment`, `log.bad_signature` otherwise).
    #[wasm_bindgen(js_name = fromJsonl)]
    pub fn from_jsonl(
        hierarchy: &Hierarchy,
        jsonl: &str,
        taxonomy: Option<JsTaxonomyOpt>,
        options: Option<JsLogOptions>,
    ) -> Result<Ledger, JsValue> {
        crate::convert::reserve_heap(jsonl.len());
        let options = crate::convert::opt(options);
        let (authority, trust) = load_options(&options)?;
        let key = public_key_option(&options)?;
        let mut l = empty(
            hierarchy,
            self::taxonomy(crate::convert::opt(taxonomy))?,
            authority,
        )?;
        match key {
            Some(k) => l.load_jsonl_verified(jsonl, trust, &k),
            None => l.load_jsonl(jsonl, trust),
        }
        .map_err(err)?;
        Ok(Ledger { inner: l })
    }

    /// Rebuilds a ledger from events, checking the lifecycle and (unless `options.trusted`)
    /// the authority.
    pub fn replay(
        hierarchy: &Hierarchy,
        events: JsEvents,
        taxonomy: Option<JsTaxonomyOpt>,
        options: Option<JsLoadOptions>,
    ) -> Result<Ledger, JsValue> {
        let events: Vec<wangge::ticket::Event> = from_js(events.into())?;
        let (authority, trust) = load_options(&crate::convert::opt(options))?;
        let mut l = empty(
            hierarchy,
            self::taxonomy(crate::convert::opt(taxonomy))?,
            authority,
        )?;
        l.replay_into(events, trust).map_err(err)?;
        Ok(Ledger { inner: l })
    }

    /// The number of events of every ticket.
    #[wasm_bindgen(getter, js_name = eventCount)]
    pub fn event_count(&self) -> usize {
        self.inner.event_count()
    }

    /// Reserves room for `additional` more tickets, so that reporting that many does not
    /// grow the ledger's tables step by step. More than the ledger can hold or memory allows
    /// throws (`ticket.capacity_exceeded`).
    pub fn reserve(&mut self, additional: usize) -> Result<(), JsValue> {
        self.inner.try_reserve(additional).map_err(err)
    }

    /// The authority actions are checked against (a property, as in Python).
    #[wasm_bindgen(getter)]
    pub fn authority(&self) -> Authority {
        Authority {
            inner: self.inner.authority().clone(),
        }
    }

    /// Whether `actor` may take `action` on `ticket` at `at` (nothing changes).
    pub fn can(
        &self,
        ticket: &str,
        actor: &str,
        at: JsInstant,
        action: JsAction,
    ) -> Result<bool, JsValue> {
        let a: Action = from_js(action.into())?;
        Ok(self.inner.can(ticket, actor, ts(at)?, &a))
    }

    /// Why `actor` may not take `action` on `ticket` at `at` (the rule that refuses, in
    /// English and Chinese), or `undefined` if it may.
    #[wasm_bindgen(js_name = whyNot)]
    pub fn why_not(
        &self,
        ticket: &str,
        actor: &str,
        at: JsInstant,
        action: JsAction,
    ) -> Result<JsDenialOpt, JsValue> {
        let a: Action = from_js(action.into())?;
        match self.inner.why_not(ticket, actor, ts(at)?, &a) {
            Some(d) => Ok(to_js(&d)?.unchecked_into()),
            None => Ok(JsValue::UNDEFINED.unchecked_into()),
        }
    }

    /// Everyone who may take `action` on `ticket` at `at`: `"@system"` and node ids.
    #[wasm_bindgen(js_name = whoCan)]
    pub fn who_can(
        &self,
        ticket: &str,
        at: JsInstant,
        action: JsAction,
    ) -> Result<Vec<String>, JsValue> {
        let a: Action = from_js(action.into())?;
        let who = self.inner.who_can(ticket, ts(at)?, &a).map_err(err)?;
        Ok(who.iter().map(|a| a.as_str().to_owned()).collect())
    }

    /// Loads flat event rows (objects with `ticket`, `at`, `actor`, `type` and the action's
    /// fields) into this ledger, replaying each: the lifecycle and (unless
    /// `options.trusted`) the authority are checked. Returns the refused rows (1-based `row`,
    /// with the error); the others are kept. `options.authority` is ignored here (the
    /// ledger's own applies).
    #[wasm_bindgen(js_name = loadRows)]
    pub fn load_rows(
        &mut self,
        rows: JsRows,
        options: Option<JsLoadOptions>,
    ) -> Result<JsRowErrors, JsValue> {
        let rows: Vec<serde_json::Map<String, serde_json::Value>> = from_js(rows.into())?;
        let (_, trust) = load_options(&crate::convert::opt(options))?;
        let bad = table::load_with(&mut self.inner, &rows, trust);
        let out: Vec<serde_json::Value> = bad
            .into_iter()
            .map(|(row, e)| {
                let mut v = error_info(row, e);
                if let serde_json::Value::Object(m) = &mut v {
                    m.remove("index");
                    m.insert("row".into(), row.into());
                }
                v
            })
            .collect();
        Ok(to_js(&out)?.unchecked_into())
    }

    /// The hierarchy (a copy-on-write handle; a property, as in Python).
    #[wasm_bindgen(getter)]
    pub fn hierarchy(&self) -> Hierarchy {
        Hierarchy {
            inner: self.inner.hierarchy().clone(),
        }
    }

    /// The taxonomy.
    pub fn taxonomy(&self) -> Result<JsTaxonomy, JsValue> {
        Ok(to_js(&**self.inner.taxonomy())?.unchecked_into())
    }

    /// The number of tickets.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }

    /// Reports a new ticket.
    pub fn report(
        &mut self,
        ticket: JsNewTicket,
        actor: &str,
        at: JsInstant,
    ) -> Result<(), JsValue> {
        let t: NewTicket = from_js(ticket.into())?;
        self.inner
            .report(t, actor, ts(at)?)
            .map(|_| ())
            .map_err(err)
    }

    /// Applies an action and returns the new state.
    pub fn apply(
        &mut self,
        ticket: &str,
        actor: &str,
        at: JsInstant,
        action: JsAction,
    ) -> Result<JsTicketState, JsValue> {
        let a: Action = from_js(action.into())?;
        self.inner
            .apply(ticket, actor, ts(at)?, a)
            .map(state_js)
            .map_err(err)
    }

    /// Checks an action without applying it; returns the state it would lead to.
    pub fn check(
        &self,
        ticket: &str,
        actor: &str,
        at: JsInstant,
        action: JsAction,
    ) -> Result<JsTicketState, JsValue> {
        let a: Action = from_js(action.into())?;
        let key = self.inner.key(ticket).ok_or_else(|| {
            err(wangge::ticket::TicketError::UnknownTicket {
                ticket: ticket.to_owned(),
            })
        })?;
        let actor = self.inner.actor_key(actor).map_err(err)?;
        self.inner
            .check(key, actor, ts(at)?, &a)
            .map(state_js)
            .map_err(err)
    }

    /// Applies many actions, each on its own; every refused row is reported by its number
    /// (from 1), including a row that cannot be read (a bad time, a missing field), which
    /// does not stop the others; the state of an unknown ticket or an unreadable row is
    /// `null`.
    #[wasm_bindgen(js_name = applyMany)]
    pub fn apply_many(&mut self, items: JsBulkItems) -> Result<JsBulkReport, JsValue> {
        let rows: Vec<Box<serde_json::value::RawValue>> = from_js(items.into())?;
        let rows = rows
            .iter()
            .map(|r| wangge::document::read_json::<BulkAction>(r.get()));
        let report = self.inner.apply_many(rows);
        let errors: Vec<serde_json::Value> = report
            .errors
            .into_iter()
            .map(|(i, e)| error_info(i, e))
            .collect();
        Ok(
            to_js(&serde_json::json!({"states": report.states, "errors": errors}))?
                .unchecked_into(),
        )
    }

    /// The key of a ticket (for the typed-array entry points).
    #[wasm_bindgen(js_name = ticketKey)]
    pub fn ticket_key(&self, ticket: &str) -> Result<u32, JsValue> {
        self.inner
            .key(ticket)
            .map(|k| u32::try_from(k.index()).unwrap_or(u32::MAX))
            .ok_or_else(|| {
                err(wangge::ticket::TicketError::UnknownTicket {
                    ticket: ticket.to_owned(),
                })
            })
    }

    /// Reports many tickets in one call: ids, one category, and per ticket the unit key, the
    /// actor key (0xFFFFFFFF for `@system`) and the time (epoch milliseconds). Returns the
    /// refused tickets with their row number (from 1) and error; the others are kept.
    #[wasm_bindgen(js_name = reportCoded)]
    pub fn report_coded(
        &mut self,
        ids: Vec<String>,
        category: &str,
        units: &[u32],
        actors: &[u32],
        at_ms: &[f64],
    ) -> Result<JsIndexedErrors, JsValue> {
        let at: Vec<i64> = at_ms.iter().map(|ms| epoch_seconds(*ms)).collect();
        let bad = self
            .inner
            .report_coded(&ids, category, units, actors, &at)
            .map_err(err)?;
        let out: Vec<serde_json::Value> = bad.into_iter().map(|(i, e)| error_info(i, e)).collect();
        Ok(to_js(&out)?.unchecked_into())
    }

    /// Applies many actions given as typed arrays, in one call: ticket keys, actor keys
    /// (0xFFFFFFFF for `@system`), times in epoch milliseconds, action codes and an argument
    /// per action. Codes: 0 file, 1 dispatch (arg: node key), 2 acknowledge, 3 handle,
    /// 4 verify (passed), 5 visit (arg: 0 satisfied, 1 basically satisfied, 2 unsatisfied),
    /// 6 escalate (arg: node key, or 0xFFFFFFFF for one level up), 7 reject (out of scope), 8 reopen, 9 close, 10 supervise, 11 set the
    /// handling deadline (arg: minutes since the Unix epoch). Returns the
    /// state after each item as its index in the state list (unchanged when refused), and
    /// sets bit 7 of refused items.
    #[wasm_bindgen(js_name = applyCoded)]
    pub fn apply_coded(
        &mut self,
        tickets: &[u32],
        actors: &[u32],
        at_ms: &[f64],
        codes: &[u8],
        args: &[u32],
    ) -> Result<Vec<u8>, JsValue> {
        let at: Vec<i64> = at_ms.iter().map(|ms| epoch_seconds(*ms)).collect();
        let report = self
            .inner
            .apply_coded(tickets, actors, &at, codes, args)
            .map_err(err)?;
        let mut out: Vec<u8> = report
            .states
            .iter()
            .map(|s| s.map_or(u8::MAX, |s| s as u8))
            .collect();
        for (row, _) in &report.errors {
            if let Some(s) = row.checked_sub(1).and_then(|i| out.get_mut(i)) {
                *s |= 0x80;
            }
        }
        Ok(out)
    }

    /// A ticket as plain data, or `undefined`.
    pub fn get(&self, ticket: &str) -> Result<JsSnapshotOpt, JsValue> {
        Ok(match self.inner.get(ticket) {
            Some(v) => to_js(&v.snapshot())?,
            None => JsValue::UNDEFINED,
        }
        .unchecked_into())
    }

    /// Every ticket as plain data.
    pub fn tickets(&self) -> Result<JsSnapshots, JsValue> {
        let v: Vec<_> = self.inner.tickets().map(|t| t.snapshot()).collect();
        Ok(to_js(&v)?.unchecked_into())
    }

    /// The ids of the tickets in a state.
    #[wasm_bindgen(js_name = inState)]
    pub fn in_state(&self, state: JsTicketState) -> Result<Vec<String>, JsValue> {
        let s: TicketState = from_js(state.into())?;
        Ok(self.inner.in_state(s).map(|t| t.id().to_string()).collect())
    }

    /// Whether a ticket is in the ledger (Python: `ticket in ledger`).
    pub fn has(&self, ticket: &str) -> bool {
        self.inner.key(ticket).is_some()
    }

    /// An independent copy of the ledger (Python: `copy()`).
    #[wasm_bindgen(js_name = clone)]
    pub fn clone_ledger(&self) -> Ledger {
        Ledger {
            inner: self.inner.clone(),
        }
    }

    /// A ticket's state (throws `ticket.unknown_ticket`).
    pub fn state(&self, ticket: &str) -> Result<JsTicketState, JsValue> {
        let v = self.inner.require_ticket(ticket).map_err(err)?;
        Ok(state_js(v.state()))
    }

    /// When a ticket was reported (throws `ticket.unknown_ticket`).
    #[wasm_bindgen(js_name = reportedAt)]
    pub fn reported_at(&self, ticket: &str) -> Result<String, JsValue> {
        let v = self.inner.require_ticket(ticket).map_err(err)?;
        Ok(v.reported_at().to_string())
    }

    /// The deadlines falling at or before `until`: `[instant, ticket, kind]`, in deadline order.
    #[wasm_bindgen(js_name = dueUntil)]
    pub fn due_until(&self, until: JsInstant) -> Result<JsDue, JsValue> {
        let due: Vec<(String, String, DeadlineKind)> = self
            .inner
            .due_ids_until(ts(until)?)
            .into_iter()
            .map(|(t, id, d)| (t.to_string(), id, d))
            .collect();
        Ok(to_js(&due)?.unchecked_into())
    }

    /// The ids of the open tickets an escalation rule may react to, in key order.
    #[wasm_bindgen(js_name = needingAttention)]
    pub fn needing_attention(&self) -> Vec<String> {
        self.inner.ids_of(self.inner.needing_attention())
    }

    /// The ids of the tickets reported between two instants (both included), in time order.
    #[wasm_bindgen(js_name = reportedBetween)]
    pub fn reported_between(
        &self,
        start: JsInstant,
        end: JsInstant,
    ) -> Result<Vec<String>, JsValue> {
        Ok(self
            .inner
            .ids_of(self.inner.reported_between(ts(start)?, ts(end)?)))
    }

    /// The service levels attached to the ledger, if any.
    #[wasm_bindgen(js_name = serviceLevels)]
    pub fn service_levels(&self) -> Result<JsServiceLevelsOpt, JsValue> {
        match self.inner.service_levels() {
            Some(s) => Ok(to_js(&**s)?.unchecked_into()),
            None => Ok(JsValue::UNDEFINED.unchecked_into()),
        }
    }

    /// The ids of the tickets held by a node.
    #[wasm_bindgen(js_name = heldBy)]
    pub fn held_by(&self, holder: &str) -> Vec<String> {
        self.inner
            .held_by(holder)
            .map(|t| t.id().to_string())
            .collect()
    }

    /// The ids of the tickets of a category (and its subcategories).
    #[wasm_bindgen(js_name = inCategory)]
    pub fn in_category(&self, category: &str) -> Vec<String> {
        self.inner
            .in_category(category)
            .map(|t| t.id().to_string())
            .collect()
    }

    /// The ids of the tickets that arose within a unit.
    pub fn within(&self, unit: &str) -> Vec<String> {
        self.inner
            .within(unit)
            .map(|t| t.id().to_string())
            .collect()
    }

    /// A ticket's events.
    pub fn events(&self, ticket: &str) -> Result<JsEvents, JsValue> {
        Ok(to_js(&self.inner.events(ticket).map_err(err)?)?.unchecked_into())
    }

    /// Every event of every ticket.
    #[wasm_bindgen(js_name = allEvents)]
    pub fn all_events(&self) -> Result<JsEvents, JsValue> {
        let v: Vec<_> = self.inner.all_events().collect();
        Ok(to_js(&v)?.unchecked_into())
    }

    /// The hash-chained JSON-lines log; with `signingKey` (an Ed25519 secret key, a
    /// `Uint8Array` of 32 bytes) its end records are signed.
    #[wasm_bindgen(js_name = toJsonl)]
    pub fn to_jsonl(
        &self,
        #[wasm_bindgen(js_name = signingKey)] signing_key: Option<Vec<u8>>,
    ) -> Result<String, JsValue> {
        Ok(match signing_key {
            Some(bytes) => {
                let key = SigningKey::from_slice(&bytes).map_err(err)?;
                self.inner.to_jsonl_signed(&key)
            }
            None => self.inner.to_jsonl(),
        })
    }

    /// A deadline of a ticket, if set.
    pub fn deadline(&self, ticket: &str, kind: &str) -> Result<Option<String>, JsValue> {
        let k: DeadlineKind = kind
            .parse()
            .map_err(|e: wangge::ticket::TicketError| err(e))?;
        let v = self.inner.get(ticket).ok_or_else(|| {
            err(wangge::ticket::TicketError::UnknownTicket {
                ticket: ticket.to_owned(),
            })
        })?;
        Ok(v.deadline(k).map(|t| t.to_string()))
    }

    /// Attaches service levels (a policy and a calendar; `null` detaches) and brings the
    /// deadlines of open tickets up to date at `now`. Returns how many deadlines changed.
    #[wasm_bindgen(js_name = setServiceLevels)]
    pub fn set_service_levels(
        &mut self,
        policy: Option<JsServicePolicy>,
        calendar: &crate::escalation::Calendar,
        now: JsInstant,
    ) -> Result<usize, JsValue> {
        let now = ts(now)?;
        let levels = match policy {
            Some(p) => {
                let policy = crate::escalation::service_policy(p.into())?;
                Some(Arc::new(wangge::sla::ServiceLevels {
                    policy,
                    calendar: calendar.inner.clone(),
                }))
            }
            None => None,
        };
        self.inner.set_service_levels(levels, now).map_err(err)
    }

    /// An estimate of the memory held by the tickets, in bytes.
    #[wasm_bindgen(js_name = heapSize)]
    pub fn heap_size(&self) -> usize {
        self.inner.heap_size()
    }
}

/// Epoch milliseconds (a JS number) as whole seconds, rounded down. NaN and infinities become
/// `i64::MIN`, which the core refuses on its row as out of range (never a silent 1970).
pub(crate) fn epoch_seconds(ms: f64) -> i64 {
    let s = (ms / 1000.0).floor();
    if s.is_finite() {
        s as i64
    } else {
        i64::MIN
    }
}
