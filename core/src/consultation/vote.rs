//! Votes: open, cast (in person or by written proxy), close, tally (表决).

use std::sync::Arc;

use crate::hash::DenseMap;
use serde::{Deserialize, Serialize};

use super::error::check_id;
use super::outcome::{self, Outcome};
use super::tally::{CastBallot, Choice, Tally, VoterIndex};
use super::{Consent, ConsultationError, Electorate, Rule, Scope};
use crate::time::Timestamp;

type Result<T, E = ConsultationError> = std::result::Result<T, E>;

/// What it takes to open a vote: an agenda item, a rule, and its time window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VoteSpec {
    /// The vote id.
    pub id: String,
    /// The agenda item voted on (议题), e.g. "2单元加装电梯".
    pub agenda: String,
    /// The decision rule.
    pub rule: Rule,
    /// When ballots may first be cast.
    pub opens_at: Timestamp,
    /// The closing time: a ballot dated later is refused.
    pub closes_at: Timestamp,
}

/// A ballot as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    /// The voter (see [`Electorate::voter_id`]).
    pub voter: VoterIndex,
    /// The choice.
    pub choice: Choice,
    /// When it was cast.
    pub at: Timestamp,
    /// The proxy who cast it under a written proxy (委托书), if not the voter in person.
    pub proxy: Option<String>,
}

/// A written proxy (委托书): the principal authorizes the proxy to vote for them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProxyAuthorization {
    /// The voter who authorizes.
    pub principal: String,
    /// Who may vote for them (anyone: another owner, a relative, …).
    pub proxy: String,
}

/// A vote (表决): an agenda item decided by a rule over an electorate.
///
/// Every mutation is checked and a refused one changes nothing. Times are passed in: the
/// library never reads the clock. The running tally is updated per ballot in O(1);
/// [`Vote::recount`] recomputes it from the ballots.
///
/// ```
/// use std::sync::Arc;
/// use wangge::consultation::{Choice, Electorate, Member, Rule, Vote, VoteSpec, Basis};
///
/// let members = Electorate::members(["li", "wang", "zhao"].map(Member::new))?;
/// let at = |t: &str| t.parse().unwrap();
/// let mut vote = Vote::open(Arc::new(members), VoteSpec {
///     id: "hall-2024-07".into(),
///     agenda: "景观桥桥面改为大理石".into(),
///     rule: Rule::consensus_of_attendees(Basis::Persons),
///     opens_at: at("2024-07-06T09:00:00+08:00"),
///     closes_at: at("2024-07-06T11:00:00+08:00"),
/// })?;
/// vote.cast("li", Choice::Agree, at("2024-07-06T10:00:00+08:00"))?;
/// vote.cast("wang", Choice::Abstain, at("2024-07-06T10:01:00+08:00"))?;
/// assert!(vote.cast("li", Choice::Oppose, at("2024-07-06T10:02:00+08:00")).is_err());
/// vote.close(at("2024-07-06T11:00:00+08:00"))?;
/// let outcome = vote.outcome();
/// assert!(outcome.passed); // nobody attending opposed
/// assert_eq!(vote.tally(), &vote.recount());
/// # Ok::<(), wangge::consultation::ConsultationError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Vote {
    spec: VoteSpec,
    electorate: Arc<Electorate>,
    consents: Vec<(Consent, VoterIndex)>,
    closed_at: Option<Timestamp>,
    proxies: Vec<ProxyAuthorization>,
    /// Voter index (dense, the electorate's) → position in `proxies`.
    proxy_of: DenseMap<u32, usize>,
    ballots: Vec<Ballot>,
    compact: Vec<CastBallot>,
    /// Per voter: 0 if no ballot, else the ballot's position + 1.
    ballot_of: Vec<u32>,
    latest: Option<Timestamp>,
    running: Tally,
}

impl Vote {
    /// Opens a vote. Refused if the id is invalid, the closing time is not after the
    /// opening time, or the rule is invalid for this electorate (a basis it lacks, a
    /// required consent outside the scope).
    pub fn open(electorate: Arc<Electorate>, spec: VoteSpec) -> Result<Vote> {
        check_id("vote", &spec.id)?;
        if spec.closes_at <= spec.opens_at {
            return Err(ConsultationError::InvalidClosingTime {
                vote: spec.id,
                opens_at: spec.opens_at,
                closes_at: spec.closes_at,
            });
        }
        let consents = outcome::bind(&spec.rule, &electorate)?;
        let n = electorate.len();
        Ok(Vote {
            spec,
            electorate,
            consents,
            closed_at: None,
            proxies: Vec::new(),
            proxy_of: DenseMap::default(),
            ballots: Vec::new(),
            compact: Vec::new(),
            ballot_of: vec![0; n],
            latest: None,
            running: Tally::default(),
        })
    }

    /// The vote id.
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The agenda item.
    pub fn agenda(&self) -> &str {
        &self.spec.agenda
    }

    /// The rule.
    pub fn rule(&self) -> &Rule {
        &self.spec.rule
    }

    /// The electorate.
    pub fn electorate(&self) -> &Electorate {
        &self.electorate
    }

    /// The electorate as the shared handle the vote holds (no copy).
    pub fn shared_electorate(&self) -> Arc<Electorate> {
        Arc::clone(&self.electorate)
    }

    /// The opening time.
    pub fn opens_at(&self) -> Timestamp {
        self.spec.opens_at
    }

    /// The closing time.
    pub fn closes_at(&self) -> Timestamp {
        self.spec.closes_at
    }

    /// When the vote was closed, if it was.
    pub fn closed_at(&self) -> Option<Timestamp> {
        self.closed_at
    }

    /// Whether the vote is closed.
    pub fn is_closed(&self) -> bool {
        self.closed_at.is_some()
    }

    fn check_open(&self) -> Result<()> {
        match self.closed_at {
            Some(closed_at) => Err(ConsultationError::VoteClosed {
                vote: self.spec.id.clone(),
                closed_at,
            }),
            None => Ok(()),
        }
    }

    /// Registers a written proxy (委托书) from an eligible voter. Refused when closed, for a
    /// principal who is not eligible, for an invalid proxy id, for a proxy who is the
    /// principal, or when the principal has already authorized someone.
    pub fn register_proxy(&mut self, principal: &str, proxy: &str) -> Result<()> {
        self.check_open()?;
        let voter = self.electorate.voter(principal)?;
        check_id("proxy", proxy)?;
        if proxy == principal {
            return Err(ConsultationError::SelfProxy {
                vote: self.spec.id.clone(),
                principal: principal.to_owned(),
            });
        }
        if let Some(existing) = self
            .proxy_of
            .get(&voter.raw())
            .and_then(|i| self.proxies.get(*i))
        {
            return Err(ConsultationError::DuplicateProxy {
                vote: self.spec.id.clone(),
                principal: principal.to_owned(),
                existing: existing.proxy.clone(),
            });
        }
        self.proxy_of.insert(voter.raw(), self.proxies.len());
        self.proxies.push(ProxyAuthorization {
            principal: principal.to_owned(),
            proxy: proxy.to_owned(),
        });
        Ok(())
    }

    /// The written proxies registered, in order.
    pub fn proxies(&self) -> &[ProxyAuthorization] {
        &self.proxies
    }

    /// Casts a ballot in person. Refused when the vote is closed, the voter is unknown, out
    /// of scope or not eligible, the time is outside the vote's window, or the voter has
    /// already voted.
    pub fn cast(&mut self, voter: &str, choice: Choice, at: Timestamp) -> Result<()> {
        self.check_open()?;
        let v = self.electorate.voter(voter)?;
        self.record(v, voter, choice, at, None)
    }

    /// Casts a ballot for `principal` by the proxy they authorized in writing. Refused as
    /// [`Vote::cast`], and with [`ConsultationError::ProxyNotAuthorized`] when no written
    /// proxy from `principal` to `proxy` is registered.
    pub fn cast_by_proxy(
        &mut self,
        proxy: &str,
        principal: &str,
        choice: Choice,
        at: Timestamp,
    ) -> Result<()> {
        self.check_open()?;
        let v = self.electorate.voter(principal)?;
        let authorized = self
            .proxy_of
            .get(&v.raw())
            .and_then(|i| self.proxies.get(*i))
            .is_some_and(|p| p.proxy == proxy);
        if !authorized {
            return Err(ConsultationError::ProxyNotAuthorized {
                vote: self.spec.id.clone(),
                proxy: proxy.to_owned(),
                principal: principal.to_owned(),
            });
        }
        self.record(v, principal, choice, at, Some(proxy))
    }

    fn record(
        &mut self,
        v: VoterIndex,
        voter: &str,
        choice: Choice,
        at: Timestamp,
        proxy: Option<&str>,
    ) -> Result<()> {
        if at < self.spec.opens_at {
            return Err(ConsultationError::BallotBeforeOpening {
                vote: self.spec.id.clone(),
                voter: voter.to_owned(),
                at,
                opens_at: self.spec.opens_at,
            });
        }
        if at > self.spec.closes_at {
            return Err(ConsultationError::BallotAfterClosing {
                vote: self.spec.id.clone(),
                voter: voter.to_owned(),
                at,
                closes_at: self.spec.closes_at,
            });
        }
        let weight = self
            .electorate
            .weight(v)
            .ok_or_else(|| ConsultationError::UnknownVoter {
                voter: voter.to_owned(),
            })?;
        let position = u32::try_from(self.ballots.len() + 1).map_err(|_| {
            ConsultationError::CapacityExceeded {
                limit: u64::from(u32::MAX),
            }
        })?;
        let slot =
            self.ballot_of
                .get_mut(v.index())
                .ok_or_else(|| ConsultationError::UnknownVoter {
                    voter: voter.to_owned(),
                })?;
        if *slot != 0 {
            let first_at = self.ballots.get(*slot as usize - 1).map(|b| b.at);
            return Err(ConsultationError::DuplicateBallot {
                vote: Some(self.spec.id.clone()),
                voter: voter.to_owned(),
                first_at,
            });
        }
        *slot = position;
        self.ballots.push(Ballot {
            voter: v,
            choice,
            at,
            proxy: proxy.map(str::to_owned),
        });
        self.compact.push(CastBallot { voter: v, choice });
        self.running.add(choice, weight);
        self.latest = Some(self.latest.map_or(at, |l| l.max(at)));
        Ok(())
    }

    /// Casts many ballots, each on its own, in order: in person, or by written proxy when the
    /// row names one. Every refused row is reported with its number (from 1) and the
    /// error, and changes nothing; the others are recorded. A row may arrive already failed
    /// (a binding that could not convert it passes its error through), so one numbering
    /// covers conversion and domain errors alike.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use wangge::consultation::{
    ///     Basis, BallotRecord, Choice, ConsultationError, Electorate, Member, Rule, Vote, VoteSpec,
    /// };
    ///
    /// let members = Electorate::members(["li", "wang"].map(Member::new))?;
    /// let at = |t: &str| t.parse().unwrap();
    /// let mut vote = Vote::open(Arc::new(members), VoteSpec {
    ///     id: "hall".into(),
    ///     agenda: "议题".into(),
    ///     rule: Rule::consensus_of_attendees(Basis::Persons),
    ///     opens_at: at("2024-07-06T09:00:00+08:00"),
    ///     closes_at: at("2024-07-06T11:00:00+08:00"),
    /// })?;
    /// let row = |voter: &str| Ok::<_, ConsultationError>(BallotRecord {
    ///     voter: voter.into(),
    ///     choice: Choice::Agree,
    ///     at: at("2024-07-06T10:00:00+08:00"),
    ///     proxy: None,
    /// });
    /// let refused = vote.cast_many([row("li"), row("zhao"), row("li")]);
    /// assert_eq!(refused.iter().map(|(row, _)| *row).collect::<Vec<_>>(), [2, 3]);
    /// assert_eq!(vote.ballots().len(), 1);
    /// # Ok::<(), ConsultationError>(())
    /// ```
    pub fn cast_many<E>(
        &mut self,
        ballots: impl IntoIterator<Item = std::result::Result<BallotRecord, E>>,
    ) -> Vec<(usize, E)>
    where
        E: From<ConsultationError>,
    {
        let mut refused = Vec::new();
        for (i, row) in ballots.into_iter().enumerate() {
            let cast = match row {
                Ok(b) => match &b.proxy {
                    Some(proxy) => self.cast_by_proxy(proxy, &b.voter, b.choice, b.at),
                    None => self.cast(&b.voter, b.choice, b.at),
                },
                Err(e) => {
                    refused.push((i + 1, e));
                    continue;
                }
            };
            if let Err(e) = cast {
                refused.push((i + 1, E::from(e)));
            }
        }
        refused
    }

    /// Closes the vote at `at` (possibly before the closing time, e.g. once everyone has
    /// voted). Refused if already closed, or if `at` is before the opening or before the
    /// latest ballot.
    pub fn close(&mut self, at: Timestamp) -> Result<()> {
        self.check_open()?;
        if at < self.spec.opens_at || self.latest.is_some_and(|l| at < l) {
            return Err(ConsultationError::InvalidClosingTime {
                vote: self.spec.id.clone(),
                opens_at: self.spec.opens_at,
                closes_at: at,
            });
        }
        self.closed_at = Some(at);
        Ok(())
    }

    /// The running tally, updated in O(1) per ballot.
    pub fn tally(&self) -> &Tally {
        &self.running
    }

    /// The full tally recomputed from the ballots (equal to [`Vote::tally`]).
    pub fn recount(&self) -> Tally {
        self.electorate.tally_trusted(&self.compact)
    }

    /// The ballots in the order cast.
    pub fn ballots(&self) -> &[Ballot] {
        &self.ballots
    }

    /// The ballots in compact form, for [`Electorate::tally`].
    pub fn cast_ballots(&self) -> &[CastBallot] {
        &self.compact
    }

    /// A voter's choice, if they voted.
    pub fn choice_of(&self, voter: VoterIndex) -> Option<Choice> {
        let slot = *self.ballot_of.get(voter.index())?;
        let position = (slot as usize).checked_sub(1)?;
        self.ballots.get(position).map(|b| b.choice)
    }

    /// Whether the rule is satisfied now (no allocation; see [`Vote::outcome`] for why).
    pub fn passes(&self) -> bool {
        let counted = outcome::effective(&self.electorate.context(), &self.running);
        outcome::passes(
            &self.spec.rule,
            self.electorate.totals(),
            &counted,
            &self.consents,
            |v| self.choice_of(v),
        )
    }

    /// The outcome now: final once the vote is closed, provisional before.
    pub fn outcome(&self) -> Outcome {
        let consents =
            outcome::consent_outcomes(&self.electorate, &self.consents, |v| self.choice_of(v));
        outcome::outcome(
            &self.spec.rule,
            &self.electorate.context(),
            &self.running,
            consents,
            Some(&self.spec.id),
            self.is_closed(),
        )
    }

    /// The vote as a record (to store it, and to [`Vote::replay`] it later).
    pub fn to_record(&self) -> VoteRecord {
        VoteRecord {
            format: VOTE_FORMAT.to_owned(),
            version: 1,
            id: self.spec.id.clone(),
            agenda: self.spec.agenda.clone(),
            rule: self.spec.rule.clone(),
            scope: self.electorate.scope().clone(),
            opens_at: self.spec.opens_at,
            closes_at: self.spec.closes_at,
            closed_at: self.closed_at,
            proxies: self.proxies.clone(),
            ballots: self
                .ballots
                .iter()
                .map(|b| BallotRecord {
                    voter: self
                        .electorate
                        .voter_id(b.voter)
                        .unwrap_or_default()
                        .to_owned(),
                    choice: b.choice,
                    at: b.at,
                    proxy: b.proxy.clone(),
                })
                .collect(),
        }
    }

    /// Rebuilds a vote from its record over an electorate of the same scope, re-checking
    /// every proxy and ballot.
    pub fn replay(electorate: Arc<Electorate>, record: &VoteRecord) -> Result<Vote> {
        if record.format != VOTE_FORMAT || record.version != 1 {
            return Err(ConsultationError::UnsupportedFormat {
                expected: VOTE_FORMAT,
                format: record.format.clone(),
                version: record.version,
            });
        }
        if electorate.scope() != &record.scope {
            return Err(ConsultationError::Malformed {
                message: format!(
                    "the vote record is over {}, the electorate over {}",
                    record.scope,
                    electorate.scope()
                ),
            });
        }
        let mut vote = Vote::open(
            electorate,
            VoteSpec {
                id: record.id.clone(),
                agenda: record.agenda.clone(),
                rule: record.rule.clone(),
                opens_at: record.opens_at,
                closes_at: record.closes_at,
            },
        )?;
        for p in &record.proxies {
            vote.register_proxy(&p.principal, &p.proxy)?;
        }
        for b in &record.ballots {
            match &b.proxy {
                Some(proxy) => vote.cast_by_proxy(proxy, &b.voter, b.choice, b.at)?,
                None => vote.cast(&b.voter, b.choice, b.at)?,
            }
        }
        if let Some(at) = record.closed_at {
            vote.close(at)?;
        }
        Ok(vote)
    }
}

/// The `format` field of a vote record.
pub const VOTE_FORMAT: &str = "wangge.consultation.vote";

/// A vote as a document: its spec, scope, proxies and ballots by voter id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VoteRecord {
    /// Always `"wangge.consultation.vote"`.
    pub format: String,
    /// Always 1.
    pub version: u32,
    /// The vote id.
    pub id: String,
    /// The agenda item.
    pub agenda: String,
    /// The rule.
    pub rule: Rule,
    /// The scope of the electorate.
    pub scope: Scope,
    /// Opening time.
    pub opens_at: Timestamp,
    /// Closing time.
    pub closes_at: Timestamp,
    /// When it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<Timestamp>,
    /// Written proxies.
    #[serde(default)]
    pub proxies: Vec<ProxyAuthorization>,
    /// Ballots in the order cast.
    #[serde(default)]
    pub ballots: Vec<BallotRecord>,
}

/// A ballot in a [`VoteRecord`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BallotRecord {
    /// The voter id.
    pub voter: String,
    /// The choice.
    pub choice: Choice,
    /// When.
    pub at: Timestamp,
    /// The proxy, if cast by written proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
}

impl Rule {
    /// Whether this rule passes on a bare list of ballots: the same decision as
    /// [`Rule::evaluate`], without building the explanation (one tally pass, no allocation
    /// but the duplicate check's bitset).
    pub fn passes(&self, electorate: &Electorate, ballots: &[CastBallot]) -> Result<bool> {
        let consents = outcome::bind(self, electorate)?;
        let tally = electorate.tally(ballots)?;
        Ok(self.decide(electorate, &tally, &consents, |v| {
            ballots.iter().find(|b| b.voter == v).map(|b| b.choice)
        }))
    }

    /// The decision on a tally, with the rule's required consents bound to voters and each
    /// voter's choice (what [`Rule::passes`] and [`Rule::passes_coded`] share).
    fn decide(
        &self,
        electorate: &Electorate,
        tally: &Tally,
        consents: &[(Consent, VoterIndex)],
        choice_of: impl Fn(VoterIndex) -> Option<Choice>,
    ) -> bool {
        let counted = outcome::effective(&electorate.context(), tally);
        outcome::passes(self, electorate.totals(), &counted, consents, choice_of)
    }

    /// Whether this rule passes on ballots given as the bindings' typed arrays (voter
    /// positions and choice codes, see [`Electorate::coded_ballots`]): the same decision
    /// and the same errors as [`Electorate::coded_ballots`] then [`Rule::passes`], in one
    /// pass over the arrays (no ballots are built).
    ///
    /// ```
    /// use wangge::consultation::{Basis, Electorate, Member, Rule};
    ///
    /// let members = Electorate::members(["li", "wang", "zhao"].map(Member::new))?;
    /// let rule = Rule::consensus_of_attendees(Basis::Persons);
    /// assert!(rule.passes_coded(&members, &[0, 1], &[0, 2])?); // agree, abstain
    /// assert!(!rule.passes_coded(&members, &[0, 1], &[0, 1])?); // one opposes
    /// assert!(rule.passes_coded(&members, &[0, 0], &[0, 0]).is_err()); // a voter twice
    /// # Ok::<(), wangge::consultation::ConsultationError>(())
    /// ```
    pub fn passes_coded(
        &self,
        electorate: &Electorate,
        voters: &[u32],
        choices: &[u8],
    ) -> Result<bool> {
        let tally = match electorate.tally_coded(voters, choices) {
            Ok(tally) => tally,
            // Refused ballots: the two steps give the errors in their order.
            Err(_) => return self.passes(electorate, &electorate.coded_ballots(voters, choices)?),
        };
        let consents = outcome::bind(self, electorate)?;
        Ok(self.decide(electorate, &tally, &consents, |v| {
            let i = voters.iter().position(|x| *x == v.raw())?;
            choices.get(i).and_then(|c| Choice::decode(*c))
        }))
    }

    /// Decides this rule on a bare list of ballots (treated as all the ballots: the
    /// outcome is marked closed). Refused if the rule does not fit the electorate or the
    /// ballots are invalid (see [`Electorate::tally`]).
    pub fn evaluate(&self, electorate: &Electorate, ballots: &[CastBallot]) -> Result<Outcome> {
        let consents = outcome::bind(self, electorate)?;
        let tally = electorate.tally(ballots)?;
        let choice_of = |v: VoterIndex| ballots.iter().find(|b| b.voter == v).map(|b| b.choice);
        let consents = outcome::consent_outcomes(electorate, &consents, choice_of);
        Ok(outcome::outcome(
            self,
            &electorate.context(),
            &tally,
            consents,
            None,
            true,
        ))
    }
}
