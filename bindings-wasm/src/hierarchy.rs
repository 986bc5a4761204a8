//! The governance hierarchy as a long-lived handle.

use std::sync::Arc;

use wangge::hierarchy::{
    DivisionRow, Edge, EdgeKind, GeoPoint, Hierarchy as Core, NodeKey, NodeKind,
};
use wasm_bindgen::prelude::*;

use crate::convert::{err, from_js, malformed, to_js, whole};
use crate::types::*;

/// The governance hierarchy (治理体系): units, organisations and people, and the edges
/// between them. Mutations are checked; a refused one throws a `WanggeError` and changes
/// nothing.
#[wasm_bindgen]
pub struct Hierarchy {
    pub(crate) inner: Arc<Core>,
}

fn kind(value: JsValue) -> Result<NodeKind, JsValue> {
    match value.as_string() {
        Some(name) => name.parse().map_err(err),
        None => from_js(value),
    }
}

fn edge_kind(value: JsValue) -> Result<EdgeKind, JsValue> {
    match value.as_string() {
        Some(name) => name.parse().map_err(err),
        None => from_js(value),
    }
}

impl Hierarchy {
    fn get(&self) -> &Core {
        &self.inner
    }

    fn edit(&mut self) -> &mut Core {
        Arc::make_mut(&mut self.inner)
    }
}

fn nodes_js<'a>(
    nodes: impl Iterator<Item = &'a wangge::hierarchy::Node>,
) -> Result<JsNodes, JsValue> {
    let v: Vec<&wangge::hierarchy::Node> = nodes.collect();
    Ok(to_js(&v)?.unchecked_into())
}

fn node_js(node: Option<&wangge::hierarchy::Node>) -> Result<JsNodeOpt, JsValue> {
    Ok(match node {
        Some(n) => to_js(n)?,
        None => JsValue::UNDEFINED,
    }
    .unchecked_into())
}

#[wasm_bindgen]
impl Hierarchy {
    /// An empty hierarchy.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Hierarchy {
        Hierarchy {
            inner: Arc::new(Core::new()),
        }
    }

    /// A hierarchy from its JSON document (an object or JSON text), checking every invariant.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(document: JsHierarchyDocument) -> Result<Hierarchy, JsValue> {
        let text = crate::convert::json_text(document.into())?;
        let h = Core::from_json(&text).map_err(err)?;
        Ok(Hierarchy { inner: Arc::new(h) })
    }

    /// A copy (handles are independent).
    #[wasm_bindgen(js_name = clone)]
    pub fn clone_handle(&self) -> Hierarchy {
        Hierarchy {
            inner: Arc::new(self.get().clone()),
        }
    }

    /// The nodes without a parent (the tops of the territorial tree and free-standing nodes).
    pub fn roots(&self) -> Result<JsNodes, JsValue> {
        nodes_js(self.get().roots())
    }

    /// The number of nodes.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.get().len()
    }

    /// The number of edges.
    #[wasm_bindgen(getter, js_name = edgeCount)]
    pub fn edge_count(&self) -> usize {
        self.get().edge_count()
    }

    /// Adds a node.
    pub fn add(&mut self, id: &str, kind: JsNodeKind, name: &str) -> Result<(), JsValue> {
        let k = self::kind(kind.into())?;
        self.edit().add(id, k, name).map(|_| ()).map_err(err)
    }

    /// Adds a node given as an object (with its address and location).
    #[wasm_bindgen(js_name = addNode)]
    pub fn add_node(&mut self, node: JsNode) -> Result<(), JsValue> {
        let n = from_js(node.into())?;
        self.edit().add_node(n).map(|_| ()).map_err(err)
    }

    /// `parent` contains `child`.
    pub fn contain(&mut self, parent: &str, child: &str) -> Result<(), JsValue> {
        self.edit().contain(parent, child).map_err(err)
    }

    /// A Party organisation leads a unit or an organisation.
    pub fn lead(&mut self, party_org: &str, target: &str) -> Result<(), JsValue> {
        self.edit().lead(party_org, target).map_err(err)
    }

    /// A person or an organisation serves a unit.
    pub fn serve(&mut self, who: &str, unit: &str) -> Result<(), JsValue> {
        self.edit().serve(who, unit).map_err(err)
    }

    /// A person or an organisation joins an organisation.
    pub fn join(&mut self, member: &str, organisation: &str) -> Result<(), JsValue> {
        self.edit().join(member, organisation).map_err(err)
    }

    /// A centre (`operations_centre` or `hotline_centre`) supervises a unit and everything
    /// it contains (监督: files, verifies, closes, makes the return visit).
    pub fn supervise(&mut self, centre: &str, unit: &str) -> Result<(), JsValue> {
        self.edit().supervise(centre, unit).map_err(err)
    }

    /// A centre commands a unit and everything it contains (指挥: dispatches, decides
    /// extensions and suspensions, sets deadlines).
    pub fn command(&mut self, centre: &str, unit: &str) -> Result<(), JsValue> {
        self.edit().command(centre, unit).map_err(err)
    }

    /// The centres supervising a unit, directly or through a unit above it, nearest first.
    #[wasm_bindgen(js_name = supervisingCentres)]
    pub fn supervising_centres(&self, id: &str) -> Result<JsNodes, JsValue> {
        nodes_js(self.get().supervising_centres(id).map_err(err)?.into_iter())
    }

    /// The centres commanding a unit, directly or through a unit above it, nearest first.
    #[wasm_bindgen(js_name = commandingCentres)]
    pub fn commanding_centres(&self, id: &str) -> Result<JsNodes, JsValue> {
        nodes_js(self.get().commanding_centres(id).map_err(err)?.into_iter())
    }

    /// A department gets jurisdiction over a unit for case categories.
    #[wasm_bindgen(js_name = grantJurisdiction)]
    pub fn grant_jurisdiction(
        &mut self,
        department: &str,
        unit: &str,
        categories: Vec<String>,
    ) -> Result<(), JsValue> {
        let c: Vec<&str> = categories.iter().map(String::as_str).collect();
        self.edit()
            .grant_jurisdiction(department, unit, &c)
            .map_err(err)
    }

    /// Adds an edge given as an object.
    pub fn connect(&mut self, edge: JsEdge) -> Result<(), JsValue> {
        let e: Edge = from_js(edge.into())?;
        self.edit().connect(&e).map_err(err)
    }

    /// Removes an edge.
    pub fn disconnect(&mut self, kind: JsEdgeKind, from: &str, to: &str) -> Result<(), JsValue> {
        let k = edge_kind(kind.into())?;
        self.edit().disconnect(k, from, to).map_err(err)
    }

    /// Removes a node (refused while it contains others) and returns it.
    pub fn remove(&mut self, id: &str) -> Result<JsNode, JsValue> {
        let n = self.edit().remove(id).map_err(err)?;
        Ok(to_js(&n)?.unchecked_into())
    }

    /// Moves a unit under a new parent.
    #[wasm_bindgen(js_name = moveTo)]
    pub fn move_to(&mut self, child: &str, new_parent: &str) -> Result<(), JsValue> {
        self.edit().move_to(child, new_parent).map_err(err)
    }

    /// Renames a node.
    pub fn rename(&mut self, id: &str, name: &str) -> Result<(), JsValue> {
        self.edit().rename(id, name).map_err(err)
    }

    /// An empty hierarchy whose locations and boundaries are in `system` (`"wgs84"`,
    /// `"gcj02"` or `"bd09"`; `new Hierarchy()` is WGS-84).
    #[wasm_bindgen(js_name = withCoordinateSystem)]
    pub fn with_coordinate_system(system: JsCoordSystem) -> Result<Hierarchy, JsValue> {
        let system = crate::geo::system(system.into())?;
        Ok(Hierarchy {
            inner: Arc::new(Core::with_coordinate_system(system)),
        })
    }

    /// The coordinate system of the locations and boundaries.
    #[wasm_bindgen(getter, js_name = coordinateSystem)]
    pub fn coordinate_system(&self) -> JsCoordSystem {
        JsValue::from_str(self.get().coordinate_system().as_str()).unchecked_into()
    }

    /// Sets or clears (`null`) a unit's boundary: a GeoJSON `Polygon` or `MultiPolygon` of
    /// `[longitude, latitude]` positions in the hierarchy's coordinate system. Throws
    /// (`hierarchy.invalid_boundary`, `hierarchy.boundary_outside_parent`) with nothing
    /// changed if a ring is not closed or the unit would leave its parent.
    #[wasm_bindgen(js_name = setBoundary)]
    pub fn set_boundary(&mut self, id: &str, boundary: Option<JsBoundary>) -> Result<(), JsValue> {
        let b: JsValue = crate::convert::opt(boundary);
        let b = if b.is_undefined() || b.is_null() {
            None
        } else {
            Some(from_js(b)?)
        };
        self.edit().set_boundary(id, b).map_err(err)
    }

    /// The id of the innermost unit whose boundary contains the point (`lat`, `lng` in
    /// `system`, converted into the hierarchy's), or `undefined`. A point on an edge two
    /// units share belongs to the one east of it (north of an east–west edge).
    pub fn locate(
        &self,
        lat: f64,
        lng: f64,
        system: JsCoordSystem,
    ) -> Result<Option<String>, JsValue> {
        let system = crate::geo::system(system.into())?;
        let point = wangge::geo::MapPoint::new(system, lat, lng).map_err(err)?;
        let h = self.get();
        Ok(h.locate(point)
            .and_then(|k| h.id(k))
            .map(ToString::to_string))
    }

    /// Sets a node's address and location.
    #[wasm_bindgen(js_name = setPlace)]
    pub fn set_place(
        &mut self,
        id: &str,
        address: Option<String>,
        location: Option<JsGeoPoint>,
    ) -> Result<(), JsValue> {
        let loc: JsValue = crate::convert::opt(location);
        let loc: Option<GeoPoint> = if loc.is_undefined() || loc.is_null() {
            None
        } else {
            Some(from_js(loc)?)
        };
        self.edit().set_place(id, address, loc).map_err(err)
    }

    /// Imports statistical division codes; bad rows are reported, good rows kept.
    #[wasm_bindgen(js_name = importDivisionCodes)]
    pub fn import_division_codes(
        &mut self,
        rows: JsDivisionRows,
    ) -> Result<JsDivisionImport, JsValue> {
        let rows: Vec<DivisionRow> = from_js(rows.into())?;
        let report = self.edit().import_division_codes(&rows);
        let errors: Vec<serde_json::Value> = report
            .errors
            .iter()
            .map(|e| {
                serde_json::json!({"row": e.row, "code": e.error.code(), "message": e.error.to_string()})
            })
            .collect();
        Ok(to_js(&serde_json::json!({"added": report.added, "errors": errors}))?.unchecked_into())
    }

    /// A node by id.
    pub fn node(&self, id: &str) -> Result<JsNodeOpt, JsValue> {
        node_js(self.get().node(id))
    }

    /// Whether a node exists.
    pub fn has(&self, id: &str) -> bool {
        self.get().key(id).is_some()
    }

    /// Every node in insertion order.
    pub fn nodes(&self) -> Result<JsNodes, JsValue> {
        nodes_js(self.get().nodes())
    }

    /// The nodes of a kind.
    #[wasm_bindgen(js_name = nodesOfKind)]
    pub fn nodes_of_kind(&self, kind: JsNodeKind) -> Result<JsNodes, JsValue> {
        let k = self::kind(kind.into())?;
        nodes_js(self.get().nodes_of_kind(k))
    }

    /// Every edge.
    pub fn edges(&self) -> Result<JsEdges, JsValue> {
        Ok(to_js(&self.get().edges())?.unchecked_into())
    }

    /// The containing unit.
    pub fn parent(&self, id: &str) -> Result<JsNodeOpt, JsValue> {
        node_js(self.get().parent(id).map_err(err)?)
    }

    /// The contained units.
    pub fn children(&self, id: &str) -> Result<JsNodes, JsValue> {
        nodes_js(self.get().children(id).map_err(err)?)
    }

    /// The escalation chain: the unit, then every ancestor up to the root.
    pub fn chain(&self, id: &str) -> Result<JsNodes, JsValue> {
        nodes_js(self.get().chain(id).map_err(err)?)
    }

    /// The nearest strict ancestor of a kind.
    #[wasm_bindgen(js_name = ancestorOfKind)]
    pub fn ancestor_of_kind(&self, id: &str, kind: JsNodeKind) -> Result<JsNodeOpt, JsValue> {
        let k = self::kind(kind.into())?;
        node_js(self.get().ancestor_of_kind(id, k).map_err(err)?)
    }

    /// Every unit below of a kind.
    #[wasm_bindgen(js_name = descendantsOfKind)]
    pub fn descendants_of_kind(&self, id: &str, kind: JsNodeKind) -> Result<JsNodes, JsValue> {
        let k = self::kind(kind.into())?;
        nodes_js(self.get().descendants_of_kind(id, k).map_err(err)?)
    }

    /// The lowest common ancestor of two units.
    #[wasm_bindgen(js_name = lowestCommonAncestor)]
    pub fn lowest_common_ancestor(&self, a: &str, b: &str) -> Result<JsNodeOpt, JsValue> {
        node_js(self.get().lowest_common_ancestor(a, b).map_err(err)?)
    }

    /// The grid a compound or building belongs to.
    #[wasm_bindgen(js_name = gridOf)]
    pub fn grid_of(&self, id: &str) -> Result<JsNodeOpt, JsValue> {
        node_js(self.get().grid_of(id).map_err(err)?)
    }

    /// The Party organisation leading a unit (nearest up the chain).
    #[wasm_bindgen(js_name = leadingPartyOrg)]
    pub fn leading_party_org(&self, id: &str) -> Result<JsNodeOpt, JsValue> {
        node_js(self.get().leading_party_org(id).map_err(err)?)
    }

    /// The people serving a unit.
    pub fn staff(&self, id: &str) -> Result<JsNodes, JsValue> {
        nodes_js(self.get().staff(id).map_err(err)?)
    }

    /// The departments with jurisdiction over a unit for a category, nearest first.
    #[wasm_bindgen(js_name = departmentsFor)]
    pub fn departments_for(&self, id: &str, category: &str) -> Result<JsNodes, JsValue> {
        let v = self.get().departments_for(id, category).map_err(err)?;
        nodes_js(v.into_iter())
    }

    /// The targets of a node's outgoing edges of a kind.
    pub fn targets(&self, id: &str, kind: JsEdgeKind) -> Result<JsNodes, JsValue> {
        let k = edge_kind(kind.into())?;
        nodes_js(self.get().targets(id, k).map_err(err)?.into_iter())
    }

    /// The sources of a node's incoming edges of a kind.
    pub fn sources(&self, id: &str, kind: JsEdgeKind) -> Result<JsNodes, JsValue> {
        let k = edge_kind(kind.into())?;
        nodes_js(self.get().sources(id, k).map_err(err)?.into_iter())
    }

    /// The compact key of a node (for the typed-array entry points).
    #[wasm_bindgen(js_name = keyOf)]
    pub fn key_of(&self, id: &str) -> Result<u32, JsValue> {
        self.get()
            .key(id)
            .map(NodeKey::raw)
            .ok_or_else(|| err(wangge::hierarchy::HierarchyError::UnknownId { id: id.to_owned() }))
    }

    /// The keys of many nodes at once.
    #[wasm_bindgen(js_name = keysOf)]
    pub fn keys_of(&self, ids: Vec<String>) -> Result<Vec<u32>, JsValue> {
        ids.iter().map(|id| self.key_of(id)).collect()
    }

    /// The id of a key.
    #[wasm_bindgen(js_name = idOf)]
    pub fn id_of(&self, key: f64) -> Result<String, JsValue> {
        let key = whole(key, "idOf: key", u32::MAX)?;
        self.get()
            .id(NodeKey::from_index(key))
            .map(|id| id.to_string())
            .ok_or_else(|| malformed(&format!("no node with key {key}")))
    }

    /// The escalation chains of many units in one call: `chains` holds them one after
    /// another as keys, and chain `i` ends at `ends[i]`.
    #[wasm_bindgen(js_name = chainsOf)]
    pub fn chains_of(&self, keys: &[u32]) -> Result<JsChainBuffer, JsValue> {
        let (chains, ends) = self.get().chains_of(keys).map_err(err)?;
        let obj = js_sys::Object::new();
        js_sys::Reflect::set(
            &obj,
            &"chains".into(),
            &js_sys::Uint32Array::from(&chains[..]),
        )?;
        js_sys::Reflect::set(&obj, &"ends".into(), &js_sys::Uint32Array::from(&ends[..]))?;
        Ok(JsValue::from(obj).unchecked_into())
    }

    /// The total length of the escalation chains of many units (a routing checksum that
    /// needs no output buffer).
    #[wasm_bindgen(js_name = chainLengths)]
    pub fn chain_lengths(&self, keys: &[u32]) -> Result<f64, JsValue> {
        self.get()
            .chain_lengths(keys)
            .map(|n| n as f64)
            .map_err(err)
    }
}

crate::convert::document_methods!(Hierarchy, JsHierarchyDocumentOut, |h| h.get());
