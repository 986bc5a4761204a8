//! Owners' rolls, electorates, rules, votes and forum records.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use serde_json::Value;
use wangge::consultation::{
    BallotRecord, Choice, Electorate as CoreElectorate, ForumRecords as CoreForums,
    ForumRecordsDocument, Household, Member, OwnerRoll as CoreRoll, Period, Resident,
    ResidentRoll as CoreResidents, ResidentsGroup, RuleSpec, Scope, Vote as CoreVote, VoteRecord,
    VoteSpec,
};

use crate::convert::{date, enum_of, json, plain, timestamp, to_py, u32s, u8s};
use crate::errors::RowError;
use crate::errors::{error_object, guard, malformed, IntoPyResult};
use crate::escalation::json_text;
use crate::hierarchy::Hierarchy;
use crate::ledger::Ledger;
use crate::shared::Shared;

/// An owners' roll (业主名册): exclusive units with their exact areas and owners. Immutable.
#[pyclass(frozen, module = "wangge._wangge")]
pub struct OwnerRoll {
    inner: Arc<CoreRoll>,
}

#[pymethods]
impl OwnerRoll {
    /// A roll from its JSON document (a dict or JSON text).
    #[new]
    fn new(document: &Bound<'_, PyAny>) -> PyResult<OwnerRoll> {
        guard(|| {
            let inner = CoreRoll::from_json(&json_text(document)?).py()?;
            Ok(OwnerRoll {
                inner: Arc::new(inner),
            })
        })
    }

    /// The JSON document as text.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The JSON document as a dict.
    fn to_document<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.inner.to_document()))
    }

    /// The electorate of a scope (a dict: a compound, a building, a building unit, a
    /// territory, or the whole roll), resolved against the hierarchy.
    fn electorate(
        &self,
        py: Python<'_>,
        hierarchy: &Hierarchy,
        scope: &Bound<'_, PyAny>,
    ) -> PyResult<Electorate> {
        guard(|| {
            let s: Scope = plain(scope)?;
            let h = hierarchy.arc(py);
            let e = self.inner.electorate(&h, &s).py()?;
            Ok(Electorate {
                inner: Arc::new(e),
                source: Arc::new(Source::Owners {
                    roll: self.inner.to_json(),
                    hierarchy: h.to_json(),
                    scope: json(scope)?.to_string(),
                }),
            })
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<OwnerRoll>()
            .map(|o| o.get().inner.to_document() == self.inner.to_document())
            .unwrap_or(false)
    }

    fn __repr__(&self) -> String {
        format!(
            "OwnerRoll(owners={}, units={})",
            self.inner.owners().len(),
            self.inner.units().len()
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let args = PyTuple::new(py, [slf.get().inner.to_json()])?;
        PyTuple::new(py, [py.get_type::<OwnerRoll>().into_any(), args.into_any()])
    }
}

/// A residents' roll (居民名册): households, residents with their birth dates, and groups
/// of residents' representatives, for resident meetings (居民会议). Immutable.
#[pyclass(frozen, module = "wangge._wangge")]
pub struct ResidentRoll {
    inner: Arc<CoreResidents>,
    /// The parts as given (households, residents, groups as JSON), for pickling.
    parts: Arc<(String, String, String)>,
}

#[pymethods]
impl ResidentRoll {
    /// A roll from its document (`wangge.consultation.resident_roll`: a dict with
    /// `households`, `residents` and `groups`, or JSON text), as in JS; or from its three
    /// parts (lists of dicts). Checked.
    #[new]
    #[pyo3(signature = (document, residents = None, groups = None))]
    fn new(
        document: &Bound<'_, PyAny>,
        residents: Option<&Bound<'_, PyAny>>,
        groups: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ResidentRoll> {
        guard(|| {
            let roll: CoreResidents = match residents {
                None => wangge::document::Document::from_json(&json_text(document)?).py()?,
                Some(residents) => {
                    let h: Vec<Household> = plain(document)?;
                    let r: Vec<Resident> = plain(residents)?;
                    let g: Vec<ResidentsGroup> = match groups {
                        Some(g) if !g.is_none() => plain(g)?,
                        _ => Vec::new(),
                    };
                    CoreResidents::new(h, r, g).py()?
                }
            };
            let parts = (
                json_of(&roll.households())?,
                json_of(&roll.residents())?,
                json_of(&roll.groups())?,
            );
            Ok(ResidentRoll {
                inner: Arc::new(roll),
                parts: Arc::new(parts),
            })
        })
    }

    /// The roll as a document dict (`wangge.consultation.resident_roll`).
    fn to_document<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.inner.to_document()))
    }

    /// The roll as JSON text.
    fn to_json(&self) -> String {
        wangge::document::Document::to_json(&*self.inner)
    }

    /// The electorate of a scope on a date (who is of age is counted on that day).
    #[pyo3(signature = (hierarchy, scope, *, on))]
    fn electorate(
        &self,
        py: Python<'_>,
        hierarchy: &Hierarchy,
        scope: &Bound<'_, PyAny>,
        on: &Bound<'_, PyAny>,
    ) -> PyResult<Electorate> {
        guard(|| {
            let s: Scope = plain(scope)?;
            let day = date(on)?;
            let h = hierarchy.arc(py);
            let e = self.inner.electorate(&h, &s, day).py()?;
            Ok(Electorate {
                inner: Arc::new(e),
                source: Arc::new(Source::Residents {
                    parts: self.parts.clone(),
                    hierarchy: h.to_json(),
                    scope: json(scope)?.to_string(),
                    on: day.to_string(),
                }),
            })
        })
    }

    /// The households as dicts.
    fn households<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, self.inner.households()))
    }

    /// The residents as dicts.
    fn residents<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, self.inner.residents()))
    }

    /// The groups of residents' representatives as dicts.
    fn groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, self.inner.groups()))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<ResidentRoll>()
            .map(|o| *o.get().inner == *self.inner)
            .unwrap_or(false)
    }

    fn __repr__(&self) -> String {
        format!(
            "ResidentRoll(households={}, residents={}, groups={})",
            self.inner.households().len(),
            self.inner.residents().len(),
            self.inner.groups().len()
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let (h, r, g) = &*slf.get().parts;
        let loads = py.import("json")?.getattr("loads")?;
        let args = PyTuple::new(
            py,
            [
                loads.call1((h.as_str(),))?,
                loads.call1((r.as_str(),))?,
                loads.call1((g.as_str(),))?,
            ],
        )?;
        PyTuple::new(
            py,
            [py.get_type::<ResidentRoll>().into_any(), args.into_any()],
        )
    }
}

/// JSON text of a serializable value (kept for pickling).
fn json_of<T: serde::Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| malformed(e.to_string()))
}

/// Where an electorate came from, for pickling.
enum Source {
    Owners {
        roll: String,
        hierarchy: String,
        scope: String,
    },
    Residents {
        parts: Arc<(String, String, String)>,
        hierarchy: String,
        scope: String,
        on: String,
    },
    Members {
        members: String,
    },
}

impl Electorate {
    fn of_members(members: Vec<Member>) -> PyResult<Electorate> {
        let text = json_of(&members)?;
        Ok(Electorate {
            inner: Arc::new(CoreElectorate::members(members).py()?),
            source: Arc::new(Source::Members { members: text }),
        })
    }
}

/// The eligible voters of a vote, with their weights. Immutable.
#[pyclass(frozen, module = "wangge._wangge")]
pub struct Electorate {
    inner: Arc<CoreElectorate>,
    /// Where it came from, for pickling.
    source: Arc<Source>,
}

fn choice(c: &str) -> PyResult<Choice> {
    enum_of(c)
}

#[pymethods]
impl Electorate {
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// The total weights (`{"headcount", "area"}`…) as a dict.
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, self.inner.totals()))
    }

    /// The voter ids.
    fn voters(&self) -> Vec<String> {
        self.inner.voters().map(|(_, id)| id.to_owned()).collect()
    }

    /// The dense position of a voter (for `passes_coded`).
    fn voter_index(&self, voter: &str) -> PyResult<u32> {
        guard(|| self.inner.voter(voter).map(|v| v.raw()).py())
    }

    /// The voter who owns an exclusive unit.
    fn voter_of_unit(&self, unit: &str) -> PyResult<String> {
        guard(|| {
            let v = self.inner.voter_of_unit(unit).py()?;
            Ok(self.inner.voter_id(v).unwrap_or_default().to_owned())
        })
    }

    /// Whether a rule passes on ballots given as parallel lists: voter positions and choices
    /// (0 agree, 1 oppose, 2 abstain). One tally pass, no explanation (releases the GIL).
    fn passes_coded(
        &self,
        py: Python<'_>,
        rule: &Rule,
        voters: &Bound<'_, PyAny>,
        choices: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        guard(|| {
            let (voters, choices) = (u32s(voters)?, u8s(choices)?);
            py.detach(|| rule.inner.passes_coded(&self.inner, &voters, &choices))
                .py()
        })
    }

    /// Decides many rules on one ballot set at once (releases the GIL): the ballots as the
    /// parallel lists of `passes_coded`. Returns one bool per rule.
    fn passes_many(
        &self,
        py: Python<'_>,
        rules: Vec<PyRef<'_, Rule>>,
        voters: &Bound<'_, PyAny>,
        choices: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<bool>> {
        guard(|| {
            let (voters, choices) = (u32s(voters)?, u8s(choices)?);
            let rules: Vec<wangge::consultation::Rule> =
                rules.iter().map(|r| r.inner.clone()).collect();
            py.detach(|| {
                let ballots = self.inner.coded_ballots(&voters, &choices)?;
                rules
                    .iter()
                    .map(|r| r.passes(&self.inner, &ballots))
                    .collect::<Result<Vec<_>, _>>()
            })
            .py()
        })
    }

    fn __repr__(&self) -> String {
        format!("Electorate(voters={})", self.inner.len())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        match &*slf.get().source {
            Source::Owners {
                roll,
                hierarchy,
                scope,
            } => {
                let ctor = py.get_type::<Electorate>().getattr("_from_state")?;
                let args = (roll.as_str(), hierarchy.as_str(), scope.as_str()).into_pyobject(py)?;
                PyTuple::new(py, [ctor, args.into_any()])
            }
            Source::Residents {
                parts,
                hierarchy,
                scope,
                on,
            } => {
                let ctor = py.get_type::<Electorate>().getattr("_from_residents")?;
                let (h, r, g) = &**parts;
                let args = (
                    h.as_str(),
                    r.as_str(),
                    g.as_str(),
                    hierarchy.as_str(),
                    scope.as_str(),
                    on.as_str(),
                )
                    .into_pyobject(py)?;
                PyTuple::new(py, [ctor, args.into_any()])
            }
            Source::Members { members } => {
                let ctor = py.get_type::<Electorate>().getattr("_from_members")?;
                let args = (members.as_str(),).into_pyobject(py)?;
                PyTuple::new(py, [ctor, args.into_any()])
            }
        }
    }

    /// The electorate of a forum (e.g. a 居民协商会 or 周末议事厅 session): its members,
    /// given as dicts `{"id": …, "representative": bool}` (or plain ids), each counting one
    /// person, and one representative if flagged.
    #[staticmethod]
    fn members(members: &Bound<'_, PyAny>) -> PyResult<Electorate> {
        guard(|| {
            let list: Vec<Value> = plain(members)?;
            let members: Vec<Member> = list
                .into_iter()
                .map(|v| match v {
                    Value::String(id) => Ok(Member::new(id)),
                    other => serde_json::from_value(other)
                        .map_err(|e| malformed(wangge::document::message(&e))),
                })
                .collect::<PyResult<_>>()?;
            Electorate::of_members(members)
        })
    }

    /// Rebuilds a pickled forum electorate.
    #[staticmethod]
    fn _from_members(members: &str) -> PyResult<Electorate> {
        guard(|| {
            let m: Vec<Member> = serde_json::from_str(members)
                .map_err(|e| malformed(wangge::document::message(&e)))?;
            Electorate::of_members(m)
        })
    }

    /// Rebuilds a pickled electorate of an owners' roll (roll, hierarchy, scope as JSON).
    #[staticmethod]
    fn _from_state(roll: &str, hierarchy: &str, scope: &str) -> PyResult<Electorate> {
        guard(|| {
            let r = CoreRoll::from_json(roll).py()?;
            let h = wangge::hierarchy::Hierarchy::from_json(hierarchy).py()?;
            let s: Scope = serde_json::from_str(scope)
                .map_err(|e| malformed(wangge::document::message(&e)))?;
            Ok(Electorate {
                inner: Arc::new(r.electorate(&h, &s).py()?),
                source: Arc::new(Source::Owners {
                    roll: roll.to_owned(),
                    hierarchy: hierarchy.to_owned(),
                    scope: scope.to_owned(),
                }),
            })
        })
    }

    /// Rebuilds a pickled electorate of a residents' roll.
    #[staticmethod]
    fn _from_residents(
        households: &str,
        residents: &str,
        groups: &str,
        hierarchy: &str,
        scope: &str,
        on: &str,
    ) -> PyResult<Electorate> {
        guard(|| {
            let bad = |e: serde_json::Error| malformed(wangge::document::message(&e));
            let roll = CoreResidents::new(
                serde_json::from_str(households).map_err(bad)?,
                serde_json::from_str(residents).map_err(bad)?,
                serde_json::from_str(groups).map_err(bad)?,
            )
            .py()?;
            let h = wangge::hierarchy::Hierarchy::from_json(hierarchy).py()?;
            let s: Scope = serde_json::from_str(scope).map_err(bad)?;
            let day: wangge::time::Date = on.parse().py()?;
            Ok(Electorate {
                inner: Arc::new(roll.electorate(&h, &s, day).py()?),
                source: Arc::new(Source::Residents {
                    parts: Arc::new((
                        households.to_owned(),
                        residents.to_owned(),
                        groups.to_owned(),
                    )),
                    hierarchy: hierarchy.to_owned(),
                    scope: scope.to_owned(),
                    on: on.to_owned(),
                }),
            })
        })
    }
}

/// A rule from JSON text: a preset (`{"preset": …}`) or a rule in full, checked.
fn rule_of(text: &str) -> PyResult<wangge::consultation::Rule> {
    RuleSpec::from_json(text).and_then(RuleSpec::rule).py()
}

/// A decision rule (议事规则), checked, kept for repeated use. Immutable.
#[pyclass(frozen, module = "wangge._wangge")]
pub struct Rule {
    inner: wangge::consultation::Rule,
}

#[pymethods]
impl Rule {
    /// A rule from a preset (`{"preset": "civil_code_278_special"}`) or in full (a dict or
    /// JSON text).
    #[new]
    fn new(rule: &Bound<'_, PyAny>) -> PyResult<Rule> {
        guard(|| {
            Ok(Rule {
                inner: rule_of(&json_text(rule)?)?,
            })
        })
    }

    /// The rule as a full document (a dict).
    fn to_document<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.inner))
    }

    /// The rule as JSON text.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Rule>()
            .map(|o| o.get().inner == self.inner)
            .unwrap_or(false)
    }

    fn __repr__(&self) -> String {
        format!("Rule({})", self.inner.to_json())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let args = PyTuple::new(py, [slf.get().inner.to_json()])?;
        PyTuple::new(py, [py.get_type::<Rule>().into_any(), args.into_any()])
    }
}

/// A rule (a preset or in full) as a full document.
#[pyfunction]
pub fn rule_document<'py>(
    py: Python<'py>,
    rule: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    guard(|| to_py(py, &rule_of(&json_text(rule)?)?))
}

/// A vote (表决): ballots by eligible voters or by written proxy, once each, within its time
/// window; the running tally updates per ballot. Safe to share between threads.
#[pyclass(frozen, module = "wangge._wangge")]
pub struct Vote {
    inner: Shared<CoreVote>,
    electorate: Py<Electorate>,
}

#[pymethods]
impl Vote {
    /// Opens a vote on an electorate: an id, an agenda item, a rule (a `Rule`, a preset dict
    /// or a rule dict), and its window.
    #[new]
    #[pyo3(signature = (electorate, *, id, agenda, rule, opens_at, closes_at))]
    fn new(
        electorate: Bound<'_, Electorate>,
        id: String,
        agenda: String,
        rule: &Bound<'_, PyAny>,
        opens_at: &Bound<'_, PyAny>,
        closes_at: &Bound<'_, PyAny>,
    ) -> PyResult<Vote> {
        guard(|| {
            let rule = match rule.cast::<Rule>() {
                Ok(r) => r.get().inner.clone(),
                Err(_) => rule_of(&json_text(rule)?)?,
            };
            let spec = VoteSpec {
                id,
                agenda,
                rule,
                opens_at: timestamp(opens_at)?,
                closes_at: timestamp(closes_at)?,
            };
            let vote = CoreVote::open(electorate.get().inner.clone(), spec).py()?;
            Ok(Vote {
                inner: Shared::new(vote),
                electorate: electorate.unbind(),
            })
        })
    }

    /// The electorate.
    #[getter]
    fn electorate(&self, py: Python<'_>) -> Py<Electorate> {
        self.electorate.clone_ref(py)
    }

    /// The vote id.
    #[getter]
    fn id(&self, py: Python<'_>) -> String {
        self.inner.read(py, |s| s.id().to_owned())
    }

    /// The agenda item.
    #[getter]
    fn agenda(&self, py: Python<'_>) -> String {
        self.inner.read(py, |s| s.agenda().to_owned())
    }

    /// The rule.
    #[getter]
    fn rule(&self, py: Python<'_>) -> Rule {
        Rule {
            inner: self.inner.read(py, |s| s.rule().clone()),
        }
    }

    /// Registers a written proxy (委托书).
    fn register_proxy(&self, py: Python<'_>, principal: &str, proxy: &str) -> PyResult<()> {
        guard(|| {
            self.inner
                .write(py, |v| v.register_proxy(principal, proxy))
                .py()
        })
    }

    /// Casts a ballot (`"agree"`, `"oppose"`, `"abstain"`).
    #[pyo3(signature = (voter, choice, *, at))]
    fn cast(
        &self,
        py: Python<'_>,
        voter: &str,
        choice: &str,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        guard(|| {
            let (choice, at) = (self::choice(choice)?, timestamp(at)?);
            self.inner.write(py, |v| v.cast(voter, choice, at)).py()
        })
    }

    /// Casts a ballot by proxy.
    #[pyo3(signature = (proxy, principal, choice, *, at))]
    fn cast_by_proxy(
        &self,
        py: Python<'_>,
        proxy: &str,
        principal: &str,
        choice: &str,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        guard(|| {
            let (choice, at) = (self::choice(choice)?, timestamp(at)?);
            self.inner
                .write(py, |v| v.cast_by_proxy(proxy, principal, choice, at))
                .py()
        })
    }

    /// Casts many ballots, each on its own: `(voter, choice, at)` triples. Returns
    /// `[(row, exception)]` for the refused ones, rows numbered from 1.
    fn cast_many<'py>(
        &self,
        py: Python<'py>,
        ballots: Vec<(String, String, Bound<'py, PyAny>)>,
    ) -> PyResult<Vec<(usize, Bound<'py, PyAny>)>> {
        guard(|| {
            let rows: Vec<Result<BallotRecord, RowError<_>>> = ballots
                .into_iter()
                .map(|(voter, c, at)| {
                    Ok(BallotRecord {
                        voter,
                        choice: choice(&c).map_err(RowError::Conversion)?,
                        at: timestamp(&at).map_err(RowError::Conversion)?,
                        proxy: None,
                    })
                })
                .collect();
            let refused = self.inner.write(py, |v| v.cast_many(rows));
            refused
                .into_iter()
                .map(|(row, e)| Ok((row, e.into_pyerr().into_value(py).into_bound(py).into_any())))
                .collect()
        })
    }

    /// Closes the vote.
    #[pyo3(signature = (*, at))]
    fn close(&self, py: Python<'_>, at: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(|| {
            let at = timestamp(at)?;
            self.inner.write(py, |v| v.close(at)).py()
        })
    }

    /// Whether the vote is closed.
    #[getter]
    fn is_closed(&self, py: Python<'_>) -> bool {
        self.inner.read(py, |s| s.is_closed())
    }

    /// The running tally as a dict.
    fn tally<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let t = self.inner.read(py, |s| *s.tally());
            to_py(py, &t)
        })
    }

    /// Whether the rule holds on the ballots so far (or at closing).
    fn passes(&self, py: Python<'_>) -> bool {
        self.inner.read(py, |s| s.passes())
    }

    /// The outcome as a dict: passed or not, every condition with its counts and exact margin,
    /// and an explanation in Chinese and English.
    fn outcome<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let o = self.inner.read(py, |s| s.outcome());
            to_py(py, &o)
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        self.inner.read(py, |s| {
            format!(
                "Vote(id={:?}, agenda={:?}, ballots={}, closed={})",
                s.id(),
                s.agenda(),
                s.ballots().len(),
                s.is_closed()
            )
        })
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        guard(|| {
            let record = self.inner.read(py, |v| v.to_record());
            let record = serde_json::to_string(&record).map_err(|e| malformed(e.to_string()))?;
            let ctor = py.get_type::<Vote>().getattr("_from_record")?;
            let args = (self.electorate.clone_ref(py), record).into_pyobject(py)?;
            PyTuple::new(py, [ctor, args.into_any()])
        })
    }

    /// Rebuilds a pickled vote from its electorate and its record (spec, proxies, ballots
    /// and closing, every one re-checked).
    #[staticmethod]
    fn _from_record(electorate: Bound<'_, Electorate>, record: &str) -> PyResult<Vote> {
        guard(|| {
            let record: VoteRecord = wangge::document::read_json(record).py()?;
            let vote = CoreVote::replay(electorate.get().inner.clone(), &record).py()?;
            Ok(Vote {
                inner: Shared::new(vote),
                electorate: electorate.unbind(),
            })
        })
    }
}

/// The records of consultation forums (居民协商会, 周末议事厅, …). Immutable.
#[pyclass(frozen, module = "wangge._wangge")]
pub struct ForumRecords {
    pub(crate) inner: CoreForums,
}

#[pymethods]
impl ForumRecords {
    /// Records from their JSON document (a dict or JSON text).
    #[new]
    fn new(document: &Bound<'_, PyAny>) -> PyResult<ForumRecords> {
        guard(|| {
            let d: ForumRecordsDocument = plain(document)?;
            Ok(ForumRecords {
                inner: CoreForums::from_document(d).py()?,
            })
        })
    }

    /// The JSON document as a dict.
    fn to_document<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.inner.to_document()))
    }

    /// The JSON document as text.
    fn to_json(&self) -> String {
        wangge::document::Document::to_json(&self.inner)
    }

    /// Sessions held, consultations, problems solved (all forums, or one), as a dict.
    /// Over a period of dates with `start` and `end` (both included), or all time.
    #[pyo3(signature = (forum = None, *, start = None, end = None))]
    fn stats<'py>(
        &self,
        py: Python<'py>,
        forum: Option<&str>,
        start: Option<&Bound<'py, PyAny>>,
        end: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let period = match (start, end) {
                (Some(a), Some(b)) => Some(Period::new(date(a)?, date(b)?).py()?),
                (None, None) => None,
                _ => return Err(malformed("stats: give both start and end, or neither")),
            };
            to_py(py, &self.inner.stats(forum, period).py()?)
        })
    }

    /// Resolves the tickets linked to solved decisions through the lifecycle. Returns one
    /// dict per linked ticket: `{"ticket", "state"}` or `{"ticket", "error"}` (the exception);
    /// refused ones stay as they were.
    #[pyo3(signature = (ledger, *, actor, at))]
    fn resolve_tickets<'py>(
        &self,
        py: Python<'py>,
        ledger: &Ledger,
        actor: &str,
        at: &Bound<'py, PyAny>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        guard(|| {
            let at = timestamp(at)?;
            let results = ledger.inner.write_detached(py, |l| {
                self.inner
                    .resolve_tickets(l, actor, at)
                    .into_iter()
                    .map(|(r, res)| (r.ticket.to_string(), res.map_err(wangge::Error::from)))
                    .collect::<Vec<_>>()
            });
            results
                .into_iter()
                .map(|(ticket, res)| {
                    let d = pyo3::types::PyDict::new(py);
                    d.set_item("ticket", ticket)?;
                    match res {
                        Ok(state) => d.set_item("state", state.as_str())?,
                        Err(e) => d.set_item("error", error_object(py, &e)?)?,
                    }
                    Ok(d.into_any())
                })
                .collect()
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<ForumRecords>()
            .map(|o| o.get().inner.to_document() == self.inner.to_document())
            .unwrap_or(false)
    }

    fn __repr__(&self) -> String {
        let d = self.inner.to_document();
        format!(
            "ForumRecords(forums={}, sessions={})",
            d.forums.len(),
            d.sessions.len()
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let d = to_py(py, &slf.get().inner.to_document())?;
        let args = PyTuple::new(py, [d])?;
        PyTuple::new(
            py,
            [py.get_type::<ForumRecords>().into_any(), args.into_any()],
        )
    }
}
