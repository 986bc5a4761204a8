//! The service over a store: actions are acknowledged only once stored; a store that fails
//! leaves the service as the store is; a store whose lines were changed does not open.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::rc::Rc;

use wangge::ticket::{Action, NewTicket};
use wangge_service::service::{Service, ServiceError};
use wangge_service::store::{EventStore, SqliteStore, StoreError};

/// Lines in memory; fails the next append when told to.
#[derive(Clone, Default)]
struct Flaky {
    lines: Rc<std::cell::RefCell<Vec<String>>>,
    fail: Rc<Cell<bool>>,
}

impl EventStore for Flaky {
    fn lines(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.lines.borrow().clone())
    }
    fn append(&mut self, lines: &[&str]) -> Result<(), StoreError> {
        if self.fail.replace(false) {
            return Err(StoreError::Sqlite(rusqlite::Error::InvalidQuery));
        }
        self.lines
            .borrow_mut()
            .extend(lines.iter().map(|l| (*l).to_owned()));
        Ok(())
    }
}

fn at(minute: i64) -> wangge::time::Timestamp {
    "2025-04-12T09:00:00+08:00"
        .parse::<wangge::time::Timestamp>()
        .unwrap()
        .plus_seconds(minute * 60)
}

#[test]
fn an_action_the_store_does_not_take_is_not_acknowledged_and_changes_nothing() {
    let (h, tx, a) = wangge_service::xinjian();
    let store = Flaky::default();
    let mut svc = Service::open(h.clone(), tx.clone(), a.clone(), store.clone()).unwrap();
    let t = NewTicket::new("T1", "livelihood.parking", "xj-kgxq").unwrap();
    svc.report(t, "340404001001003-wgy1", at(0)).unwrap();
    assert_eq!(store.lines.borrow().len(), 1);
    store.fail.set(true);
    let e = svc
        .apply("T1", "340404001000-zx", at(1), Action::File)
        .unwrap_err();
    assert!(matches!(e, ServiceError::Store(_)), "{e}");
    assert_eq!(svc.ledger().get("T1").unwrap().state().as_str(), "reported");
    assert_eq!(store.lines.borrow().len(), 1);
    // The next attempt goes through, and the chain continues.
    svc.apply("T1", "340404001000-zx", at(2), Action::File)
        .unwrap();
    let again = Service::open(h, tx, a, store.clone()).unwrap();
    assert_eq!(again.ledger().get("T1").unwrap().state().as_str(), "filed");
    // A refused action writes nothing.
    let e = svc
        .apply("T1", "xj-kgxq-wy", at(3), Action::Close)
        .unwrap_err();
    assert!(matches!(e, ServiceError::Ticket(_)), "{e}");
    assert_eq!(store.lines.borrow().len(), 2);
}

#[test]
fn a_store_whose_lines_were_changed_does_not_open() {
    let (h, tx, a) = wangge_service::xinjian();
    let path = std::env::temp_dir().join(format!("wangge-store-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    {
        let mut svc = Service::open(
            h.clone(),
            tx.clone(),
            a.clone(),
            SqliteStore::open(&path).unwrap(),
        )
        .unwrap();
        let t = NewTicket::new("T1", "livelihood.parking", "xj-kgxq").unwrap();
        svc.report(t, "340404001001003-wgy1", at(0)).unwrap();
        svc.apply("T1", "340404001000-zx", at(1), Action::File)
            .unwrap();
        assert_eq!(svc.stored_lines(), 2);
    }
    // Someone edits the first event in the file: the chain no longer verifies.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE events SET line = replace(line, 'xj-kgxq', 'xj-kgxq-1') WHERE seq = 1",
        [],
    )
    .unwrap();
    drop(conn);
    let e = Service::open(h, tx, a, SqliteStore::open(&path).unwrap())
        .err()
        .unwrap();
    assert!(matches!(e, ServiceError::Log(_)), "{e}");
    let _ = std::fs::remove_file(&path);
}
