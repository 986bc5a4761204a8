//! Consultation forums and their records (议事协商平台): sessions, agenda items, decisions,
//! and statistics.

use std::collections::BTreeMap;

use crate::hash::{IdMap, IdSet};
use serde::{Deserialize, Serialize};

use super::error::check_id;
use super::ConsultationError;
use crate::hierarchy::NodeId;
use crate::time::Date;

type Result<T, E = ConsultationError> = std::result::Result<T, E>;

/// The kind of a consultation forum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ForumKind {
    /// 居民协商会: a resident consultation meeting, called by a grid Party branch.
    ResidentConsultation,
    /// 周末议事厅: the weekend deliberation hall (稻香村街道).
    WeekendDeliberationHall,
    /// 议事委员会: a compound's deliberation committee.
    DeliberationCommittee,
    /// 业主大会: the owners' assembly.
    OwnersAssembly,
    /// 业委会会议: an owners' committee meeting.
    OwnersCommittee,
    /// 居民会议: a residents' meeting.
    ResidentsMeeting,
    /// Any other forum.
    Other,
}

/// A forum: a standing place of consultation (e.g. one compound's 周末议事厅).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Forum {
    /// The forum id.
    pub id: String,
    /// Its name, e.g. "安高城市天地小区周末议事厅".
    pub name: String,
    /// Its kind.
    pub kind: ForumKind,
    /// The unit it serves (a street, community, grid or compound), if recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<NodeId>,
}

/// A decision taken on an agenda item (议定事项).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Decision {
    /// What was decided, e.g. "桥面换成大理石".
    pub text: String,
    /// The ticket (工单) this decision resolves, if any. The ticket lifecycle closes it; the
    /// forum record only keeps the link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// Whether the problem is solved by this decision (解决问题).
    #[serde(default)]
    pub solved: bool,
    /// The vote that took the decision, if it was put to a vote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote: Option<String>,
}

/// An item deliberated at a session (议题): one consultation (协商).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgendaItem {
    /// The issue's id, stable across sessions (an issue may be deliberated several times).
    pub issue: String,
    /// The title, e.g. "景观桥木质桥面改造".
    pub title: String,
    /// The decisions taken on it at this session.
    #[serde(default)]
    pub decisions: Vec<Decision>,
}

/// One session (一期活动) of a forum.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Session {
    /// The session id.
    pub id: String,
    /// The forum id.
    pub forum: String,
    /// The date held.
    pub date: Date,
    /// Who convened it (召集人).
    pub convener: String,
    /// How many people took part.
    pub participants: u32,
    /// The items deliberated (empty for a session without consultation, e.g. an activity).
    #[serde(default)]
    pub agenda: Vec<AgendaItem>,
}

/// A period of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Period {
    /// The first day.
    pub from: Date,
    /// The last day.
    pub to: Date,
}

impl Period {
    /// A period; refused if it ends before it starts.
    pub fn new(from: Date, to: Date) -> Result<Period> {
        if to < from {
            Err(ConsultationError::InvalidPeriod { from, to })
        } else {
            Ok(Period { from, to })
        }
    }

    /// Whether a day lies in the period.
    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && day <= self.to
    }
}

/// Activity statistics (开展活动 / 组织协商 / 解决问题).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ForumStats {
    /// Sessions held (开展活动 … 期).
    pub sessions: u64,
    /// Consultations: agenda items deliberated, counted per session (组织协商 … 次).
    pub consultations: u64,
    /// Problems solved: distinct issues with at least one decision marked solved
    /// (解决问题 … 个).
    pub problems_solved: u64,
    /// Participants summed over sessions (person-times, 人次).
    pub participants: u64,
}

/// Statistics of one forum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ForumStatsRow {
    /// The forum id.
    pub forum: String,
    /// Its statistics.
    pub stats: ForumStats,
}

/// Statistics of one calendar month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MonthStats {
    /// The year.
    pub year: i16,
    /// The month, 1–12.
    pub month: i8,
    /// Its statistics.
    pub stats: ForumStats,
}

/// A decision that resolves a ticket, with where it was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TicketResolution {
    /// The ticket id.
    pub ticket: String,
    /// The forum.
    pub forum: String,
    /// The session.
    pub session: String,
    /// The session's date.
    pub date: Date,
    /// The issue.
    pub issue: String,
    /// The decision.
    pub decision: String,
}

/// The `format` field of serialized forum records.
pub const FORUM_RECORDS_FORMAT: &str = "wangge.consultation.forum_records";

/// The records of consultation forums: forums, their sessions, and statistics.
///
/// ```
/// use wangge::consultation::{AgendaItem, Decision, Forum, ForumKind, ForumRecords, Session};
///
/// let mut records = ForumRecords::new();
/// records.add_forum(Forum { id: "agcstd".into(), name: "安高城市天地小区周末议事厅".into(),
///     kind: ForumKind::WeekendDeliberationHall, host: None })?;
/// records.record(Session {
///     id: "agcstd-1".into(), forum: "agcstd".into(), date: "2023-05-13".parse().unwrap(),
///     convener: "社区党委".into(), participants: 14,
///     agenda: vec![AgendaItem { issue: "bridge".into(), title: "景观桥木质桥面改造".into(),
///         decisions: vec![Decision { text: "桥面换成大理石".into(),
///             ticket: Some("T-2023-0412".into()), solved: true, vote: None }] }],
/// })?;
/// let s = records.stats(None, None)?;
/// assert_eq!((s.sessions, s.consultations, s.problems_solved), (1, 1, 1));
/// assert_eq!(records.ticket_resolutions()[0].ticket, "T-2023-0412");
/// # Ok::<(), wangge::consultation::ConsultationError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForumRecords {
    forums: Vec<Forum>,
    sessions: Vec<Session>,
    forum_index: IdMap<String, usize>,
    session_ids: IdSet<String>,
}

impl ForumRecords {
    /// No records.
    pub fn new() -> ForumRecords {
        ForumRecords::default()
    }

    /// Adds a forum. Refused if its id is invalid or taken.
    pub fn add_forum(&mut self, forum: Forum) -> Result<()> {
        check_id("forum", &forum.id)?;
        if self.forum_index.contains_key(&forum.id) {
            return Err(ConsultationError::DuplicateForum { forum: forum.id });
        }
        self.forum_index.insert(forum.id.clone(), self.forums.len());
        self.forums.push(forum);
        Ok(())
    }

    /// Records a session. Refused if its id is invalid or taken, its forum unknown, or an
    /// issue or ticket id invalid.
    pub fn record(&mut self, session: Session) -> Result<()> {
        check_id("session", &session.id)?;
        if !self.forum_index.contains_key(&session.forum) {
            return Err(ConsultationError::UnknownForum {
                forum: session.forum,
            });
        }
        if self.session_ids.contains(&session.id) {
            return Err(ConsultationError::DuplicateSession {
                session: session.id,
            });
        }
        for item in &session.agenda {
            check_id("issue", &item.issue)?;
            for d in &item.decisions {
                if let Some(t) = &d.ticket {
                    check_id("ticket", t)?;
                }
            }
        }
        self.session_ids.insert(session.id.clone());
        self.sessions.push(session);
        Ok(())
    }

    /// The forums.
    pub fn forums(&self) -> &[Forum] {
        &self.forums
    }

    /// The sessions, in the order recorded.
    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    fn selected<'a>(
        &'a self,
        forum: Option<&'a str>,
        period: Option<Period>,
    ) -> impl Iterator<Item = &'a Session> + 'a {
        self.sessions.iter().filter(move |s| {
            forum.is_none_or(|f| s.forum == f) && period.is_none_or(|p| p.contains(s.date))
        })
    }

    /// Statistics of one forum (or all) in a period (or ever).
    pub fn stats(&self, forum: Option<&str>, period: Option<Period>) -> Result<ForumStats> {
        if let Some(f) = forum {
            if !self.forum_index.contains_key(f) {
                return Err(ConsultationError::UnknownForum {
                    forum: f.to_owned(),
                });
            }
        }
        Ok(summarize(self.selected(forum, period)))
    }

    /// Statistics per forum in a period (or ever), in the order the forums were added.
    pub fn by_forum(&self, period: Option<Period>) -> Vec<ForumStatsRow> {
        self.forums
            .iter()
            .map(|f| ForumStatsRow {
                forum: f.id.clone(),
                stats: summarize(self.selected(Some(&f.id), period)),
            })
            .collect()
    }

    /// Statistics per calendar month for one forum (or all), in date order. A problem
    /// solved is counted in the month of its first solving decision.
    pub fn by_month(&self, forum: Option<&str>) -> Result<Vec<MonthStats>> {
        if let Some(f) = forum {
            if !self.forum_index.contains_key(f) {
                return Err(ConsultationError::UnknownForum {
                    forum: f.to_owned(),
                });
            }
        }
        let mut sessions: Vec<&Session> = self.selected(forum, None).collect();
        sessions.sort_by_key(|s| s.date);
        let mut months: BTreeMap<(i16, i8), ForumStats> = BTreeMap::new();
        let mut solved: IdSet<&str> = IdSet::default();
        for s in sessions {
            let m = months.entry((s.date.year(), s.date.month())).or_default();
            add_session(m, s, &mut solved);
        }
        Ok(months
            .into_iter()
            .map(|((year, month), stats)| MonthStats { year, month, stats })
            .collect())
    }

    /// The decisions that resolve tickets: those linked to a ticket and marked solved, in
    /// the order recorded. The caller closes the tickets through the ticket lifecycle.
    pub fn ticket_resolutions(&self) -> Vec<TicketResolution> {
        let mut out = Vec::new();
        for s in &self.sessions {
            for item in &s.agenda {
                for d in &item.decisions {
                    if let (Some(ticket), true) = (&d.ticket, d.solved) {
                        out.push(TicketResolution {
                            ticket: ticket.clone(),
                            forum: s.forum.clone(),
                            session: s.id.clone(),
                            date: s.date,
                            issue: item.issue.clone(),
                            decision: d.text.clone(),
                        });
                    }
                }
            }
        }
        out
    }

    /// The records as a document.
    pub fn to_document(&self) -> ForumRecordsDocument {
        ForumRecordsDocument {
            format: FORUM_RECORDS_FORMAT.to_owned(),
            version: 1,
            forums: self.forums.clone(),
            sessions: self.sessions.clone(),
        }
    }

    /// Records from a document, checking everything.
    pub fn from_document(doc: ForumRecordsDocument) -> Result<ForumRecords> {
        if doc.format != FORUM_RECORDS_FORMAT || doc.version != 1 {
            return Err(ConsultationError::UnsupportedFormat {
                expected: FORUM_RECORDS_FORMAT,
                format: doc.format,
                version: doc.version,
            });
        }
        let mut r = ForumRecords::new();
        for f in doc.forums {
            r.add_forum(f)?;
        }
        for s in doc.sessions {
            r.record(s)?;
        }
        Ok(r)
    }
}

fn add_session<'a>(stats: &mut ForumStats, s: &'a Session, solved: &mut IdSet<&'a str>) {
    stats.sessions += 1;
    stats.participants += u64::from(s.participants);
    for item in &s.agenda {
        stats.consultations += 1;
        if item.decisions.iter().any(|d| d.solved) && solved.insert(item.issue.as_str()) {
            stats.problems_solved += 1;
        }
    }
}

fn summarize<'a>(sessions: impl Iterator<Item = &'a Session>) -> ForumStats {
    let mut stats = ForumStats::default();
    let mut solved = IdSet::default();
    for s in sessions {
        add_session(&mut stats, s, &mut solved);
    }
    stats
}

/// The forum records JSON format, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ForumRecordsDocument {
    /// Always `"wangge.consultation.forum_records"`.
    pub format: String,
    /// Always 1.
    pub version: u32,
    /// The forums.
    pub forums: Vec<Forum>,
    /// The sessions.
    #[serde(default)]
    pub sessions: Vec<Session>,
}

impl Serialize for ForumRecords {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_document().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ForumRecords {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<ForumRecords, D::Error> {
        let doc = ForumRecordsDocument::deserialize(deserializer)?;
        ForumRecords::from_document(doc).map_err(serde::de::Error::custom)
    }
}

crate::names::deserialize_by_name!(ForumKind { ResidentConsultation = "resident_consultation", WeekendDeliberationHall = "weekend_deliberation_hall", DeliberationCommittee = "deliberation_committee", OwnersAssembly = "owners_assembly", OwnersCommittee = "owners_committee", ResidentsMeeting = "residents_meeting", Other = "other" });
