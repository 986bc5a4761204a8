//! The authority (职责分工) as a handle: who may take each action on a ticket.

use std::sync::Arc;

use wangge::ticket::authority::Authority as Core;
use wangge::ticket::ActionKind;
use wasm_bindgen::prelude::*;

use crate::convert::{err, json_text, malformed, to_js};
use crate::types::*;

/// Who may take each action on a ticket, and who may not (separation of duties, 职责分离):
/// the `wangge.authority` document. Built from a preset's name (`"gbt30428"`, the default of
/// a new ledger, `"hotline12345"`, or `"legacy_permissive"` for migration only), a document
/// or its JSON text.
#[wasm_bindgen]
pub struct Authority {
    pub(crate) inner: Arc<Core>,
}

/// An authority from a JS value: a preset's name, a document or its JSON text; `None` for
/// `undefined` or `null`.
pub(crate) fn authority_of(value: JsValue) -> Result<Option<Arc<Core>>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if let Some(name) = value.as_string() {
        if !name.trim_start().starts_with('{') {
            return Core::preset(&name).map(|a| Some(Arc::new(a))).map_err(err);
        }
    }
    let text = json_text(value)?;
    Core::from_json(&text)
        .map(|a| Some(Arc::new(a)))
        .map_err(err)
}

fn action(name: &str) -> Result<ActionKind, JsValue> {
    name.parse::<ActionKind>().map_err(err)
}

#[wasm_bindgen]
impl Authority {
    /// An authority from a preset's name, a document or its JSON text.
    #[wasm_bindgen(constructor)]
    pub fn new(document: JsAuthorityLike) -> Result<Authority, JsValue> {
        let inner = authority_of(document.into())?
            .ok_or_else(|| malformed("an authority needs a preset's name or a document"))?;
        Ok(Authority { inner })
    }

    /// A preset by name.
    pub fn preset(name: &str) -> Result<Authority, JsValue> {
        Ok(Authority {
            inner: Arc::new(Core::preset(name).map_err(err)?),
        })
    }

    /// The names of the presets.
    pub fn presets() -> Vec<String> {
        Core::PRESETS.iter().map(|s| (*s).to_owned()).collect()
    }

    /// The authority's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// Whether it is a migration authority (exempt from the separation of duties).
    #[wasm_bindgen(getter)]
    pub fn migration(&self) -> bool {
        self.inner.is_migration()
    }

    /// The roles that may take an action.
    pub fn roles(&self, action: &str) -> Result<JsRoles, JsValue> {
        let roles: Vec<&str> = self
            .inner
            .roles(self::action(action)?)
            .iter()
            .map(|r| r.as_str())
            .collect();
        Ok(to_js(&roles)?.unchecked_into())
    }

    /// The conflict sets excluded from an action (separation of duties).
    pub fn conflicts(&self, action: &str) -> Result<JsConflicts, JsValue> {
        let conflicts: Vec<&str> = self
            .inner
            .conflicts(self::action(action)?)
            .map(|c| c.as_str())
            .collect();
        Ok(to_js(&conflicts)?.unchecked_into())
    }
}

crate::convert::document_methods!(Authority, JsAuthorityDocument, |a| &*a.inner);
