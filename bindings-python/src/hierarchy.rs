//! The governance hierarchy as a shared handle.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use wangge::hierarchy::{
    DivisionRow, Edge, EdgeKind, GeoPoint, Hierarchy as Core, Node, NodeKey, NodeKind,
};

use crate::convert::{array_of_bytes, plain, str_keys, to_py, u32_array, u32_column, u32s};
use crate::errors::{error_object, guard, malformed, IntoPyResult};
use crate::shared::Shared;

/// The governance hierarchy (治理体系): units, organisations and people, and the edges
/// between them. Mutations are checked; a refused one raises and changes nothing.
/// Safe to share between threads.
#[pyclass(frozen, module = "wangge._wangge")]
pub struct Hierarchy {
    pub(crate) inner: Shared<Arc<Core>>,
}

impl Hierarchy {
    pub(crate) fn wrap(h: Arc<Core>) -> Hierarchy {
        Hierarchy {
            inner: Shared::new(h),
        }
    }

    /// The current value (a cheap copy-on-write handle).
    pub(crate) fn arc(&self, py: Python<'_>) -> Arc<Core> {
        self.inner.read(py, Arc::clone)
    }

    fn edit<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Core) -> Result<R, wangge::hierarchy::HierarchyError> + Send,
    ) -> PyResult<R> {
        self.inner.write(py, |h| f(Arc::make_mut(h))).py()
    }
}

fn nodes<'py, 'a>(
    py: Python<'py>,
    it: impl Iterator<Item = &'a Node>,
) -> PyResult<Bound<'py, PyAny>> {
    let v: Vec<&Node> = it.collect();
    to_py(py, &v)
}

fn node_opt<'py>(py: Python<'py>, n: Option<&Node>) -> PyResult<Bound<'py, PyAny>> {
    match n {
        Some(n) => to_py(py, n),
        None => Ok(py.None().into_bound(py)),
    }
}

fn kind(k: &str) -> PyResult<NodeKind> {
    k.parse().py()
}

fn edge_kind(k: &str) -> PyResult<EdgeKind> {
    k.parse().py()
}

#[pymethods]
impl Hierarchy {
    /// An empty hierarchy, whose locations and boundaries are in `coordinate_system`
    /// (`"wgs84"`, the default, `"gcj02"` or `"bd09"`).
    #[new]
    #[pyo3(signature = (coordinate_system = "wgs84"))]
    fn new(coordinate_system: &str) -> PyResult<Hierarchy> {
        guard(|| {
            let system: wangge::geo::CoordSystem = coordinate_system.parse().py()?;
            Ok(Hierarchy::wrap(Arc::new(Core::with_coordinate_system(
                system,
            ))))
        })
    }

    /// The coordinate system of the locations and boundaries.
    #[getter]
    fn coordinate_system(&self, py: Python<'_>) -> &'static str {
        self.inner.read(py, |h| h.coordinate_system().as_str())
    }

    /// Sets or clears (`None`) a unit's boundary: a GeoJSON `Polygon` or `MultiPolygon` dict
    /// of `[longitude, latitude]` positions in the hierarchy's coordinate system. Refused
    /// (`hierarchy.invalid_boundary`, `hierarchy.boundary_outside_parent`) with nothing
    /// changed if a ring is not closed or the unit would leave its parent.
    #[pyo3(signature = (id, boundary))]
    fn set_boundary(
        &self,
        py: Python<'_>,
        id: &str,
        boundary: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        guard(|| {
            let b: Option<wangge::hierarchy::Boundary> = match boundary {
                Some(b) if !b.is_none() => Some(plain(b)?),
                _ => None,
            };
            self.edit(py, |h| h.set_boundary(id, b))
        })
    }

    /// The id of the innermost unit whose boundary contains the point (`lat`, `lng` in
    /// `system`, converted into the hierarchy's), or `None`. A point on an edge two units
    /// share belongs to the one east of it (north of an east–west edge).
    #[pyo3(signature = (lat, lng, system = "wgs84"))]
    fn locate(&self, py: Python<'_>, lat: f64, lng: f64, system: &str) -> PyResult<Option<String>> {
        guard(|| {
            let system: wangge::geo::CoordSystem = system.parse().py()?;
            let point = wangge::geo::MapPoint::new(system, lat, lng).py()?;
            Ok(self.inner.read(py, |h| {
                h.locate(point)
                    .and_then(|k| h.id(k))
                    .map(ToString::to_string)
            }))
        })
    }

    /// A hierarchy from its JSON document (a dict, or JSON text), checking every invariant.
    #[staticmethod]
    fn from_json(document: &Bound<'_, PyAny>) -> PyResult<Hierarchy> {
        guard(|| {
            // Dicts go through the JSON text too, so a bad document gets the same typed
            // error as in Rust and JS.
            let text = crate::escalation::json_text(document)?;
            let h = document.py().detach(|| Core::from_json(&text)).py()?;
            Ok(Hierarchy::wrap(Arc::new(h)))
        })
    }

    /// The JSON document (`wangge.hierarchy` version 1) as a dict.
    fn to_document<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let d = self.inner.read(py, |h| h.to_document());
            to_py(py, &d)
        })
    }

    /// The JSON document as text (`indent=True` for a pretty one).
    #[pyo3(signature = (*, indent = false))]
    fn to_json(&self, py: Python<'_>, indent: bool) -> PyResult<String> {
        guard(|| {
            Ok(self.inner.read(py, |h| {
                if indent {
                    h.to_json_pretty()
                } else {
                    h.to_json()
                }
            }))
        })
    }

    /// An independent copy.
    fn copy(&self, py: Python<'_>) -> Hierarchy {
        Hierarchy::wrap(Arc::new((*self.arc(py)).clone()))
    }

    fn __copy__(&self, py: Python<'_>) -> Hierarchy {
        self.copy(py)
    }

    fn __deepcopy__(&self, py: Python<'_>, _memo: &Bound<'_, PyAny>) -> Hierarchy {
        self.copy(py)
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let ctor = py.get_type::<Hierarchy>().getattr("from_json")?;
        let text = self.inner.read(py, |h| h.to_json());
        PyTuple::new(py, [ctor, PyTuple::new(py, [text])?.into_any()])
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<Hierarchy>() {
            Ok(o) => {
                let (a, b) = (self.arc(py), o.get().arc(py));
                Arc::ptr_eq(&a, &b) || a.to_document() == b.to_document()
            }
            Err(_) => false,
        }
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.inner.read(py, |h| h.len())
    }

    fn __contains__(&self, py: Python<'_>, id: &str) -> bool {
        self.inner.read(py, |h| h.key(id).is_some())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        self.inner.read(py, |h| {
            format!("Hierarchy(nodes={}, edges={})", h.len(), h.edge_count())
        })
    }

    /// The number of edges.
    #[getter]
    fn edge_count(&self, py: Python<'_>) -> usize {
        self.inner.read(py, |h| h.edge_count())
    }

    /// Adds a node of a kind (`"city"`, `"district"`, `"street"`, `"community"`, `"grid"`, …).
    #[pyo3(signature = (id, kind, name))]
    fn add(&self, py: Python<'_>, id: &str, kind: &str, name: &str) -> PyResult<()> {
        guard(|| {
            let k = self::kind(kind)?;
            self.edit(py, |h| h.add(id, k, name).map(|_| ()))
        })
    }

    /// Adds a node given as a dict (with its address and location).
    fn add_node(&self, py: Python<'_>, node: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(|| {
            let n: Node = plain(node)?;
            self.edit(py, |h| h.add_node(n).map(|_| ()))
        })
    }

    /// `parent` contains `child`.
    fn contain(&self, py: Python<'_>, parent: &str, child: &str) -> PyResult<()> {
        guard(|| self.edit(py, |h| h.contain(parent, child)))
    }

    /// A Party organisation leads a unit or an organisation.
    fn lead(&self, py: Python<'_>, party_org: &str, target: &str) -> PyResult<()> {
        guard(|| self.edit(py, |h| h.lead(party_org, target)))
    }

    /// A person or an organisation serves a unit.
    fn serve(&self, py: Python<'_>, who: &str, unit: &str) -> PyResult<()> {
        guard(|| self.edit(py, |h| h.serve(who, unit)))
    }

    /// A person or an organisation joins an organisation.
    fn join(&self, py: Python<'_>, member: &str, organisation: &str) -> PyResult<()> {
        guard(|| self.edit(py, |h| h.join(member, organisation)))
    }

    /// A centre (`operations_centre` or `hotline_centre`) supervises a unit and everything
    /// it contains (监督: files, verifies, closes, makes the return visit).
    fn supervise(&self, py: Python<'_>, centre: &str, unit: &str) -> PyResult<()> {
        guard(|| self.edit(py, |h| h.supervise(centre, unit)))
    }

    /// A centre commands a unit and everything it contains (指挥: dispatches, decides
    /// extensions and suspensions, sets deadlines).
    fn command(&self, py: Python<'_>, centre: &str, unit: &str) -> PyResult<()> {
        guard(|| self.edit(py, |h| h.command(centre, unit)))
    }

    /// The centres supervising a unit, directly or through a unit above it, nearest first.
    fn supervising_centres<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let h = self.arc(py);
            let out = nodes(py, h.supervising_centres(id).py()?.into_iter());
            out
        })
    }

    /// The centres commanding a unit, directly or through a unit above it, nearest first.
    fn commanding_centres<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let h = self.arc(py);
            let out = nodes(py, h.commanding_centres(id).py()?.into_iter());
            out
        })
    }

    /// A department gets jurisdiction over a unit for case categories.
    fn grant_jurisdiction(
        &self,
        py: Python<'_>,
        department: &str,
        unit: &str,
        categories: Vec<String>,
    ) -> PyResult<()> {
        guard(|| {
            self.edit(py, |h| {
                let c: Vec<&str> = categories.iter().map(String::as_str).collect();
                h.grant_jurisdiction(department, unit, &c)
            })
        })
    }

    /// Adds an edge given as a dict (`{"kind": "contains", "from": …, "to": …}`).
    fn connect(&self, py: Python<'_>, edge: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(|| {
            let e: Edge = plain(edge)?;
            self.edit(py, |h| h.connect(&e))
        })
    }

    /// Removes an edge.
    #[pyo3(signature = (kind, from_, to))]
    fn disconnect(&self, py: Python<'_>, kind: &str, from_: &str, to: &str) -> PyResult<()> {
        guard(|| {
            let k = edge_kind(kind)?;
            self.edit(py, |h| h.disconnect(k, from_, to))
        })
    }

    /// Removes a node (refused while it contains others) and returns it.
    fn remove<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let n = self.edit(py, |h| h.remove(id))?;
            to_py(py, &n)
        })
    }

    /// Moves a unit under a new parent.
    fn move_to(&self, py: Python<'_>, child: &str, new_parent: &str) -> PyResult<()> {
        guard(|| self.edit(py, |h| h.move_to(child, new_parent)))
    }

    /// Renames a node.
    fn rename(&self, py: Python<'_>, id: &str, name: &str) -> PyResult<()> {
        guard(|| self.edit(py, |h| h.rename(id, name)))
    }

    /// Sets a node's address and location (`{"lat": …, "lng": …}`).
    #[pyo3(signature = (id, address = None, location = None))]
    fn set_place(
        &self,
        py: Python<'_>,
        id: &str,
        address: Option<String>,
        location: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        guard(|| {
            let loc: Option<GeoPoint> = match location {
                Some(l) if !l.is_none() => Some(plain(l)?),
                _ => None,
            };
            self.edit(py, |h| h.set_place(id, address, loc))
        })
    }

    /// Imports statistical division codes (rows as `{"code": …, "name": …}` dicts or
    /// `(code, name)` pairs); bad rows are reported, good rows kept. Returns
    /// `(added ids, [(row number, error), …])`.
    fn import_division_codes<'py>(
        &self,
        py: Python<'py>,
        rows: &Bound<'py, PyAny>,
    ) -> PyResult<(Vec<String>, crate::ledger::BadRows<'py>)> {
        guard(|| {
            let mut parsed = Vec::new();
            let iter = rows
                .try_iter()
                .map_err(|_| malformed("expected a list of division rows"))?;
            for item in iter {
                let item = item?;
                if let Ok(t) = item.cast::<PyTuple>() {
                    let (code, name): (String, String) = t
                        .extract()
                        .map_err(|_| malformed("a division row is a (code, name) pair"))?;
                    parsed.push(DivisionRow::new(code, name));
                } else {
                    parsed.push(plain::<DivisionRow>(&item)?);
                }
            }
            let report = self
                .inner
                .write(py, |h| Arc::make_mut(h).import_division_codes(&parsed));
            let errors = report
                .errors
                .iter()
                .map(|e| Ok((e.row, error_object(py, &e.error.clone().into())?)))
                .collect::<PyResult<Vec<_>>>()?;
            Ok((
                report.added.iter().map(|id| id.to_string()).collect(),
                errors,
            ))
        })
    }

    /// A node by id as a dict, or `None`.
    fn node<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let h = self.arc(py);
            node_opt(py, h.node(id))
        })
    }

    /// Every node in insertion order.
    fn nodes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let h = self.arc(py);
            nodes(py, h.nodes())
        })
    }

    /// The nodes of a kind.
    fn nodes_of_kind<'py>(&self, py: Python<'py>, kind: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let k = self::kind(kind)?;
            let h = self.arc(py);
            nodes(py, h.nodes_of_kind(k))
        })
    }

    /// The nodes contained by no other.
    fn roots<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let h = self.arc(py);
            nodes(py, h.roots())
        })
    }

    /// Every edge.
    fn edges<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let e = self.inner.read(py, |h| h.edges());
            to_py(py, &e)
        })
    }

    /// The containing unit, or `None`.
    fn parent<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let h = self.arc(py);
            node_opt(py, h.parent(id).py()?)
        })
    }

    /// The contained units.
    fn children<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let h = self.arc(py);
            let out = nodes(py, h.children(id).py()?);
            out
        })
    }

    /// The escalation chain: the unit, then every ancestor up to the root.
    fn chain<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let h = self.arc(py);
            let out = nodes(py, h.chain(id).py()?);
            out
        })
    }

    /// The ids of the escalation chain (the unit first).
    fn chain_ids(&self, py: Python<'_>, id: &str) -> PyResult<Vec<String>> {
        guard(|| {
            let h = self.arc(py);
            let out = h.chain(id).py()?.map(|n| n.id.to_string()).collect();
            Ok(out)
        })
    }

    /// The nearest strict ancestor of a kind, or `None`.
    fn ancestor_of_kind<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        kind: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let k = self::kind(kind)?;
            let h = self.arc(py);
            node_opt(py, h.ancestor_of_kind(id, k).py()?)
        })
    }

    /// Every unit below of a kind.
    fn descendants_of_kind<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        kind: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let k = self::kind(kind)?;
            let h = self.arc(py);
            let out = nodes(py, h.descendants_of_kind(id, k).py()?);
            out
        })
    }

    /// The lowest common ancestor of two units, or `None`.
    fn lowest_common_ancestor<'py>(
        &self,
        py: Python<'py>,
        a: &str,
        b: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let h = self.arc(py);
            node_opt(py, h.lowest_common_ancestor(a, b).py()?)
        })
    }

    /// The grid a compound or building belongs to, or `None`.
    fn grid_of<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let h = self.arc(py);
            node_opt(py, h.grid_of(id).py()?)
        })
    }

    /// The Party organisation leading a unit (nearest up the chain), or `None`.
    fn leading_party_org<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let h = self.arc(py);
            node_opt(py, h.leading_party_org(id).py()?)
        })
    }

    /// The people serving a unit.
    fn staff<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let h = self.arc(py);
            let out = nodes(py, h.staff(id).py()?);
            out
        })
    }

    /// The departments with jurisdiction over a unit for a category, nearest first.
    fn departments_for<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        category: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let h = self.arc(py);
            let v = h.departments_for(id, category).py()?;
            nodes(py, v.into_iter())
        })
    }

    /// The targets of a node's outgoing edges of a kind.
    fn targets<'py>(&self, py: Python<'py>, id: &str, kind: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let k = edge_kind(kind)?;
            let h = self.arc(py);
            nodes(py, h.targets(id, k).py()?.into_iter())
        })
    }

    /// The sources of a node's incoming edges of a kind.
    fn sources<'py>(&self, py: Python<'py>, id: &str, kind: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let k = edge_kind(kind)?;
            let h = self.arc(py);
            nodes(py, h.sources(id, k).py()?.into_iter())
        })
    }

    /// The compact key of a node (for the bulk entry points).
    fn key_of(&self, py: Python<'_>, id: &str) -> PyResult<u32> {
        guard(|| {
            self.inner
                .read(py, |h| h.require(id).map(NodeKey::raw))
                .py()
        })
    }

    /// The keys of many nodes at once, as an `array.array('I')`: `ids` is any iterable of
    /// str (a list, a tuple, a pandas column's values, a generator). Each string object's key
    /// is looked up once and remembered for the objects that come again, so a column that
    /// names a few thousand units a million times costs about 10 ns an item.
    fn keys_of<'py>(
        &self,
        py: Python<'py>,
        ids: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let h = self.arc(py);
            let keys = str_keys(ids, |id| h.require(id).map(NodeKey::raw).py())?;
            u32_array(py, &keys)
        })
    }

    /// Every live node's key by id, as a dict (for mapping ids with pandas or NumPy, say
    /// `series.map(key_map)`; for a list of ids, `keys_of` is faster).
    fn key_map<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        guard(|| {
            let h = self.arc(py);
            let d = pyo3::types::PyDict::new(py);
            for n in h.nodes() {
                if let Some(k) = h.key(n.id.as_str()) {
                    d.set_item(n.id.as_str(), k.raw())?;
                }
            }
            Ok(d)
        })
    }

    /// The id of a key.
    fn id_of(&self, py: Python<'_>, key: u32) -> PyResult<String> {
        guard(|| {
            self.inner
                .read(py, |h| {
                    h.id(NodeKey::from_index(key)).map(|id| id.to_string())
                })
                .ok_or_else(|| malformed(format!("no node with key {key}")))
        })
    }

    /// The escalation chains of many units in one call (releases the GIL). `keys` is a list
    /// of keys or a packed `array('I')` / NumPy `uint32` array. Returns `(chains, ends)` as
    /// `array('I')`s: `chains` holds the keys one chain after another, chain `i` ends at
    /// `ends[i]`.
    fn chains_of<'py>(
        &self,
        py: Python<'py>,
        keys: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        guard(|| {
            let keys = u32_column(keys)?;
            let keys = keys.as_slice();
            let h = self.arc(py);
            // The chains are written straight into the bytes the arrays are made from (the
            // length first, which also checks the keys), instead of into a vector copied
            // into the bytes: a million chains are 20 MB.
            let total = py.detach(|| h.chain_lengths(keys)).py()?;
            let mut ends = Vec::with_capacity(keys.len());
            let chains = pyo3::types::PyBytes::new_with(py, total * 4, |buf| {
                let (mut cells, mut at) = (buf.chunks_exact_mut(4), 0u32);
                for key in keys {
                    let chain = h.chain_keys(NodeKey::from_index(*key));
                    for k in chain {
                        if let Some(cell) = cells.next() {
                            cell.copy_from_slice(&k.raw().to_ne_bytes());
                        }
                    }
                    at = at.saturating_add(u32::try_from(chain.len()).unwrap_or(u32::MAX));
                    ends.push(at);
                }
                Ok(())
            })?;
            Ok((array_of_bytes(py, "I", chains)?, u32_array(py, &ends)?))
        })
    }

    /// The total length of the escalation chains of many units (a routing checksum; releases
    /// the GIL).
    fn chain_lengths(&self, py: Python<'_>, keys: &Bound<'_, PyAny>) -> PyResult<usize> {
        guard(|| {
            let keys = u32s(keys)?;
            let h = self.arc(py);
            py.detach(|| h.chain_lengths(&keys)).py()
        })
    }

    /// The nearest ancestor of a kind for many units at once, as keys (`None` where there is
    /// none; releases the GIL).
    fn ancestors_of_kind(
        &self,
        py: Python<'_>,
        keys: &Bound<'_, PyAny>,
        kind: &str,
    ) -> PyResult<Vec<Option<u32>>> {
        guard(|| {
            let keys = u32s(keys)?;
            let k = self::kind(kind)?;
            let h = self.arc(py);
            py.detach(|| h.ancestors_of_kind(&keys, k)).py()
        })
    }
}
