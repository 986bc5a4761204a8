//! Queries on a [`Hierarchy`]: parents, children, escalation chains, ancestors and
//! descendants, common ancestors, grids, leading Party organisations, staff, departments
//! with jurisdiction, supervising and commanding centres, and edges by kind.

use super::*;

impl Hierarchy {
    /// The unit that contains this one, if any.
    pub fn parent(&self, id: &str) -> Result<Option<&Node>> {
        let key = self.require(id)?;
        Ok(self.parent_key(key).and_then(|k| self.node_by_key(k)))
    }

    /// The key of the containing unit.
    pub fn parent_key(&self, key: NodeKey) -> Option<NodeKey> {
        self.index().parent(key)
    }

    /// The units directly contained in this one, in key order.
    pub fn children(&self, id: &str) -> Result<impl Iterator<Item = &Node> + '_> {
        let key = self.require(id)?;
        Ok(self
            .index()
            .children(key)
            .iter()
            .filter_map(|k| self.node_by_key(*k)))
    }

    /// The escalation chain (升级链): the unit itself, then every ancestor up to the root.
    /// Empty for nodes outside the territorial tree (organisations, people).
    pub fn chain(&self, id: &str) -> Result<impl Iterator<Item = &Node> + '_> {
        let key = self.require(id)?;
        Ok(self
            .chain_keys(key)
            .iter()
            .filter_map(|k| self.node_by_key(*k)))
    }

    /// The escalation chain as keys, without allocation.
    pub fn chain_keys(&self, key: NodeKey) -> &[NodeKey] {
        self.index().chain(key)
    }

    /// Writes the escalation chains of many units into one buffer: `out` receives the chains
    /// one after another and `ends[i]` is where the i-th chain ends (so chain `i` is
    /// `out[ends[i-1]..ends[i]]`). Unknown keys get an empty chain. Buffers are cleared first
    /// and reused, so a caller that keeps them allocates nothing in steady state.
    pub fn chains_into(&self, keys: &[NodeKey], out: &mut Vec<NodeKey>, ends: &mut Vec<u32>) {
        let index = self.index();
        out.clear();
        ends.clear();
        ends.reserve(keys.len());
        for key in keys {
            out.extend_from_slice(index.chain(*key));
            ends.push(u32::try_from(out.len()).unwrap_or(u32::MAX));
        }
    }

    /// Checks raw keys from outside (the typed arrays of the bindings): every one must have
    /// been assigned by this hierarchy.
    fn check_keys(&self, keys: &[u32]) -> Result<()> {
        let bound = u32::try_from(self.key_bound()).unwrap_or(u32::MAX);
        match keys.iter().find(|k| **k >= bound) {
            Some(key) => Err(HierarchyError::UnknownKey { key: *key }),
            None => Ok(()),
        }
    }

    /// The escalation chains of many units given as raw keys (the bindings' typed arrays):
    /// `(chains, ends)` as in [`Hierarchy::chains_into`]. A key this hierarchy never assigned
    /// is refused with [`HierarchyError::UnknownKey`].
    pub fn chains_of(&self, keys: &[u32]) -> Result<(Vec<u32>, Vec<u32>)> {
        self.check_keys(keys)?;
        let index = self.index();
        let mut out = Vec::with_capacity(keys.len() * 6);
        let mut ends = Vec::with_capacity(keys.len());
        for key in keys {
            out.extend(index.chain(NodeKey(*key)).iter().map(|k| k.0));
            ends.push(u32::try_from(out.len()).unwrap_or(u32::MAX));
        }
        Ok((out, ends))
    }

    /// The total length of the escalation chains of many units given as raw keys (a routing
    /// checksum); unknown keys are refused as in [`Hierarchy::chains_of`].
    pub fn chain_lengths(&self, keys: &[u32]) -> Result<usize> {
        self.check_keys(keys)?;
        let index = self.index();
        Ok(keys.iter().map(|k| index.chain(NodeKey(*k)).len()).sum())
    }

    /// The nearest strict ancestor of a kind of many units given as raw keys (`None` where
    /// there is none); unknown keys are refused as in [`Hierarchy::chains_of`].
    pub fn ancestors_of_kind(&self, keys: &[u32], kind: NodeKind) -> Result<Vec<Option<u32>>> {
        self.check_keys(keys)?;
        Ok(keys
            .iter()
            .map(|k| self.ancestor_key_of_kind(NodeKey(*k), kind).map(|a| a.0))
            .collect())
    }

    /// The depth of a territorial unit (0 for a root).
    pub fn depth(&self, key: NodeKey) -> Option<usize> {
        let chain = self.chain_keys(key);
        chain.len().checked_sub(1)
    }

    /// Whether `area` is `unit` or one of its ancestors (O(1)).
    pub fn is_within(&self, unit: NodeKey, area: NodeKey) -> bool {
        self.index().is_within(unit, area)
    }

    /// The nearest strict ancestor of a given kind.
    pub fn ancestor_of_kind(&self, id: &str, kind: NodeKind) -> Result<Option<&Node>> {
        let key = self.require(id)?;
        Ok(self
            .ancestor_key_of_kind(key, kind)
            .and_then(|k| self.node_by_key(k)))
    }

    /// The nearest strict ancestor of a given kind, by key.
    pub fn ancestor_key_of_kind(&self, key: NodeKey, kind: NodeKind) -> Option<NodeKey> {
        self.chain_keys(key)
            .iter()
            .skip(1)
            .find(|k| self.kind_of(**k) == Some(kind))
            .copied()
    }

    /// Every unit below this one (not itself) of a given kind, in depth-first order.
    pub fn descendants_of_kind(
        &self,
        id: &str,
        kind: NodeKind,
    ) -> Result<impl Iterator<Item = &Node> + '_> {
        let key = self.require(id)?;
        Ok(self
            .index()
            .descendants(key)
            .iter()
            .filter(move |k| self.kind_of(**k) == Some(kind))
            .filter_map(|k| self.node_by_key(*k)))
    }

    /// Every unit below this one (not itself), in depth-first order, as keys.
    pub fn descendant_keys(&self, key: NodeKey) -> &[NodeKey] {
        self.index().descendants(key)
    }

    /// The lowest common ancestor of two units (a unit is its own ancestor here), or `None`
    /// if they lie in different trees.
    pub fn lowest_common_ancestor(&self, a: &str, b: &str) -> Result<Option<&Node>> {
        let a = self.require(a)?;
        let b = self.require(b)?;
        Ok(self.lca_key(a, b).and_then(|k| self.node_by_key(k)))
    }

    /// The lowest common ancestor by key.
    pub fn lca_key(&self, a: NodeKey, b: NodeKey) -> Option<NodeKey> {
        let ca = self.chain_keys(a);
        let cb = self.chain_keys(b);
        // Chains run from the unit to the root: align them at the root end.
        let common = ca
            .iter()
            .rev()
            .zip(cb.iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        common
            .checked_sub(1)
            .and_then(|i| ca.iter().rev().nth(i))
            .copied()
    }

    /// The grid a unit belongs to: the unit itself if it is a grid, else the nearest grid
    /// above it (for a compound or a building); `None` above the grid level.
    pub fn grid_of(&self, id: &str) -> Result<Option<&Node>> {
        let key = self.require(id)?;
        Ok(self
            .chain_keys(key)
            .iter()
            .find(|k| self.kind_of(**k) == Some(NodeKind::Grid))
            .and_then(|k| self.node_by_key(*k)))
    }

    /// The Party organisation that leads a unit or an organisation: the one leading it
    /// directly, else (for a territorial unit) the nearest one up the escalation chain. If
    /// several lead the same node, the one added first wins.
    pub fn leading_party_org(&self, id: &str) -> Result<Option<&Node>> {
        let key = self.require(id)?;
        let index = self.index();
        Ok(index
            .led_by(key)
            .or_else(|| self.chain_keys(key).iter().find_map(|k| index.led_by(*k)))
            .and_then(|k| self.node_by_key(k)))
    }

    /// The people serving a unit (网格长, 网格员, …), in key order.
    pub fn staff(&self, id: &str) -> Result<impl Iterator<Item = &Node> + '_> {
        let key = self.require(id)?;
        Ok(self
            .index()
            .served_by(key)
            .iter()
            .filter(|k| self.kind_of(**k).is_some_and(|kind| kind.is_person()))
            .filter_map(|k| self.node_by_key(*k)))
    }

    /// Everyone serving a unit, people and organisations, as keys.
    pub fn served_by_keys(&self, key: NodeKey) -> &[NodeKey] {
        self.index().served_by(key)
    }

    /// The members of an organisation (people and organisations with a `member_of` edge to
    /// it), as keys in key order.
    pub fn member_keys(&self, organisation: NodeKey) -> &[NodeKey] {
        self.index().members(organisation)
    }

    /// The territorial units an actor acts for: a unit acts for itself; a person or an
    /// organisation for the units it serves; a Party organisation for the units it leads.
    pub fn acts_for(&self, actor: NodeKey) -> &[NodeKey] {
        self.index().acts_for(actor)
    }

    /// The departments with jurisdiction over a unit for a case category, inherited from
    /// the unit's ancestors, nearest first (each department once, at its nearest grant).
    pub fn departments_for(&self, id: &str, category: &str) -> Result<Vec<&Node>> {
        let key = self.require(id)?;
        let mut out = Vec::new();
        self.departments_for_key(key, category, &mut out);
        Ok(out
            .into_iter()
            .filter_map(|k| self.node_by_key(k))
            .collect())
    }

    /// [`Hierarchy::departments_for`] by key, appending to a caller's buffer.
    pub fn departments_for_key(&self, key: NodeKey, category: &str, out: &mut Vec<NodeKey>) {
        let index = self.index();
        for unit in self.chain_keys(key) {
            for (dept, patterns) in index.jurisdiction(*unit) {
                if patterns.iter().any(|p| category_matches(p, category)) && !out.contains(dept) {
                    out.push(*dept);
                }
            }
        }
    }

    /// The centres supervising a unit, directly or through a unit above it, nearest first.
    pub fn supervising_centres(&self, id: &str) -> Result<Vec<&Node>> {
        let key = self.require(id)?;
        let index = self.index();
        Ok(self.centres(key, |u| index.supervised_by(u)))
    }

    /// The centres commanding a unit, directly or through a unit above it, nearest first.
    pub fn commanding_centres(&self, id: &str) -> Result<Vec<&Node>> {
        let key = self.require(id)?;
        let index = self.index();
        Ok(self.centres(key, |u| index.commanded_by(u)))
    }

    fn centres<'a>(
        &'a self,
        key: NodeKey,
        row: impl Fn(NodeKey) -> &'a [NodeKey],
    ) -> Vec<&'a Node> {
        let mut out: Vec<NodeKey> = Vec::new();
        for u in self.chain_keys(key) {
            for c in row(*u) {
                if !out.contains(c) {
                    out.push(*c);
                }
            }
        }
        out.into_iter()
            .filter_map(|k| self.node_by_key(k))
            .collect()
    }

    /// The live nodes of a kind, in key order.
    pub fn nodes_of_kind(&self, kind: NodeKind) -> impl Iterator<Item = &Node> + '_ {
        self.nodes().filter(move |n| n.kind == kind)
    }

    /// The roots of the territorial forest (units without a parent), in key order.
    pub fn roots(&self) -> impl Iterator<Item = &Node> + '_ {
        self.index()
            .roots()
            .iter()
            .filter_map(|k| self.node_by_key(*k))
    }

    /// The targets of a node's outgoing edges of one kind (e.g. the units a grid worker
    /// serves), in key order.
    pub fn targets(&self, id: &str, kind: EdgeKind) -> Result<Vec<&Node>> {
        let (_, ix, _) = self.live(id)?;
        Ok(self.neighbours(ix, kind, Direction::Outgoing))
    }

    /// The sources of a node's incoming edges of one kind (e.g. the members of a Party
    /// branch), in key order.
    pub fn sources(&self, id: &str, kind: EdgeKind) -> Result<Vec<&Node>> {
        let (_, ix, _) = self.live(id)?;
        Ok(self.neighbours(ix, kind, Direction::Incoming))
    }

    fn neighbours(&self, ix: NodeIndex, kind: EdgeKind, dir: Direction) -> Vec<&Node> {
        let mut out: Vec<&NodeData> = self
            .graph
            .edges_directed(ix, dir)
            .filter(|e| e.weight().kind == kind)
            .filter_map(|e| {
                let other = if dir == Direction::Outgoing {
                    e.target()
                } else {
                    e.source()
                };
                self.graph.node_weight(other)
            })
            .collect();
        out.sort_by_key(|d| d.key);
        out.into_iter().map(|d| &d.node).collect()
    }
}
