//! The words a ticket is described in and a service policy keys on: how it came in
//! ([`Channel`], 来源渠道), how urgent it is ([`Priority`], 紧急程度), what the resident asks
//! for ([`RequestType`], 诉求类型), the resident's satisfaction at the return visit
//! ([`Satisfaction`], 回访满意度) and the deadlines it can carry ([`DeadlineKind`], 时限).
//!
//! These sit below both [`crate::ticket`] (which re-exports them: their public paths are
//! `wangge::ticket::Priority` and so on) and [`crate::sla`], so that service levels can name
//! them without depending on the ticket lifecycle. Reading them from text (`FromStr`, with a
//! [`TicketError`](crate::ticket::TicketError)) and [`DeadlineKind::runs_in`] (which asks a
//! ticket state) are implemented in [`crate::ticket`].

use std::fmt;

use serde::Serialize;

/// A unit enum with its snake_case names and Chinese terms: `ALL`, `as_str`, `chinese`,
/// `Display`, and `Deserialize` by name (see [`crate::names`]).
macro_rules! str_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal / $zh:literal),+ $(,)? } $(aliases { $($alias:literal => $avalue:expr),* })?) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
        #[serde(rename_all = "snake_case")]
        #[repr(u8)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        crate::names::deserialize_by_name!($name: ALL, as_str $(, aliases { $($alias => $avalue),* })?);

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The snake_case name used in every serialized format.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The Chinese term.
            pub const fn chinese(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            #[allow(dead_code)]
            pub(crate) fn from_u8(v: u8) -> $name {
                $name::ALL.get(usize::from(v)).copied().unwrap_or_default()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

str_enum! {
    /// How a ticket came in (来源渠道).
    #[non_exhaustive]
    Channel {
        /// 网格巡查: found by a grid worker on patrol.
        #[default]
        GridPatrol = "grid_patrol" / "网格巡查",
        /// 居民来访: a resident came to the office.
        ResidentVisit = "resident_visit" / "居民来访",
        /// 12345 热线: the citizen service hotline. Written `hotline_12345` (the name every
        /// runtime and the TypeScript types use); `hotline12345` is read too.
        #[serde(rename = "hotline_12345")]
        Hotline12345 = "hotline_12345" / "12345热线",
        /// 网络: an online platform or app.
        Online = "online" / "网络平台",
        /// 其他: anything else.
        Other = "other" / "其他",
    }
    aliases { "hotline12345" => Channel::Hotline12345 }
}

str_enum! {
    /// How urgent a ticket is (紧急程度); service levels key on it.
    Priority {
        /// 紧急: an emergency (Beijing: 2 hours).
        Emergency = "emergency" / "紧急",
        /// 较急: urgent.
        Urgent = "urgent" / "较急",
        /// 一般: ordinary.
        #[default]
        Normal = "normal" / "一般",
        /// 疑难复杂: a complex case given a longer deadline (Beijing: 15 days).
        Complex = "complex" / "疑难复杂",
    }
}

str_enum! {
    /// What the resident asks for (诉求类型), as the 12345 hotline classifies requests.
    #[non_exhaustive]
    RequestType {
        /// 咨询: an enquiry (Guangdong: 2 working days).
        Enquiry = "enquiry" / "咨询",
        /// 求助: a request for help (10 working days).
        #[default]
        Help = "help" / "求助",
        /// 建议: a suggestion (10 working days).
        Suggestion = "suggestion" / "建议",
        /// 投诉: a complaint (15 working days).
        Complaint = "complaint" / "投诉",
        /// 举报: a report of wrongdoing (15 working days).
        Report = "report" / "举报",
    }
}

str_enum! {
    /// The resident's satisfaction at the return visit (回访满意度).
    Satisfaction {
        /// 满意.
        #[default]
        Satisfied = "satisfied" / "满意",
        /// 基本满意.
        BasicallySatisfied = "basically_satisfied" / "基本满意",
        /// 不满意: reopens the ticket.
        Unsatisfied = "unsatisfied" / "不满意",
    }
}

str_enum! {
    /// A deadline a ticket can carry (时限).
    DeadlineKind {
        /// 签收时限: to sign for a dispatch.
        #[default]
        Acknowledge = "acknowledge" / "签收时限",
        /// 处置时限: to finish handling.
        Handle = "handle" / "处置时限",
        /// 核查时限: to verify on site.
        Verify = "verify" / "核查时限",
        /// 答复时限: to reply to the resident (close the loop).
        Reply = "reply" / "答复时限",
    }
}
