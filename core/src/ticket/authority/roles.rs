//! The vocabulary of an authority: the [`Role`]s an actor can hold relative to a ticket, the
//! [`Conflict`] sets excluded by separation of duties (职责分离), where a ticket may be
//! dispatched ([`DispatchScope`]) and where a return goes after an escalation
//! ([`ReturnAfterEscalation`]), and [`RoleSet`], a compact set of roles.

use super::*;

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal / $zh:literal / $en:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        crate::names::deserialize_by_name!($name: ALL, as_str);

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The snake_case name used in documents.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The Chinese term.
            pub const fn chinese(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// A short English description.
            pub const fn english(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = AuthorityError;
            fn from_str(s: &str) -> Result<$name, AuthorityError> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|k| k.as_str() == s)
                    .ok_or_else(|| AuthorityError::Malformed {
                        message: format!("unknown {} {s:?}", stringify!($name)),
                    })
            }
        }
    };
}

named_enum! {
    /// A role relative to a ticket (see the [module table](crate::ticket::authority#roles)).
    Role {
        /// 系统: the host system, `@system`.
        System = "system" / "系统" / "the host system",
        /// 承办单位: the holder, the people serving it and its members.
        Holder = "holder" / "承办单位" / "the holder and its staff",
        /// 派遣方: the dispatcher of record and its staff.
        Dispatcher = "dispatcher" / "派遣方" / "the dispatcher",
        /// 属地: the responsible territorial unit and those serving it.
        Territorial = "territorial" / "属地" / "the territorial unit",
        /// 上级属地: a unit above the responsible unit and those serving it.
        TerritorialAncestor = "territorial_ancestor" / "上级属地" / "a unit above the territorial unit",
        /// 党组织: a Party organisation leading the responsible unit or a unit above it.
        Party = "party" / "党组织" / "the leading Party organisation",
        /// 监督中心: a supervising centre covering the ticket, and its members.
        Supervisor = "supervisor" / "监督中心" / "the supervising centre",
        /// 指挥中心: a commanding centre covering the ticket, and its members.
        Commander = "commander" / "指挥中心" / "the commanding centre",
        /// 被吹哨部门: a department summoned on the ticket.
        Summoned = "summoned" / "被吹哨部门" / "a summoned department",
        /// 事发地: the unit where the ticket arose or a unit above it, and those serving them.
        Place = "place" / "事发地" / "the place where it arose",
    }
}

named_enum! {
    /// A set of actors of a ticket excluded from some actions (separation of duties, 职责分离).
    Conflict {
        /// 处置方: the unit holding the ticket when it was handled (the holder, once handled),
        /// its staff, and every actor who recorded a `handle` on the ticket.
        Handler = "handler" / "处置方" / "whoever handled the ticket",
        /// 延期申请方: the holder and its staff, and the actor of the pending extension request.
        Requester = "requester" / "延期申请方" / "whoever asked for the extension",
        /// 退单方: the actor of the latest return not yet decided by a dispatch, and the unit
        /// that returned the ticket with its staff.
        Returner = "returner" / "退单方" / "whoever returned the ticket",
        /// 承办方: the holder and its staff.
        Holder = "holder" / "承办方" / "the holder of the ticket",
    }
}

named_enum! {
    /// Where a ticket may be dispatched (and, on a report, who may be named to take it).
    DispatchScope {
        /// 属地派遣: to a unit within the dispatcher's territory (or a person or organisation
        /// serving one), or to a department whose jurisdiction covers the ticket's place and
        /// category. The host system's territory is the whole hierarchy.
        Jurisdiction = "jurisdiction" / "辖区内派遣" / "within the dispatcher's territory or a department's jurisdiction",
        /// 任意派遣: anywhere (migration only).
        Anywhere = "anywhere" / "任意派遣" / "anywhere",
    }
}

named_enum! {
    /// Where a return (退单) goes after an escalation: the body that rules on it.
    ReturnAfterEscalation {
        /// The nearest centre commanding the unit escalated to (指挥中心); else the escalating
        /// actor if it is a node; else the unit escalated to itself.
        CommandCentre = "command_centre" / "指挥中心" / "the commanding centre",
        /// The escalating actor (升级发起方); for the host system, the nearest commanding
        /// centre; else the unit escalated to itself.
        Escalator = "escalator" / "升级发起方" / "the escalating body",
        /// The unit that held the ticket before the escalation — the one that may just have
        /// missed its deadline (migration only).
        PreviousHolder = "previous_holder" / "原承办单位" / "the previous holder",
    }
}

/// A set of roles, compactly.
#[derive(Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct RoleSet(u16);

impl fmt::Debug for RoleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl RoleSet {
    /// No role.
    pub const EMPTY: RoleSet = RoleSet(0);

    /// Whether the set holds a role.
    pub const fn contains(self, role: Role) -> bool {
        self.0 & (1 << role as u16) != 0
    }

    /// The set with one more role.
    #[must_use]
    pub const fn with(self, role: Role) -> RoleSet {
        RoleSet(self.0 | 1 << role as u16)
    }

    /// The roles, in [`Role::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.iter().copied().filter(move |r| self.contains(*r))
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The raw bits: bit `i` is the role `Role::ALL[i]`.
    pub(crate) const fn bits(self) -> u16 {
        self.0
    }
}

impl fmt::Display for RoleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("nobody");
        }
        for (i, r) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(r.as_str())?;
        }
        Ok(())
    }
}

impl Serialize for RoleSet {
    /// A list of role names.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> RoleSet {
        iter.into_iter().fold(RoleSet::EMPTY, RoleSet::with)
    }
}

/// Lists role names, English and Chinese, for messages.
pub(crate) fn role_list(roles: RoleSet) -> (String, String) {
    if roles.is_empty() {
        return ("nobody".to_owned(), "任何人".to_owned());
    }
    let en: Vec<&str> = roles.iter().map(Role::english).collect();
    let zh: Vec<&str> = roles.iter().map(Role::chinese).collect();
    (en.join(", "), zh.join("、"))
}
