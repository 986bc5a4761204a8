//! Actions on a ticket: [`Action`] (what is done, with its data, serialized with a `type`
//! tag) and [`ActionKind`] (its kind alone: names, Chinese terms, who may automate it).
//! Reading an action from JSON is in `action_de`.

use super::*;

/// An action on a ticket. Serialized with a `type` tag, e.g.
/// `{"type": "dispatch", "to": "340404001001"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
#[non_exhaustive]
pub enum Action {
    /// 上报: creates the ticket (only as the first event of a log).
    Report(Box<NewTicket>),
    /// 现场核实: the report was verified on site and can be filed.
    ConfirmOnSite,
    /// 立案: file the case.
    File,
    /// 不予立案: do not file it.
    Reject {
        /// Why.
        reason: RejectReason,
        /// A note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Reopen a rejected or closed ticket.
    Reopen {
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// 派遣: send the case to a unit, organisation or person.
    Dispatch {
        /// The assignee.
        to: NodeId,
    },
    /// 签收: the assignee signs for the case.
    Acknowledge,
    /// 退单: the assignee returns the case as not its responsibility.
    Return {
        /// Why.
        reason: String,
    },
    /// 处置完成: the case has been handled.
    Handle {
        /// What was done.
        outcome: String,
    },
    /// 核查: verification on site.
    Verify {
        /// Whether it passed.
        passed: bool,
        /// A note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// 回访: the return visit records the resident's satisfaction; satisfied or basically
    /// satisfied closes the ticket, unsatisfied reopens it.
    Visit {
        /// The resident's answer.
        satisfaction: Satisfaction,
    },
    /// 结案: close without a return visit (e.g. an anonymous report).
    Close,
    /// 挂起: pause the case while it waits on someone else.
    Suspend {
        /// Why.
        reason: String,
    },
    /// Resume a suspended case.
    Resume,
    /// 延期申请: ask for a later handling deadline.
    RequestExtension {
        /// The deadline asked for.
        until: Timestamp,
        /// Why.
        reason: String,
    },
    /// Grant or refuse the pending extension request.
    DecideExtension {
        /// Whether it is granted.
        granted: bool,
    },
    /// 挂账: park a case unsolved after an extension in the problem bank.
    Park {
        /// Why.
        reason: String,
    },
    /// Take a parked case up again.
    Unpark,
    /// 合并: merge a duplicate into its original.
    Merge {
        /// The original.
        into: TicketId,
    },
    /// 升级: move the case to a higher unit, which must sign for it again.
    Escalate {
        /// The target; by default the parent of the responsible unit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<NodeId>,
        /// Where a later return (退单) goes: the body that rules on it, as the ledger's
        /// authority says ([`authority::ReturnAfterEscalation`]). Filled in by the ledger and
        /// recorded in the log; a caller may leave it out (if given, it must be what the
        /// authority says). Absent in logs written under the `previous_holder` rule.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        return_to: Option<NodeId>,
    },
    /// 吹哨: summon departments.
    Whistle {
        /// The departments summoned.
        departments: Vec<NodeId>,
        /// When they must sign for it (报到时限), if set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sign_by: Option<Timestamp>,
        /// When they must report their part done, if set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        report_by: Option<Timestamp>,
    },
    /// 报到: a summoned department (the actor) signs for the whistle.
    SignWhistle,
    /// A summoned department (the actor) reports its part done.
    ReportWhistle {
        /// What it did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Release a summoned department from an outstanding whistle.
    ReleaseWhistle {
        /// The department.
        department: NodeId,
    },
    /// Record that a responsible party refused to act (e.g. a shop owner who will not repair).
    RecordRefusal {
        /// Who refused.
        party: String,
        /// A note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// 督办: mark the case for close supervision.
    Supervise {
        /// A note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// 催办: remind the holder of a deadline.
    Remind {
        /// The deadline concerned.
        deadline: DeadlineKind,
    },
    /// Set a deadline (normally done by the service-level engine).
    SetDeadline {
        /// Which deadline.
        deadline: DeadlineKind,
        /// When it falls due.
        due: Timestamp,
    },
    /// Records that an escalation rule fired for a breach, so that it never fires twice for
    /// the same one (written by the escalation engine after its actions).
    RuleFired {
        /// The rule's name, shared with the policy's evaluation: a sweep that fires a rule for
        /// a million tickets writes one text, not a million.
        rule: SharedStr,
        /// What fired it: the deadline missed or the event that triggered it.
        breach: Timestamp,
        /// The department concerned, for a late summons.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject: Option<NodeId>,
    },
    /// Tells the deadline index when the escalation engine next needs to look at a deadline
    /// (the next rule threshold for it), or that no rule can fire for it any more, so that
    /// sweeps touch only what is due (written by the engine).
    Recheck {
        /// Which deadline.
        deadline: DeadlineKind,
        /// When to look again; never for the current due instant if absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<Timestamp>,
    },
    /// 导入: the ticket's state as another system (e.g. an Open311 server) reported it, for a
    /// ticket whose history before the import is not in this ledger. Written by `@system`
    /// only, and only right after the report (and the deadlines the service levels set with
    /// it), so an import never moves a ticket this ledger has handled.
    Import {
        /// The state taken over: `reported`, `filed`, `dispatched`, `in_progress`, `handled`,
        /// `verified`, `closed` or `rejected` (a suspended, parked or merged ticket needs data
        /// an import does not have).
        state: TicketState,
        /// The other system's status, as it gave it (e.g. Open311 `closed`).
        status: String,
        /// The other system's note on the status (e.g. Open311 `status_notes`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
}

/// The kind of an [`Action`], without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
#[allow(missing_docs)]
#[non_exhaustive]
pub enum ActionKind {
    Report,
    ConfirmOnSite,
    File,
    Reject,
    Reopen,
    Dispatch,
    Acknowledge,
    Return,
    Handle,
    Verify,
    Visit,
    Close,
    Suspend,
    Resume,
    RequestExtension,
    DecideExtension,
    Park,
    Unpark,
    Merge,
    Escalate,
    Whistle,
    SignWhistle,
    ReportWhistle,
    ReleaseWhistle,
    RecordRefusal,
    Supervise,
    Remind,
    SetDeadline,
    RuleFired,
    Recheck,
    Import,
}

impl ActionKind {
    /// Every action kind.
    pub const ALL: [ActionKind; 31] = [
        ActionKind::Report,
        ActionKind::ConfirmOnSite,
        ActionKind::File,
        ActionKind::Reject,
        ActionKind::Reopen,
        ActionKind::Dispatch,
        ActionKind::Acknowledge,
        ActionKind::Return,
        ActionKind::Handle,
        ActionKind::Verify,
        ActionKind::Visit,
        ActionKind::Close,
        ActionKind::Suspend,
        ActionKind::Resume,
        ActionKind::RequestExtension,
        ActionKind::DecideExtension,
        ActionKind::Park,
        ActionKind::Unpark,
        ActionKind::Merge,
        ActionKind::Escalate,
        ActionKind::Whistle,
        ActionKind::SignWhistle,
        ActionKind::ReportWhistle,
        ActionKind::ReleaseWhistle,
        ActionKind::RecordRefusal,
        ActionKind::Supervise,
        ActionKind::Remind,
        ActionKind::SetDeadline,
        ActionKind::RuleFired,
        ActionKind::Recheck,
        ActionKind::Import,
    ];

    /// The snake_case name (the `type` tag of the serialized action).
    pub const fn as_str(self) -> &'static str {
        match self {
            ActionKind::Report => "report",
            ActionKind::ConfirmOnSite => "confirm_on_site",
            ActionKind::File => "file",
            ActionKind::Reject => "reject",
            ActionKind::Reopen => "reopen",
            ActionKind::Dispatch => "dispatch",
            ActionKind::Acknowledge => "acknowledge",
            ActionKind::Return => "return",
            ActionKind::Handle => "handle",
            ActionKind::Verify => "verify",
            ActionKind::Visit => "visit",
            ActionKind::Close => "close",
            ActionKind::Suspend => "suspend",
            ActionKind::Resume => "resume",
            ActionKind::RequestExtension => "request_extension",
            ActionKind::DecideExtension => "decide_extension",
            ActionKind::Park => "park",
            ActionKind::Unpark => "unpark",
            ActionKind::Merge => "merge",
            ActionKind::Escalate => "escalate",
            ActionKind::Whistle => "whistle",
            ActionKind::SignWhistle => "sign_whistle",
            ActionKind::ReportWhistle => "report_whistle",
            ActionKind::ReleaseWhistle => "release_whistle",
            ActionKind::RecordRefusal => "record_refusal",
            ActionKind::Supervise => "supervise",
            ActionKind::Remind => "remind",
            ActionKind::SetDeadline => "set_deadline",
            ActionKind::RuleFired => "rule_fired",
            ActionKind::Recheck => "recheck",
            ActionKind::Import => "import",
        }
    }

    /// Whether the host system may perform this action.
    pub const fn system_may(self) -> bool {
        matches!(
            self,
            ActionKind::Report
                | ActionKind::Escalate
                | ActionKind::Whistle
                | ActionKind::Supervise
                | ActionKind::Remind
                | ActionKind::SetDeadline
                | ActionKind::RuleFired
                | ActionKind::Recheck
                | ActionKind::Import
        )
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Action {
    /// Whether the action is written with members besides its `type` (its optional members
    /// are skipped when absent): a unit kind, or one whose every member is absent, is
    /// written `{"type":"…"}`.
    pub(crate) fn has_members(&self) -> bool {
        !matches!(
            self,
            Action::ConfirmOnSite
                | Action::File
                | Action::Acknowledge
                | Action::Close
                | Action::Resume
                | Action::Unpark
                | Action::SignWhistle
                | Action::Reopen { reason: None }
                | Action::Escalate {
                    to: None,
                    return_to: None,
                }
                | Action::ReportWhistle { note: None }
                | Action::Supervise { note: None }
        )
    }

    /// The kind of this action.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Report(_) => ActionKind::Report,
            Action::ConfirmOnSite => ActionKind::ConfirmOnSite,
            Action::File => ActionKind::File,
            Action::Reject { .. } => ActionKind::Reject,
            Action::Reopen { .. } => ActionKind::Reopen,
            Action::Dispatch { .. } => ActionKind::Dispatch,
            Action::Acknowledge => ActionKind::Acknowledge,
            Action::Return { .. } => ActionKind::Return,
            Action::Handle { .. } => ActionKind::Handle,
            Action::Verify { .. } => ActionKind::Verify,
            Action::Visit { .. } => ActionKind::Visit,
            Action::Close => ActionKind::Close,
            Action::Suspend { .. } => ActionKind::Suspend,
            Action::Resume => ActionKind::Resume,
            Action::RequestExtension { .. } => ActionKind::RequestExtension,
            Action::DecideExtension { .. } => ActionKind::DecideExtension,
            Action::Park { .. } => ActionKind::Park,
            Action::Unpark => ActionKind::Unpark,
            Action::Merge { .. } => ActionKind::Merge,
            Action::Escalate { .. } => ActionKind::Escalate,
            Action::Whistle { .. } => ActionKind::Whistle,
            Action::SignWhistle => ActionKind::SignWhistle,
            Action::ReportWhistle { .. } => ActionKind::ReportWhistle,
            Action::ReleaseWhistle { .. } => ActionKind::ReleaseWhistle,
            Action::RecordRefusal { .. } => ActionKind::RecordRefusal,
            Action::Supervise { .. } => ActionKind::Supervise,
            Action::Remind { .. } => ActionKind::Remind,
            Action::SetDeadline { .. } => ActionKind::SetDeadline,
            Action::RuleFired { .. } => ActionKind::RuleFired,
            Action::Recheck { .. } => ActionKind::Recheck,
            Action::Import { .. } => ActionKind::Import,
        }
    }
}

impl ActionKind {
    /// The Chinese term for the action.
    pub const fn chinese(self) -> &'static str {
        match self {
            ActionKind::Report => "上报",
            ActionKind::ConfirmOnSite => "现场核实",
            ActionKind::File => "立案",
            ActionKind::Reject => "不予立案",
            ActionKind::Reopen => "重新办理",
            ActionKind::Dispatch => "派遣",
            ActionKind::Acknowledge => "签收",
            ActionKind::Return => "退单",
            ActionKind::Handle => "处置",
            ActionKind::Verify => "核查",
            ActionKind::Visit => "回访",
            ActionKind::Close => "结案",
            ActionKind::Suspend => "挂起",
            ActionKind::Resume => "恢复",
            ActionKind::RequestExtension => "延期申请",
            ActionKind::DecideExtension => "延期审批",
            ActionKind::Park => "挂账",
            ActionKind::Unpark => "取消挂账",
            ActionKind::Merge => "合并",
            ActionKind::Escalate => "升级",
            ActionKind::Whistle => "吹哨",
            ActionKind::SignWhistle => "报到",
            ActionKind::ReportWhistle => "部门反馈",
            ActionKind::ReleaseWhistle => "解除吹哨",
            ActionKind::RecordRefusal => "记录拒不整改",
            ActionKind::Supervise => "督办",
            ActionKind::Remind => "催办",
            ActionKind::SetDeadline => "设定时限",
            ActionKind::RuleFired => "规则触发记录",
            ActionKind::Recheck => "复查时点",
            ActionKind::Import => "导入",
        }
    }
}

impl FromStr for ActionKind {
    type Err = TicketError;
    fn from_str(s: &str) -> Result<ActionKind, TicketError> {
        ActionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| TicketError::UnknownName {
                what: "action",
                name: s.to_owned(),
            })
    }
}

crate::names::deserialize_by_name!(ActionKind: ALL, as_str);
