//! Tests of the authority presets, their round trip and the safety invariants.

#![allow(clippy::unwrap_used, clippy::expect_used)]
use super::*;

#[test]
fn presets_are_valid_documents_that_round_trip() {
    for name in Authority::PRESETS {
        let text = match name {
            "gbt30428" => GBT30428,
            "hotline12345" => HOTLINE12345,
            _ => LEGACY,
        };
        let a = Authority::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(a.name(), name);
        assert_eq!(Authority::from_json(&a.to_json()).unwrap(), a);
        assert_eq!(Authority::preset(name).unwrap(), a);
    }
    assert!(Authority::legacy_permissive().is_migration());
    assert!(!Authority::gbt30428().is_migration());
    assert_eq!(
        Authority::preset("lax").unwrap_err().code(),
        "authority.unknown_preset"
    );
}

#[test]
fn the_real_presets_keep_the_separation_of_duties() {
    for a in [Authority::gbt30428(), Authority::hotline12345()] {
        for k in [ActionKind::RuleFired, ActionKind::Recheck] {
            assert_eq!(a.roles(k).iter().collect::<Vec<_>>(), [Role::System]);
        }
        for k in [
            ActionKind::File,
            ActionKind::Verify,
            ActionKind::Close,
            ActionKind::Visit,
            ActionKind::SetDeadline,
            ActionKind::DecideExtension,
            ActionKind::Suspend,
            ActionKind::Park,
        ] {
            assert!(!a.allows(k, Role::Holder), "{}: {k}", a.name());
        }
    }
}

#[test]
fn unsafe_documents_are_refused() {
    let base = Authority::gbt30428().to_document();
    let edit = |f: &dyn Fn(&mut AuthorityDocument)| {
        let mut d = base.clone();
        f(&mut d);
        Authority::from_document(d).map(|_| ()).unwrap_err().code()
    };
    assert_eq!(
        edit(&|d| {
            d.allow.insert("set_deadline".into(), vec![Role::Holder]);
        }),
        "authority.unsafe"
    );
    assert_eq!(
        edit(&|d| d.separate.clear()),
        "authority.missing_separation"
    );
    assert_eq!(
        edit(&|d| {
            d.allow.remove("file");
        }),
        "authority.missing_action"
    );
    assert_eq!(
        edit(&|d| {
            d.allow.insert("teleport".into(), vec![]);
        }),
        "authority.unknown_action"
    );
    assert_eq!(
        edit(&|d| d.dispatch_to = DispatchScope::Anywhere),
        "authority.unsafe"
    );
    assert_eq!(
        edit(&|d| d.return_after_escalation = ReturnAfterEscalation::PreviousHolder),
        "authority.unsafe"
    );
    assert_eq!(edit(&|d| d.version = 2), "authority.unsupported_format");
    assert_eq!(
        Authority::from_json("{").unwrap_err().code(),
        "authority.malformed"
    );
    // The same edits pass in a migration document.
    let mut d = base.clone();
    d.migration = true;
    d.separate.clear();
    d.dispatch_to = DispatchScope::Anywhere;
    assert!(Authority::from_document(d).is_ok());
}
