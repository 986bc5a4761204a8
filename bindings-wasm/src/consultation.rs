//! Owners' rolls, electorates, votes and forum records.

use std::sync::Arc;

use wangge::consultation::{
    BallotRecord, Choice, Electorate as CoreElectorate, ForumRecords as CoreForums,
    ForumRecordsDocument, OwnerRoll as CoreRoll, RuleSpec, Scope, Vote as CoreVote, VoteSpec,
};
use wangge::time::Timestamp;
use wasm_bindgen::prelude::*;

use crate::convert::{err, from_js, json_text, to_js, ts};
use crate::hierarchy::Hierarchy;
use crate::ledger::{error_info, Ledger};
use crate::types::*;

/// An owners' roll (业主名册): exclusive units with their exact areas and owners.
#[wasm_bindgen]
pub struct OwnerRoll {
    inner: CoreRoll,
}

#[wasm_bindgen]
impl OwnerRoll {
    /// A roll from its JSON document (object or text).
    #[wasm_bindgen(constructor)]
    pub fn new(document: JsOwnerRoll) -> Result<OwnerRoll, JsValue> {
        let text = json_text(document.into())?;
        Ok(OwnerRoll {
            inner: CoreRoll::from_json(&text).map_err(err)?,
        })
    }

    /// The electorate of a scope (a compound, a building, a building unit, a territory, or
    /// the whole roll), resolved against the hierarchy.
    pub fn electorate(&self, hierarchy: &Hierarchy, scope: JsScope) -> Result<Electorate, JsValue> {
        let s: Scope = from_js(scope.into())?;
        Ok(Electorate {
            inner: Arc::new(self.inner.electorate(&hierarchy.inner, &s).map_err(err)?),
        })
    }
}

/// The eligible voters of a vote, with their weights.
#[wasm_bindgen]
pub struct Electorate {
    inner: Arc<CoreElectorate>,
}

/// A residents' roll (居民名册): households with their representatives, residents with their
/// dates of birth, residents' groups with their 2 to 3 elected representatives.
#[wasm_bindgen]
pub struct ResidentRoll {
    inner: wangge::consultation::ResidentRoll,
}

#[wasm_bindgen]
impl ResidentRoll {
    /// A roll from its document (`wangge.consultation.resident_roll`: `{households,
    /// residents, groups}`, object or JSON text), checked.
    #[wasm_bindgen(constructor)]
    pub fn new(document: JsResidentRoll) -> Result<ResidentRoll, JsValue> {
        let text = json_text(document.into())?;
        Ok(ResidentRoll {
            inner: wangge::document::Document::from_json(&text).map_err(err)?,
        })
    }

    /// The households.
    pub fn households(&self) -> Result<JsHouseholds, JsValue> {
        Ok(to_js(self.inner.households())?.unchecked_into())
    }

    /// The residents.
    pub fn residents(&self) -> Result<JsResidents, JsValue> {
        Ok(to_js(self.inner.residents())?.unchecked_into())
    }

    /// The groups of residents' representatives.
    pub fn groups(&self) -> Result<JsResidentsGroups, JsValue> {
        Ok(to_js(self.inner.groups())?.unchecked_into())
    }

    /// The electorate of a scope on a date (`YYYY-MM-DD`): residents aged 18 or more on
    /// that day, household representatives and elected group representatives.
    pub fn electorate(
        &self,
        hierarchy: &Hierarchy,
        scope: JsScope,
        on: &str,
    ) -> Result<Electorate, JsValue> {
        let s: Scope = from_js(scope.into())?;
        let on: wangge::time::Date = on.parse().map_err(err)?;
        Ok(Electorate {
            inner: Arc::new(
                self.inner
                    .electorate(&hierarchy.inner, &s, on)
                    .map_err(err)?,
            ),
        })
    }
}

#[wasm_bindgen]
impl Electorate {
    /// The electorate of a forum: its members (`{id, representative?}`), each counting one
    /// person, and one representative if flagged.
    pub fn members(members: JsMembers) -> Result<Electorate, JsValue> {
        let m: Vec<wangge::consultation::Member> = from_js(members.into())?;
        Ok(Electorate {
            inner: Arc::new(CoreElectorate::members(m).map_err(err)?),
        })
    }

    /// The number of voters (owners counted by the headcount rule).
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }

    /// The total weights.
    pub fn totals(&self) -> Result<JsWeights, JsValue> {
        Ok(to_js(self.inner.totals())?.unchecked_into())
    }

    /// The voter ids.
    pub fn voters(&self) -> Vec<String> {
        self.inner.voters().map(|(_, id)| id.to_owned()).collect()
    }

    /// The dense position of a voter (for [`Electorate::passes_coded`]).
    #[wasm_bindgen(js_name = voterIndex)]
    pub fn voter_index(&self, voter: &str) -> Result<u32, JsValue> {
        self.inner.voter(voter).map(|v| v.raw()).map_err(err)
    }

    /// Whether a rule passes on ballots given as typed arrays: voter positions and choices
    /// (0 agree, 1 oppose, 2 abstain). One tally pass, no explanation; for dashboards and
    /// what-if loops over many ballot sets.
    #[wasm_bindgen(js_name = passesCoded)]
    pub fn passes_coded(
        &self,
        rule: &Rule,
        voters: &[u32],
        choices: &[u8],
    ) -> Result<bool, JsValue> {
        rule.inner
            .passes_coded(&self.inner, voters, choices)
            .map_err(err)
    }

    /// The voter who owns an exclusive unit.
    #[wasm_bindgen(js_name = voterOfUnit)]
    pub fn voter_of_unit(&self, unit: &str) -> Result<String, JsValue> {
        let v = self.inner.voter_of_unit(unit).map_err(err)?;
        Ok(self.inner.voter_id(v).unwrap_or_default().to_owned())
    }
}

/// A vote (表决): ballots by eligible voters or by written proxy, once each, within its time
/// window; the running tally updates per ballot.
#[wasm_bindgen]
pub struct Vote {
    inner: CoreVote,
}

fn choice(value: JsValue) -> Result<Choice, JsValue> {
    from_js(value)
}

#[wasm_bindgen]
impl Vote {
    /// Opens a vote: an id, an agenda item, a rule (in full or as a preset), and its window.
    #[wasm_bindgen(constructor)]
    pub fn new(electorate: &Electorate, spec: JsVoteSpec) -> Result<Vote, JsValue> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct Spec {
            id: String,
            agenda: String,
            rule: Box<serde_json::value::RawValue>,
            opens_at: Timestamp,
            closes_at: Timestamp,
        }
        let s: Spec = from_js(spec.into())?;
        let spec = VoteSpec {
            id: s.id,
            agenda: s.agenda,
            rule: rule_of(s.rule.get())?,
            opens_at: s.opens_at,
            closes_at: s.closes_at,
        };
        Ok(Vote {
            inner: CoreVote::open(electorate.inner.clone(), spec).map_err(err)?,
        })
    }

    /// The vote id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// The agenda item.
    #[wasm_bindgen(getter)]
    pub fn agenda(&self) -> String {
        self.inner.agenda().to_owned()
    }

    /// The rule.
    #[wasm_bindgen(getter)]
    pub fn rule(&self) -> Rule {
        Rule {
            inner: self.inner.rule().clone(),
        }
    }

    /// The electorate.
    #[wasm_bindgen(getter)]
    pub fn electorate(&self) -> Electorate {
        Electorate {
            inner: self.inner.shared_electorate(),
        }
    }

    /// Registers a written proxy (委托书).
    #[wasm_bindgen(js_name = registerProxy)]
    pub fn register_proxy(&mut self, principal: &str, proxy: &str) -> Result<(), JsValue> {
        self.inner.register_proxy(principal, proxy).map_err(err)
    }

    /// Casts a ballot.
    pub fn cast(&mut self, voter: &str, choice: JsChoice, at: JsInstant) -> Result<(), JsValue> {
        let c = self::choice(choice.into())?;
        self.inner.cast(voter, c, ts(at)?).map_err(err)
    }

    /// Casts a ballot by proxy.
    #[wasm_bindgen(js_name = castByProxy)]
    pub fn cast_by_proxy(
        &mut self,
        proxy: &str,
        principal: &str,
        choice: JsChoice,
        at: JsInstant,
    ) -> Result<(), JsValue> {
        let c = self::choice(choice.into())?;
        self.inner
            .cast_by_proxy(proxy, principal, c, ts(at)?)
            .map_err(err)
    }

    /// Casts many ballots, each on its own, in order (`{voter, choice, at, proxy?}`; by
    /// written proxy when `proxy` is given). Returns the refused ones with their row number
    /// (from 1) and error; the others are recorded.
    #[wasm_bindgen(js_name = castMany)]
    pub fn cast_many(&mut self, ballots: JsBallots) -> Result<JsIndexedErrors, JsValue> {
        /// A ballot as JS gives it, its choice and time read as `cast` reads them.
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Row {
            voter: String,
            choice: String,
            at: String,
            #[serde(default)]
            proxy: Option<String>,
        }
        let rows: Vec<Box<serde_json::value::RawValue>> = from_js(ballots.into())?;
        let rows = rows.iter().map(|r| -> Result<BallotRecord, wangge::Error> {
            let row: Row = wangge::document::read_json(r.get())?;
            Ok(BallotRecord {
                choice: wangge::document::read_value(serde_json::Value::String(row.choice))?,
                at: row.at.parse::<Timestamp>()?,
                voter: row.voter,
                proxy: row.proxy,
            })
        });
        let refused: Vec<serde_json::Value> = self
            .inner
            .cast_many(rows)
            .into_iter()
            .map(|(i, e)| error_info(i, e))
            .collect();
        Ok(to_js(&refused)?.unchecked_into())
    }

    /// Closes the vote.
    pub fn close(&mut self, at: JsInstant) -> Result<(), JsValue> {
        self.inner.close(ts(at)?).map_err(err)
    }

    /// Whether the vote is closed.
    #[wasm_bindgen(getter, js_name = isClosed)]
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// The running tally.
    pub fn tally(&self) -> Result<JsTally, JsValue> {
        Ok(to_js(self.inner.tally())?.unchecked_into())
    }

    /// Whether the rule holds on the ballots so far (or at closing).
    pub fn passes(&self) -> bool {
        self.inner.passes()
    }

    /// The outcome: passed or not, every condition with its counts and exact margin, and an
    /// explanation in Chinese and English.
    pub fn outcome(&self) -> Result<JsOutcome, JsValue> {
        Ok(to_js(&self.inner.outcome())?.unchecked_into())
    }
}

/// A rule from JSON text: a preset (`{"preset": …}`) or a rule in full, checked.
fn rule_of(text: &str) -> Result<wangge::consultation::Rule, JsValue> {
    RuleSpec::from_json(text)
        .and_then(RuleSpec::rule)
        .map_err(err)
}

/// A decision rule (议事规则), checked, kept for repeated use.
#[wasm_bindgen]
pub struct Rule {
    inner: wangge::consultation::Rule,
}

#[wasm_bindgen]
impl Rule {
    /// A rule from a preset (`{preset: "civil_code_278_special"}`) or in full.
    #[wasm_bindgen(constructor)]
    pub fn new(rule: JsRule) -> Result<Rule, JsValue> {
        let text = json_text(rule.into())?;
        Ok(Rule {
            inner: rule_of(&text)?,
        })
    }
}

crate::convert::document_methods!(Rule, JsRuleOut, |r| &r.inner);
crate::convert::document_methods!(OwnerRoll, JsOwnerRollOut, |r| &r.inner);
crate::convert::document_methods!(ResidentRoll, JsResidentRollOut, |r| &r.inner);
crate::convert::document_methods!(ForumRecords, JsForumRecordsOut, |f| &f.inner);

/// A rule as a full document (from a preset, or checked from data).
#[wasm_bindgen(js_name = ruleDocument)]
pub fn rule_document(rule: JsRule) -> Result<JsRuleOut, JsValue> {
    let text = json_text(rule.into())?;
    Ok(to_js(&rule_of(&text)?)?.unchecked_into())
}

/// The records of consultation forums (居民协商会, 周末议事厅, …).
#[wasm_bindgen]
pub struct ForumRecords {
    pub(crate) inner: CoreForums,
}

#[wasm_bindgen]
impl ForumRecords {
    /// Records from their JSON document (object or text).
    #[wasm_bindgen(constructor)]
    pub fn new(document: JsForumRecords) -> Result<ForumRecords, JsValue> {
        let doc: ForumRecordsDocument = from_js(document.into())?;
        Ok(ForumRecords {
            inner: CoreForums::from_document(doc).map_err(err)?,
        })
    }

    /// Sessions held, consultations, problems solved: of one forum or all (`forum`
    /// undefined), over a period of dates (`from`, `to`, both included) or all time.
    pub fn stats(
        &self,
        forum: Option<String>,
        from: Option<String>,
        to: Option<String>,
    ) -> Result<JsForumStats, JsValue> {
        let period = match (from, to) {
            (Some(from), Some(to)) => Some(
                wangge::consultation::Period::new(
                    from.parse().map_err(err)?,
                    to.parse().map_err(err)?,
                )
                .map_err(err)?,
            ),
            (None, None) => None,
            _ => {
                return Err(crate::convert::malformed(
                    "stats: give both `from` and `to`, or neither",
                ))
            }
        };
        Ok(to_js(&self.inner.stats(forum.as_deref(), period).map_err(err)?)?.unchecked_into())
    }

    /// Resolves the tickets linked to solved decisions through the lifecycle; returns the
    /// ids of the tickets resolved and throws nothing for refused ones (they stay as they
    /// were and are listed with their error code).
    #[wasm_bindgen(js_name = resolveTickets)]
    pub fn resolve_tickets(
        &self,
        ledger: &mut Ledger,
        actor: &str,
        at: JsInstant,
    ) -> Result<JsTicketResolutions, JsValue> {
        let results = self
            .inner
            .resolve_tickets(&mut ledger.inner, actor, ts(at)?);
        let v: Vec<serde_json::Value> = results
            .into_iter()
            .map(|(r, res)| match res {
                Ok(state) => serde_json::json!({"ticket": r.ticket, "state": state}),
                Err(e) => serde_json::json!({"ticket": r.ticket, "error": e.code()}),
            })
            .collect();
        Ok(to_js(&v)?.unchecked_into())
    }
}
