//! Why an action may not be taken: a [`Denial`] turns a refusal (a [`TicketError`]) into the
//! rule that refuses, in English and Chinese, for a front end to show.

use super::*;
use crate::ticket::TicketError;

/// Why an action may not be taken ([`Ledger::why_not`](crate::ticket::Ledger::why_not)): the rule
/// that refuses, in English and Chinese, with the error applying the action would give — what
/// a front end shows beside a greyed-out button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Denial {
    /// The stable error code, e.g. `ticket.separation_of_duty`.
    pub code: &'static str,
    /// The rule that refuses: `allow.<action>` (no allowed role), `separate.<conflict>`
    /// (separation of duties), `jurisdiction.<action>`, `lifecycle.<state>.<action>`, or the
    /// error code for any other refusal.
    pub rule: String,
    /// The reason in English.
    pub en: String,
    /// The reason in Chinese.
    pub zh: String,
    /// The error's data.
    pub details: TicketError,
}

impl Denial {
    /// The denial for an error under an authority (named in the texts).
    pub fn new(error: TicketError, authority: &str) -> Denial {
        use TicketError as E;
        let (rule, en, zh) = match &error {
            E::Unauthorized {
                action,
                actor,
                allowed,
                ..
            } => {
                let (en, zh) = role_list(*allowed);
                (
                    format!("allow.{action}"),
                    format!("under {authority}, {action} may be taken only by {en}; {actor} is none of them"),
                    format!("按{authority}规则，{}只能由{zh}进行；{actor}不在其列", action.chinese()),
                )
            }
            E::SeparationOfDuty {
                action,
                actor,
                conflict,
                ..
            } => {
                let (en, zh) = match conflict {
                    Conflict::Handler => (
                        format!("{actor} handled this ticket or works for the unit that did: whoever handled a ticket may not {action} it"),
                        format!("{actor}是处置方或其人员：处置方不得{}自己处置的工单", action.chinese()),
                    ),
                    Conflict::Requester => (
                        format!("{actor} asked for the extension or holds the ticket: whoever asks for an extension may not decide it"),
                        format!("{actor}是延期申请方：申请方不得审批自己的延期申请"),
                    ),
                    Conflict::Returner => (
                        format!("{actor} returned this ticket: whoever returned a ticket may not decide the return by dispatching it again"),
                        format!("{actor}是退单方：退单方不得裁定（重新派遣）自己退回的工单"),
                    ),
                    Conflict::Holder => (
                        format!("{actor} holds this ticket: the holder may not {action} it itself"),
                        format!("{actor}是承办方：承办方不得自行{}", action.chinese()),
                    ),
                };
                (format!("separate.{conflict}"), en, zh)
            }
            E::OutOfJurisdiction {
                action,
                actor,
                target,
                reason,
                ..
            } => (
                format!("jurisdiction.{action}"),
                format!("{actor} may not {action} the ticket to {target}: {reason}"),
                format!(
                    "{actor}无权将工单{}至{target}：超出辖区或职责范围（{reason}）",
                    action.chinese()
                ),
            ),
            E::IllegalTransition {
                state,
                action,
                reason,
                ..
            } => (
                format!("lifecycle.{state}.{action}"),
                format!("the ticket is {state}: cannot {action} ({reason})"),
                format!(
                    "工单处于「{}」状态，不能{}（{reason}）",
                    state.chinese(),
                    action.chinese()
                ),
            ),
            other => {
                let zh = match other {
                    E::UnknownTicket { ticket } => format!("没有工单{ticket}"),
                    E::UnknownActor { actor } => format!("{actor}不是体系中的操作者"),
                    E::UnknownUnit { unit } => format!("单位{unit}不存在"),
                    E::UnknownCategory { category } => format!("类别{category}不在分类表中"),
                    E::InvalidTarget { target, reason, .. } => {
                        format!("目标{target}不符合要求（{reason}）")
                    }
                    E::TimeWentBackwards { at, last, .. } => {
                        format!("时间{at}早于工单上一事件{last}")
                    }
                    E::WhistleOutstanding { departments, .. } => {
                        format!("被吹哨部门{}尚未反馈，不能处置", departments.join("、"))
                    }
                    E::ExtensionTooLate { due, .. } => format!("延期须在处置时限{due}之前申请"),
                    _ => format!("操作被拒绝：{other}"),
                };
                (other.code().to_owned(), other.to_string(), zh)
            }
        };
        Denial {
            code: error.code(),
            rule,
            en,
            zh,
            details: error,
        }
    }
}
