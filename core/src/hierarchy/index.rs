//! The compact query index of a hierarchy: flat arrays indexed by [`NodeKey`], rebuilt on the
//! first query after a mutation. Every per-ticket query (escalation chain, ancestry, acting
//! units, jurisdiction) is answered from here without allocation.

use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use super::{EdgeKind, Hierarchy, NodeClass, NodeKey};

const NONE: u32 = u32::MAX;

/// How an actor acts for a unit: it is the unit, it serves it, or it leads it (a Party
/// organisation).
pub(crate) const VIA_SELF: u8 = 0;
/// See [`VIA_SELF`].
pub(crate) const VIA_SERVES: u8 = 1;
/// See [`VIA_SELF`].
pub(crate) const VIA_LEADS: u8 = 2;

/// Compressed rows: the items of key `k` are `items[starts[k]..starts[k + 1]]`.
#[derive(Debug, Clone)]
struct Csr<T> {
    starts: Vec<u32>,
    items: Vec<T>,
}

impl<T> Csr<T> {
    /// Builds rows from (key, item) pairs; items keep their order within a key.
    fn from_pairs(n: usize, mut pairs: Vec<(usize, T)>) -> Csr<T> {
        pairs.sort_by_key(|(k, _)| *k);
        let mut starts = Vec::with_capacity(n + 1);
        let mut items = Vec::with_capacity(pairs.len());
        let mut pairs = pairs.into_iter().peekable();
        for k in 0..n {
            starts.push(to_u32(items.len()));
            while let Some((_, item)) = pairs.next_if(|(pk, _)| *pk == k) {
                items.push(item);
            }
        }
        starts.push(to_u32(items.len()));
        Csr { starts, items }
    }

    #[inline]
    fn row(&self, key: NodeKey) -> &[T] {
        let k = key.index();
        match self.starts.get(k..k + 2) {
            Some(&[a, b]) => self.items.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NONE)
}

#[derive(Debug, Clone)]
pub(crate) struct Index {
    parent: Vec<u32>,
    children: Csr<NodeKey>,
    /// For each key: the preorder position of a territorial node (NONE otherwise), and one
    /// past the preorder position of its last descendant (one pair, so an ancestry test
    /// reads two entries).
    span: Vec<(u32, u32)>,
    /// Territorial nodes in preorder.
    euler: Vec<NodeKey>,
    /// The chain (self, parent, …, root) of each territorial node.
    chains: Csr<NodeKey>,
    acts_for: Csr<NodeKey>,
    /// `acts_for` with how the actor acts for each unit (`VIA_*`), for the authority's guards.
    acting: Csr<(NodeKey, u8)>,
    served_by: Csr<NodeKey>,
    members: Csr<NodeKey>,
    /// The territorial units a node serves.
    serves: Csr<NodeKey>,
    /// The organisations a node is a member of.
    memberships: Csr<NodeKey>,
    /// The units a node supervises: a centre its `supervises` targets, a centre's member
    /// the centre's.
    supervises: Csr<NodeKey>,
    /// The units a node commands, likewise.
    commands: Csr<NodeKey>,
    /// The centres commanding a unit directly, in key order.
    commanded_by: Csr<NodeKey>,
    /// The centres supervising a unit directly, in key order.
    supervised_by: Csr<NodeKey>,
    led_by: Vec<u32>,
    jurisdiction: Csr<(NodeKey, Box<[String]>)>,
    roots: Vec<NodeKey>,
}

impl Index {
    pub(crate) fn build(h: &Hierarchy) -> Index {
        let n = h.slots.len();
        let mut parent = vec![NONE; n];
        let mut child_pairs = Vec::new();
        let mut acts_pairs = Vec::new();
        let mut served_pairs = Vec::new();
        let mut member_pairs = Vec::new();
        let mut led_by = vec![NONE; n];
        let mut jur_pairs = Vec::new();
        let mut serve_pairs = Vec::new();
        let mut acting_pairs: Vec<(usize, (NodeKey, u8))> = Vec::new();
        let mut supervise_pairs = Vec::new();
        let mut command_pairs = Vec::new();

        for e in h.graph.edge_references() {
            let (Some(from), Some(to)) = (
                h.graph.node_weight(e.source()),
                h.graph.node_weight(e.target()),
            ) else {
                continue;
            };
            let (f, t) = (from.key, to.key);
            match e.weight().kind {
                EdgeKind::Contains => {
                    if let Some(p) = parent.get_mut(t.index()) {
                        *p = f.raw();
                    }
                    child_pairs.push((f.index(), t));
                }
                EdgeKind::Leads => {
                    if to.node.kind.is_territorial() {
                        acts_pairs.push((f.index(), t));
                        acting_pairs.push((f.index(), (t, VIA_LEADS)));
                    }
                    if let Some(l) = led_by.get_mut(t.index()) {
                        if *l == NONE || f.raw() < *l {
                            *l = f.raw();
                        }
                    }
                }
                EdgeKind::Serves => {
                    acts_pairs.push((f.index(), t));
                    acting_pairs.push((f.index(), (t, VIA_SERVES)));
                    served_pairs.push((t.index(), f));
                    serve_pairs.push((f.index(), t));
                }
                EdgeKind::MemberOf => member_pairs.push((t.index(), f)),
                EdgeKind::Jurisdiction => {
                    jur_pairs.push((t.index(), (f, e.weight().categories.clone())));
                }
                EdgeKind::Supervises => supervise_pairs.push((f.index(), t)),
                EdgeKind::Commands => command_pairs.push((f.index(), t)),
            }
        }
        // A centre's members act with the centre's coverage.
        let reverse = |pairs: &[(usize, NodeKey)]| -> Vec<(usize, NodeKey)> {
            pairs
                .iter()
                .map(|(c, u)| (u.index(), NodeKey(to_u32(*c))))
                .collect()
        };
        let mut commanded_pairs = reverse(&command_pairs);
        let mut supervised_pairs = reverse(&supervise_pairs);
        for pairs in [&mut supervise_pairs, &mut command_pairs] {
            let extra: Vec<(usize, NodeKey)> = member_pairs
                .iter()
                .flat_map(|(org, member)| {
                    pairs
                        .iter()
                        .filter(move |(c, _)| c == org)
                        .map(move |(_, u)| (member.index(), *u))
                })
                .collect();
            pairs.extend(extra);
        }
        let mut membership_pairs: Vec<(usize, NodeKey)> = member_pairs
            .iter()
            .map(|(org, member)| (member.index(), NodeKey(to_u32(*org))))
            .collect();
        // A slot's key is its place.
        for (i, slot) in h.slots.iter().enumerate() {
            if slot.index.is_some() && slot.kind.class() == NodeClass::Territorial {
                let k = NodeKey(to_u32(i));
                acts_pairs.push((k.index(), k));
                acting_pairs.push((k.index(), (k, VIA_SELF)));
            }
        }
        for pairs in [
            &mut child_pairs,
            &mut acts_pairs,
            &mut served_pairs,
            &mut member_pairs,
            &mut serve_pairs,
            &mut supervise_pairs,
            &mut command_pairs,
            &mut commanded_pairs,
            &mut supervised_pairs,
            &mut membership_pairs,
        ] {
            pairs.sort();
            pairs.dedup();
        }
        jur_pairs.sort_by_key(|(unit, (dept, _))| (*unit, *dept));
        acting_pairs.sort();
        acting_pairs.dedup();

        let children = Csr::from_pairs(n, child_pairs);

        // Preorder walk of the territorial forest, roots in key order.
        let mut euler = Vec::new();
        let mut roots = Vec::new();
        let mut chain_pairs: Vec<(usize, NodeKey)> = Vec::new();
        let mut stack: Vec<(NodeKey, bool)> = Vec::new();
        let mut path: Vec<NodeKey> = Vec::new();
        let mut span = vec![(NONE, NONE); n];
        for (k, slot) in h.slots.iter().enumerate() {
            let key = NodeKey(to_u32(k));
            let is_root = slot.index.is_some()
                && slot.kind.is_territorial()
                && parent.get(k).copied() == Some(NONE);
            if !is_root {
                continue;
            }
            roots.push(key);
            stack.push((key, false));
            while let Some((node, done)) = stack.pop() {
                if done {
                    if let Some(t) = span.get_mut(node.index()) {
                        t.1 = to_u32(euler.len());
                    }
                    path.pop();
                    continue;
                }
                if let Some(t) = span.get_mut(node.index()) {
                    t.0 = to_u32(euler.len());
                }
                euler.push(node);
                path.push(node);
                chain_pairs.extend(path.iter().rev().map(|a| (node.index(), *a)));
                stack.push((node, true));
                for child in children.row(node).iter().rev() {
                    stack.push((*child, false));
                }
            }
        }
        // `from_pairs` sorts stably by key, keeping each chain in self→root order.
        let chains = Csr::from_pairs(n, chain_pairs);

        let supervises = Csr::from_pairs(n, supervise_pairs);
        let commands = Csr::from_pairs(n, command_pairs);
        let acting = Csr::from_pairs(n, acting_pairs);
        Index {
            parent,
            children,
            span,
            euler,
            chains,
            acts_for: Csr::from_pairs(n, acts_pairs),
            acting,
            served_by: Csr::from_pairs(n, served_pairs),
            members: Csr::from_pairs(n, member_pairs),
            serves: Csr::from_pairs(n, serve_pairs),
            memberships: Csr::from_pairs(n, membership_pairs),
            supervises,
            commands,
            commanded_by: Csr::from_pairs(n, commanded_pairs),
            supervised_by: Csr::from_pairs(n, supervised_pairs),
            led_by,
            jurisdiction: Csr::from_pairs(n, jur_pairs),
            roots,
        }
    }

    pub(crate) fn parent(&self, key: NodeKey) -> Option<NodeKey> {
        self.parent
            .get(key.index())
            .copied()
            .filter(|p| *p != NONE)
            .map(NodeKey)
    }

    pub(crate) fn children(&self, key: NodeKey) -> &[NodeKey] {
        self.children.row(key)
    }

    #[inline]
    pub(crate) fn chain(&self, key: NodeKey) -> &[NodeKey] {
        self.chains.row(key)
    }

    #[inline]
    pub(crate) fn is_within(&self, unit: NodeKey, area: NodeKey) -> bool {
        match (self.span.get(unit.index()), self.span.get(area.index())) {
            (Some(&(u, _)), Some(&(a, a_end))) => u != NONE && a != NONE && a <= u && u < a_end,
            _ => false,
        }
    }

    pub(crate) fn descendants(&self, key: NodeKey) -> &[NodeKey] {
        match self.span.get(key.index()) {
            Some(&(a, b)) if a != NONE => self.euler.get(a as usize + 1..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    pub(crate) fn acts_for(&self, key: NodeKey) -> &[NodeKey] {
        self.acts_for.row(key)
    }

    /// The units an actor acts for, with how (`VIA_*`).
    #[inline]
    pub(crate) fn acting(&self, key: NodeKey) -> &[(NodeKey, u8)] {
        self.acting.row(key)
    }

    /// Whether the key is a live unit of the territorial forest.
    #[inline]
    pub(crate) fn in_tree(&self, key: NodeKey) -> bool {
        self.span.get(key.index()).is_some_and(|t| t.0 != NONE)
    }

    #[inline]
    pub(crate) fn served_by(&self, key: NodeKey) -> &[NodeKey] {
        self.served_by.row(key)
    }

    pub(crate) fn members(&self, key: NodeKey) -> &[NodeKey] {
        self.members.row(key)
    }

    pub(crate) fn serves(&self, key: NodeKey) -> &[NodeKey] {
        self.serves.row(key)
    }

    pub(crate) fn memberships(&self, key: NodeKey) -> &[NodeKey] {
        self.memberships.row(key)
    }

    pub(crate) fn supervises(&self, key: NodeKey) -> &[NodeKey] {
        self.supervises.row(key)
    }

    pub(crate) fn commands(&self, key: NodeKey) -> &[NodeKey] {
        self.commands.row(key)
    }

    pub(crate) fn commanded_by(&self, key: NodeKey) -> &[NodeKey] {
        self.commanded_by.row(key)
    }

    pub(crate) fn supervised_by(&self, key: NodeKey) -> &[NodeKey] {
        self.supervised_by.row(key)
    }

    pub(crate) fn led_by(&self, key: NodeKey) -> Option<NodeKey> {
        self.led_by
            .get(key.index())
            .copied()
            .filter(|p| *p != NONE)
            .map(NodeKey)
    }

    pub(crate) fn jurisdiction(&self, key: NodeKey) -> &[(NodeKey, Box<[String]>)] {
        self.jurisdiction.row(key)
    }

    pub(crate) fn roots(&self) -> &[NodeKey] {
        &self.roots
    }
}
