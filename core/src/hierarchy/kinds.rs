//! Node and edge kinds, and which kinds each edge may connect.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::HierarchyError;

/// What a node of the hierarchy is.
///
/// Territorial units have a [`level`](NodeKind::level); containment always goes from a lower
/// level number to a higher one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NodeKind {
    /// 省 (also a municipality directly under the central government, 直辖市).
    Province,
    /// 市.
    City,
    /// 区 / 县 / 高新区: a district, county or development zone.
    District,
    /// 街道: a street (sub-district) office.
    Street,
    /// 镇 / 乡: a town or township.
    Town,
    /// 社区 / 村: a community (or village).
    Community,
    /// 网格: a grid.
    Grid,
    /// 小区: a residential compound.
    Compound,
    /// 楼栋: a building.
    Building,
    /// 党委: a Party committee (e.g. 社区党委).
    PartyCommittee,
    /// 党支部: a Party branch (e.g. 网格党支部).
    PartyBranch,
    /// 居委会 / 社居委: a residents' committee.
    ResidentsCommittee,
    /// 业委会: an owners' committee.
    OwnersCommittee,
    /// 物业: a property manager.
    PropertyManager,
    /// 议事委员会: a deliberation committee.
    DeliberationCommittee,
    /// 志愿服务队: a volunteer team.
    VolunteerTeam,
    /// 共驻共建单位: a co-building unit.
    CoBuildingUnit,
    /// 职能部门: a functional department (市场监管, 城管, 住建, …).
    Department,
    /// 城市运行管理服务中心 / 网格化服务管理中心: an operations centre that supervises
    /// (监督中心) and/or commands (指挥中心) the units it covers (GB/T 30428). Its roles are
    /// its `supervises` and `commands` edges; its staff join it with `member_of`.
    OperationsCentre,
    /// 12345 热线中心 (接诉即办): a hotline centre that takes, dispatches and follows up
    /// requests for the units it covers, through `supervises` and `commands` edges.
    HotlineCentre,
    /// 网格长: a grid leader.
    GridLeader,
    /// 网格员: a grid worker.
    GridWorker,
    /// 党员: a Party member.
    PartyMember,
    /// 志愿者: a volunteer.
    Volunteer,
    /// 工作人员: a member of staff of an organisation (a centre, a department, a company),
    /// joined to it with `member_of`.
    Staff,
}

/// The three classes of node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeClass {
    /// A territorial unit (行政区域、网格、小区、楼栋).
    Territorial,
    /// An organisation.
    Organisation,
    /// A person in a role.
    Person,
}

impl NodeKind {
    /// Every kind, territorial levels first.
    pub const ALL: [NodeKind; 25] = [
        NodeKind::Province,
        NodeKind::City,
        NodeKind::District,
        NodeKind::Street,
        NodeKind::Town,
        NodeKind::Community,
        NodeKind::Grid,
        NodeKind::Compound,
        NodeKind::Building,
        NodeKind::PartyCommittee,
        NodeKind::PartyBranch,
        NodeKind::ResidentsCommittee,
        NodeKind::OwnersCommittee,
        NodeKind::PropertyManager,
        NodeKind::DeliberationCommittee,
        NodeKind::VolunteerTeam,
        NodeKind::CoBuildingUnit,
        NodeKind::Department,
        NodeKind::OperationsCentre,
        NodeKind::HotlineCentre,
        NodeKind::GridLeader,
        NodeKind::GridWorker,
        NodeKind::PartyMember,
        NodeKind::Volunteer,
        NodeKind::Staff,
    ];

    /// The level of a territorial unit: province 0, city 1, district 2, street and town 3,
    /// community 4, grid 5, compound 6, building 7. `None` for organisations and people.
    ///
    /// A unit may contain only units of a strictly greater level; levels may be skipped
    /// (a city without districts contains towns directly, 不设区的市).
    pub const fn level(self) -> Option<u8> {
        match self {
            NodeKind::Province => Some(0),
            NodeKind::City => Some(1),
            NodeKind::District => Some(2),
            NodeKind::Street | NodeKind::Town => Some(3),
            NodeKind::Community => Some(4),
            NodeKind::Grid => Some(5),
            NodeKind::Compound => Some(6),
            NodeKind::Building => Some(7),
            _ => None,
        }
    }

    /// The class of the kind.
    pub const fn class(self) -> NodeClass {
        match self {
            NodeKind::Province
            | NodeKind::City
            | NodeKind::District
            | NodeKind::Street
            | NodeKind::Town
            | NodeKind::Community
            | NodeKind::Grid
            | NodeKind::Compound
            | NodeKind::Building => NodeClass::Territorial,
            NodeKind::GridLeader
            | NodeKind::GridWorker
            | NodeKind::PartyMember
            | NodeKind::Volunteer
            | NodeKind::Staff => NodeClass::Person,
            _ => NodeClass::Organisation,
        }
    }

    /// Whether the kind is a territorial unit.
    pub const fn is_territorial(self) -> bool {
        matches!(self.class(), NodeClass::Territorial)
    }

    /// Whether the kind is a person in a role.
    pub const fn is_person(self) -> bool {
        matches!(self.class(), NodeClass::Person)
    }

    /// Whether the kind is a supervising or commanding centre (监督中心 / 指挥中心 / 12345).
    pub const fn is_centre(self) -> bool {
        matches!(self, NodeKind::OperationsCentre | NodeKind::HotlineCentre)
    }

    /// Whether the kind is a Party organisation (党委, 党支部).
    pub const fn is_party_org(self) -> bool {
        matches!(self, NodeKind::PartyCommittee | NodeKind::PartyBranch)
    }

    /// The snake_case name used in every serialized format.
    pub const fn as_str(self) -> &'static str {
        match self {
            NodeKind::Province => "province",
            NodeKind::City => "city",
            NodeKind::District => "district",
            NodeKind::Street => "street",
            NodeKind::Town => "town",
            NodeKind::Community => "community",
            NodeKind::Grid => "grid",
            NodeKind::Compound => "compound",
            NodeKind::Building => "building",
            NodeKind::PartyCommittee => "party_committee",
            NodeKind::PartyBranch => "party_branch",
            NodeKind::ResidentsCommittee => "residents_committee",
            NodeKind::OwnersCommittee => "owners_committee",
            NodeKind::PropertyManager => "property_manager",
            NodeKind::DeliberationCommittee => "deliberation_committee",
            NodeKind::VolunteerTeam => "volunteer_team",
            NodeKind::CoBuildingUnit => "co_building_unit",
            NodeKind::Department => "department",
            NodeKind::OperationsCentre => "operations_centre",
            NodeKind::HotlineCentre => "hotline_centre",
            NodeKind::GridLeader => "grid_leader",
            NodeKind::GridWorker => "grid_worker",
            NodeKind::PartyMember => "party_member",
            NodeKind::Volunteer => "volunteer",
            NodeKind::Staff => "staff",
        }
    }

    /// The Chinese term.
    pub const fn chinese(self) -> &'static str {
        match self {
            NodeKind::Province => "省",
            NodeKind::City => "市",
            NodeKind::District => "区",
            NodeKind::Street => "街道",
            NodeKind::Town => "镇",
            NodeKind::Community => "社区",
            NodeKind::Grid => "网格",
            NodeKind::Compound => "小区",
            NodeKind::Building => "楼栋",
            NodeKind::PartyCommittee => "党委",
            NodeKind::PartyBranch => "党支部",
            NodeKind::ResidentsCommittee => "居委会",
            NodeKind::OwnersCommittee => "业委会",
            NodeKind::PropertyManager => "物业",
            NodeKind::DeliberationCommittee => "议事委员会",
            NodeKind::VolunteerTeam => "志愿服务队",
            NodeKind::CoBuildingUnit => "共驻共建单位",
            NodeKind::Department => "职能部门",
            NodeKind::OperationsCentre => "城市运行管理服务中心",
            NodeKind::HotlineCentre => "12345热线中心",
            NodeKind::GridLeader => "网格长",
            NodeKind::GridWorker => "网格员",
            NodeKind::PartyMember => "党员",
            NodeKind::Volunteer => "志愿者",
            NodeKind::Staff => "工作人员",
        }
    }
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for NodeKind {
    type Err = HierarchyError;
    fn from_str(s: &str) -> Result<NodeKind, HierarchyError> {
        NodeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| HierarchyError::UnknownKind { kind: s.to_owned() })
    }
}

/// What an edge means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EdgeKind {
    /// Territorial containment (the tree): `from` contains `to`.
    Contains,
    /// A Party organisation leads a unit or another organisation (党建引领).
    Leads,
    /// A person or organisation serves a territorial unit (a grid worker its grid, a
    /// property manager its compound).
    Serves,
    /// A person or organisation is a member of an organisation.
    MemberOf,
    /// A department has jurisdiction over a unit, for some case categories.
    Jurisdiction,
    /// A centre supervises a unit and everything it contains (监督: files, verifies, closes,
    /// makes the return visit).
    Supervises,
    /// A centre commands a unit and everything it contains (指挥: dispatches, decides
    /// extensions and suspensions, sets deadlines).
    Commands,
}

impl EdgeKind {
    /// Every edge kind.
    pub const ALL: [EdgeKind; 7] = [
        EdgeKind::Contains,
        EdgeKind::Leads,
        EdgeKind::Serves,
        EdgeKind::MemberOf,
        EdgeKind::Jurisdiction,
        EdgeKind::Supervises,
        EdgeKind::Commands,
    ];

    /// The snake_case name used in every serialized format.
    pub const fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Contains => "contains",
            EdgeKind::Leads => "leads",
            EdgeKind::Serves => "serves",
            EdgeKind::MemberOf => "member_of",
            EdgeKind::Jurisdiction => "jurisdiction",
            EdgeKind::Supervises => "supervises",
            EdgeKind::Commands => "commands",
        }
    }
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EdgeKind {
    type Err = HierarchyError;
    fn from_str(s: &str) -> Result<EdgeKind, HierarchyError> {
        EdgeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| HierarchyError::UnknownKind { kind: s.to_owned() })
    }
}

/// Which kinds an edge may connect; `Err` carries the rule that was broken.
pub(super) fn check_edge_kinds(
    edge: EdgeKind,
    from: NodeKind,
    to: NodeKind,
) -> Result<(), &'static str> {
    use NodeClass::*;
    match edge {
        EdgeKind::Contains => {
            if from.is_territorial() && to.is_territorial() {
                Ok(())
            } else {
                Err("containment connects territorial units only")
            }
        }
        EdgeKind::Leads => {
            if !from.is_party_org() {
                Err("only a Party committee or branch leads")
            } else if to.is_person() {
                Err("a Party organisation leads a unit or an organisation, not a person")
            } else {
                Ok(())
            }
        }
        EdgeKind::Serves => match (from.class(), to.class()) {
            (_, Organisation) | (_, Person) => Err("only territorial units are served"),
            (Territorial, _) => Err("a territorial unit does not serve another"),
            (Organisation, _) if from.is_party_org() => {
                Err("a Party organisation leads a unit rather than serves it")
            }
            (Organisation, _) if from == NodeKind::Department => {
                Err("a department holds jurisdiction rather than serves")
            }
            (Organisation, _) if from.is_centre() => {
                Err("a centre supervises or commands a unit rather than serves it")
            }
            (Organisation, _) if to == NodeKind::Grid => Err("only people serve grids"),
            _ => Ok(()),
        },
        EdgeKind::MemberOf => match (from.class(), to.class()) {
            (Territorial, _) => Err("a territorial unit is not a member"),
            (_, Organisation) => Ok(()),
            _ => Err("members join organisations only"),
        },
        EdgeKind::Jurisdiction => {
            if from != NodeKind::Department {
                Err("only a department holds jurisdiction")
            } else if !to.is_territorial() {
                Err("jurisdiction is over territorial units")
            } else {
                Ok(())
            }
        }
        EdgeKind::Supervises | EdgeKind::Commands => {
            if !from.is_centre() {
                Err("only an operations centre or a hotline centre supervises or commands")
            } else if to.level().is_none_or(|l| l > 4) {
                Err("a centre covers a community, a street or town, or a larger area")
            } else {
                Ok(())
            }
        }
    }
}

crate::names::deserialize_by_name!(NodeKind: ALL, as_str);
crate::names::deserialize_by_name!(EdgeKind: ALL, as_str);

crate::names::deserialize_by_name!(NodeClass { Territorial = "territorial", Organisation = "organisation", Person = "person" });
