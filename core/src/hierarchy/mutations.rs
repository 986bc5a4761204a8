//! Mutating a [`Hierarchy`]: adding nodes, connecting and disconnecting them, moving,
//! renaming and removing, each checked against the invariants (ids unique, containment a
//! tree that respects the level order, edges between the right kinds) and refused with the
//! graph unchanged.

use super::*;

impl Hierarchy {
    /// Adds a node. Refused if the id is already used by a live node.
    ///
    /// Re-adding an id that was removed gives it back its old key.
    pub fn add_node(&mut self, node: Node) -> Result<NodeKey> {
        if let Some(p) = &node.location {
            p.check(node.id.as_str())?;
        }
        if let Some(b) = &node.boundary {
            boundary::check_boundary(node.id.as_str(), b)?;
        }
        if self.key(node.id.as_str()).is_some() {
            return Err(HierarchyError::DuplicateId {
                id: node.id.to_string(),
            });
        }
        let key = match self.by_id.get(&self.slots, node.id.as_str()) {
            Some(k) => k,
            None => {
                let raw = u32::try_from(self.slots.len()).map_err(|_| {
                    HierarchyError::CapacityExceeded {
                        limit: u32::MAX as usize,
                    }
                })?;
                NodeKey(raw)
            }
        };
        let kind = node.kind;
        let id = node.id.clone();
        let ix = self.graph.add_node(NodeData { key, node });
        if key.index() == self.slots.len() {
            self.slots.push(Slot {
                id,
                kind,
                index: Some(ix),
            });
            self.by_id.insert(&self.slots, key);
        } else if let Some(slot) = self.slots.get_mut(key.index()) {
            slot.kind = kind;
            slot.index = Some(ix);
        }
        self.invalidate();
        Ok(key)
    }

    /// Adds a node from an id, a kind and a name.
    pub fn add(&mut self, id: &str, kind: NodeKind, name: &str) -> Result<NodeKey> {
        self.add_node(Node::new(id, kind, name)?)
    }

    /// Adds an edge of any kind after checking every invariant.
    pub fn connect(&mut self, edge: &Edge) -> Result<()> {
        let (from_key, from_ix, from_kind) = self.live(edge.from.as_str())?;
        let (to_key, to_ix, to_kind) = self.live(edge.to.as_str())?;
        if edge.kind != EdgeKind::Jurisdiction && !edge.categories.is_empty() {
            return Err(HierarchyError::UnexpectedCategories {
                edge: edge.kind,
                from: edge.from.to_string(),
                to: edge.to.to_string(),
            });
        }
        kinds::check_edge_kinds(edge.kind, from_kind, to_kind).map_err(|rule| {
            HierarchyError::EdgeKinds {
                edge: edge.kind,
                from: edge.from.to_string(),
                from_kind,
                to: edge.to.to_string(),
                to_kind,
                rule,
            }
        })?;
        if from_key == to_key {
            return Err(match edge.kind {
                EdgeKind::Contains => HierarchyError::ContainmentCycle {
                    parent: edge.from.to_string(),
                    child: edge.to.to_string(),
                },
                _ => HierarchyError::EdgeKinds {
                    edge: edge.kind,
                    from: edge.from.to_string(),
                    from_kind,
                    to: edge.to.to_string(),
                    to_kind,
                    rule: "an edge cannot connect a node to itself",
                },
            });
        }
        if self.find_edge(from_ix, to_ix, edge.kind).is_some() {
            return Err(HierarchyError::DuplicateEdge {
                edge: edge.kind,
                from: edge.from.to_string(),
                to: edge.to.to_string(),
            });
        }
        let categories: Box<[String]> = match edge.kind {
            EdgeKind::Jurisdiction => {
                if edge.categories.is_empty() {
                    return Err(HierarchyError::EmptyJurisdiction {
                        department: edge.from.to_string(),
                        unit: edge.to.to_string(),
                    });
                }
                for c in &edge.categories {
                    check_category_pattern(c)?;
                }
                edge.categories.clone().into_boxed_slice()
            }
            _ => Box::default(),
        };
        if edge.kind == EdgeKind::Contains {
            self.check_containment(from_ix, to_ix, &edge.from, &edge.to)?;
            self.check_boundary_within(to_key, from_key)?;
        }
        self.graph.add_edge(
            from_ix,
            to_ix,
            EdgeData {
                kind: edge.kind,
                categories,
            },
        );
        self.invalidate();
        Ok(())
    }

    /// Checks that a unit's boundary lies inside the one of the parent it is being put under
    /// (when both have one).
    fn check_boundary_within(&self, child: NodeKey, parent: NodeKey) -> Result<()> {
        match self.node_by_key(child).and_then(|n| n.boundary.as_ref()) {
            Some(b) => self.check_inside(child, b, parent),
            None => Ok(()),
        }
    }

    fn check_containment(
        &self,
        parent_ix: NodeIndex,
        child_ix: NodeIndex,
        parent: &NodeId,
        child: &NodeId,
    ) -> Result<()> {
        self.check_cycle_and_level(parent_ix, child_ix, parent.as_str(), child.as_str())?;
        if let Some(existing) = self.parent_ix(child_ix) {
            let existing = self
                .graph
                .node_weight(existing)
                .map(|d| d.node.id.to_string())
                .unwrap_or_default();
            return Err(HierarchyError::AlreadyContained {
                child: child.to_string(),
                parent: parent.to_string(),
                existing_parent: existing,
            });
        }
        Ok(())
    }

    fn check_cycle_and_level(
        &self,
        parent_ix: NodeIndex,
        child_ix: NodeIndex,
        parent: &str,
        child: &str,
    ) -> Result<()> {
        // A cycle: the child is the parent or one of its ancestors.
        let mut cursor = Some(parent_ix);
        while let Some(ix) = cursor {
            if ix == child_ix {
                return Err(HierarchyError::ContainmentCycle {
                    parent: parent.to_owned(),
                    child: child.to_owned(),
                });
            }
            cursor = self.parent_ix(ix);
        }
        let parent_kind = self.kind_at(parent_ix);
        let child_kind = self.kind_at(child_ix);
        match (parent_kind.level(), child_kind.level()) {
            (Some(p), Some(c)) if c > p => Ok(()),
            _ => Err(HierarchyError::LevelOrder {
                parent: parent.to_owned(),
                parent_kind,
                child: child.to_owned(),
                child_kind,
            }),
        }
    }

    fn kind_at(&self, ix: NodeIndex) -> NodeKind {
        self.graph
            .node_weight(ix)
            .map(|d| d.node.kind)
            .unwrap_or(NodeKind::Building)
    }

    fn parent_ix(&self, ix: NodeIndex) -> Option<NodeIndex> {
        self.graph
            .edges_directed(ix, Direction::Incoming)
            .find(|e| e.weight().kind == EdgeKind::Contains)
            .map(|e| e.source())
    }

    fn find_edge(&self, from: NodeIndex, to: NodeIndex, kind: EdgeKind) -> Option<EdgeIndex> {
        self.graph
            .edges_connecting(from, to)
            .find(|e| e.weight().kind == kind)
            .map(|e| e.id())
    }

    /// `parent` contains `child` (territorial containment, 包含).
    pub fn contain(&mut self, parent: &str, child: &str) -> Result<()> {
        self.connect(&edge(EdgeKind::Contains, parent, child)?)
    }

    /// A Party committee or branch leads a unit or an organisation (领导).
    pub fn lead(&mut self, party_org: &str, target: &str) -> Result<()> {
        self.connect(&edge(EdgeKind::Leads, party_org, target)?)
    }

    /// A person or an organisation serves a territorial unit (服务/负责): a grid worker a
    /// grid, a property manager a compound.
    pub fn serve(&mut self, who: &str, unit: &str) -> Result<()> {
        self.connect(&edge(EdgeKind::Serves, who, unit)?)
    }

    /// A person or an organisation is a member of an organisation.
    pub fn join(&mut self, member: &str, organisation: &str) -> Result<()> {
        self.connect(&edge(EdgeKind::MemberOf, member, organisation)?)
    }

    /// A department gets jurisdiction over a unit (and everything it contains) for some case
    /// categories.
    pub fn grant_jurisdiction(
        &mut self,
        department: &str,
        unit: &str,
        categories: &[&str],
    ) -> Result<()> {
        let mut e = edge(EdgeKind::Jurisdiction, department, unit)?;
        e.categories = categories.iter().map(|c| (*c).to_owned()).collect();
        self.connect(&e)
    }

    /// A centre (an operations or hotline centre) supervises a unit and everything it
    /// contains (监督: files, verifies, closes, makes the return visit; see
    /// [`crate::ticket::authority`]).
    pub fn supervise(&mut self, centre: &str, unit: &str) -> Result<()> {
        self.connect(&edge(EdgeKind::Supervises, centre, unit)?)
    }

    /// A centre commands a unit and everything it contains (指挥: dispatches, decides
    /// extensions and suspensions, sets deadlines).
    pub fn command(&mut self, centre: &str, unit: &str) -> Result<()> {
        self.connect(&edge(EdgeKind::Commands, centre, unit)?)
    }

    /// Removes an edge.
    pub fn disconnect(&mut self, kind: EdgeKind, from: &str, to: &str) -> Result<()> {
        let (_, from_ix, _) = self.live(from)?;
        let (_, to_ix, _) = self.live(to)?;
        let e =
            self.find_edge(from_ix, to_ix, kind)
                .ok_or_else(|| HierarchyError::UnknownEdge {
                    edge: kind,
                    from: from.to_owned(),
                    to: to.to_owned(),
                })?;
        self.graph.remove_edge(e);
        self.invalidate();
        Ok(())
    }

    /// Removes a node and all its edges. Refused while it still contains other units.
    ///
    /// The id keeps its key: records that mention it (tickets, logs) still resolve.
    pub fn remove(&mut self, id: &str) -> Result<Node> {
        let (key, ix, _) = self.live(id)?;
        let children = self
            .graph
            .edges_directed(ix, Direction::Outgoing)
            .filter(|e| e.weight().kind == EdgeKind::Contains)
            .count();
        if children > 0 {
            return Err(HierarchyError::NotEmpty {
                id: id.to_owned(),
                children,
            });
        }
        let data = self
            .graph
            .remove_node(ix)
            .ok_or_else(|| HierarchyError::UnknownId { id: id.to_owned() })?;
        if let Some(slot) = self.slots.get_mut(key.index()) {
            slot.index = None;
        }
        self.invalidate();
        Ok(data.node)
    }

    /// Moves a unit (with everything it contains) under a new parent (划转).
    pub fn move_to(&mut self, child: &str, new_parent: &str) -> Result<()> {
        let (_, child_ix, child_kind) = self.live(child)?;
        let (_, parent_ix, parent_kind) = self.live(new_parent)?;
        kinds::check_edge_kinds(EdgeKind::Contains, parent_kind, child_kind).map_err(|rule| {
            HierarchyError::EdgeKinds {
                edge: EdgeKind::Contains,
                from: new_parent.to_owned(),
                from_kind: parent_kind,
                to: child.to_owned(),
                to_kind: child_kind,
                rule,
            }
        })?;
        self.check_cycle_and_level(parent_ix, child_ix, new_parent, child)?;
        self.check_boundary_within(self.require(child)?, self.require(new_parent)?)?;
        let old = self
            .graph
            .edges_directed(child_ix, Direction::Incoming)
            .find(|e| e.weight().kind == EdgeKind::Contains)
            .map(|e| e.id());
        if let Some(e) = old {
            self.graph.remove_edge(e);
        }
        self.graph.add_edge(
            parent_ix,
            child_ix,
            EdgeData {
                kind: EdgeKind::Contains,
                categories: Box::default(),
            },
        );
        self.invalidate();
        Ok(())
    }

    /// Renames a node.
    pub fn rename(&mut self, id: &str, name: &str) -> Result<()> {
        let (_, ix, _) = self.live(id)?;
        if let Some(d) = self.graph.node_weight_mut(ix) {
            d.node.name = name.to_owned();
        }
        Ok(())
    }

    /// Sets or clears the address and location of a node.
    pub fn set_place(
        &mut self,
        id: &str,
        address: Option<String>,
        location: Option<GeoPoint>,
    ) -> Result<()> {
        let (_, ix, _) = self.live(id)?;
        if let Some(p) = &location {
            p.check(id)?;
        }
        if let Some(d) = self.graph.node_weight_mut(ix) {
            d.node.address = address;
            d.node.location = location;
        }
        Ok(())
    }
}

fn edge(kind: EdgeKind, from: &str, to: &str) -> Result<Edge> {
    Ok(Edge {
        kind,
        from: NodeId::new(from)?,
        to: NodeId::new(to)?,
        categories: Vec::new(),
    })
}

fn check_category_pattern(pattern: &str) -> Result<()> {
    let ok = pattern == "*"
        || (!pattern.is_empty()
            && pattern.split('.').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            }));
    if ok {
        Ok(())
    } else {
        Err(HierarchyError::InvalidCategory {
            category: pattern.to_owned(),
        })
    }
}
