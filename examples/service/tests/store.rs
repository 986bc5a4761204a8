//! The service over a store: actions are acknowledged only once stored; a store that fails
//! leaves the service as the store is; a store whose lines were changed does not open.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::rc::Rc;

use wangge::ticket::log::{LogReader, LogWriter, Record, SigningKey};
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
    // The report's event and the checkpoint that seals it.
    assert_eq!(store.lines.borrow().len(), 2);
    store.fail.set(true);
    let e = svc
        .apply("T1", "340404001000-zx", at(1), Action::File)
        .unwrap_err();
    assert!(matches!(e, ServiceError::Store(_)), "{e}");
    assert_eq!(svc.ledger().get("T1").unwrap().state().as_str(), "reported");
    assert_eq!(store.lines.borrow().len(), 2);
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
    assert_eq!(store.lines.borrow().len(), 4);
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
        assert_eq!(svc.stored_lines(), 4);
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

/// A store of two tickets written through a signed service.
fn signed_store(key: &SigningKey) -> Flaky {
    let (h, tx, a) = wangge_service::xinjian();
    let store = Flaky::default();
    let mut svc = Service::open_signed(h, tx, a, store.clone(), key).unwrap();
    for id in ["T1", "T2"] {
        let t = NewTicket::new(id, "livelihood.parking", "xj-kgxq").unwrap();
        svc.report(t, "340404001001003-wgy1", at(0)).unwrap();
        svc.apply(id, "340404001000-zx", at(1), Action::File)
            .unwrap();
    }
    store
}

/// The store's log written again by whoever can write to the database but lacks the key:
/// every digest and checkpoint recomputed after `edit`, sealed with `key` (or unsigned).
fn resealed(store: &Flaky, edit: impl Fn(&str) -> String, key: Option<&SigningKey>) -> Flaky {
    let mut r = LogReader::new();
    let mut w = match key {
        Some(k) => LogWriter::signed(Vec::new(), k),
        None => LogWriter::new(Vec::new()),
    };
    for line in store.lines.borrow().iter() {
        match r.read_line(&edit(line)) {
            Ok(Record::Event(e)) => w.write(&e).unwrap(),
            _ => w.checkpoint().unwrap(),
        }
    }
    let text = String::from_utf8(std::mem::take(w.get_mut())).unwrap();
    Flaky {
        lines: Rc::new(std::cell::RefCell::new(
            text.lines().map(str::to_owned).collect(),
        )),
        fail: Rc::default(),
    }
}

#[test]
fn a_signed_store_refuses_a_log_sealed_again_without_its_key() {
    let (h, tx, a) = wangge_service::xinjian();
    let key = wangge_service::demo_signing_key();
    let store = signed_store(&key);
    // Each append: its events, then a signed checkpoint.
    let lines = store.lines.borrow().clone();
    assert_eq!(lines.len(), 8);
    assert!(lines.iter().skip(1).step_by(2).all(
        |l| l.starts_with(r#"{"v":1,"checkpoint":"#) && l.contains(&key.public_key().key_id())
    ));
    let svc = Service::open_signed(h.clone(), tx.clone(), a.clone(), store.clone(), &key).unwrap();
    assert_eq!(svc.ledger().len(), 2);

    // The reporter's grid changed in the database, every digest computed again: an unsigned
    // service cannot tell (a hash chain has no key), a signed one refuses it.
    let edit = |l: &str| l.replace("xj-kgxq", "xj-kgxq-2");
    let unsigned = resealed(&store, edit, None);
    assert!(Service::open(h.clone(), tx.clone(), a.clone(), unsigned.clone()).is_ok());
    let e = Service::open_signed(h.clone(), tx.clone(), a.clone(), unsigned, &key)
        .err()
        .unwrap();
    assert!(e.to_string().contains("not signed"), "{e}");
    let other = resealed(&store, edit, Some(&SigningKey::from_bytes(&[9; 32])));
    let e = Service::open_signed(h.clone(), tx.clone(), a.clone(), other, &key)
        .err()
        .unwrap();
    assert!(e.to_string().contains("another key"), "{e}");

    // An append dropped from the middle, or two appends swapped: refused.
    for cut in [
        [&lines[..2], &lines[4..]].concat(),
        [&lines[..2], &lines[4..6], &lines[2..4], &lines[6..]].concat(),
    ] {
        let edited = Flaky {
            lines: Rc::new(std::cell::RefCell::new(cut)),
            fail: Rc::default(),
        };
        assert!(Service::open_signed(h.clone(), tx.clone(), a.clone(), edited, &key).is_err());
    }
    // An append cut in half (its checkpoint lost): refused.
    let half = Flaky {
        lines: Rc::new(std::cell::RefCell::new(lines[..7].to_vec())),
        fail: Rc::default(),
    };
    let e = Service::open_signed(h, tx, a, half, &key).err().unwrap();
    assert!(matches!(e, ServiceError::Log(_)), "{e}");
}

#[test]
fn a_store_of_the_first_schema_is_refused_by_name() {
    let path = std::env::temp_dir().join(format!("wangge-store-v1-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, line TEXT NOT NULL); PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    let e = SqliteStore::open(&path).err().unwrap();
    assert!(
        matches!(
            e,
            StoreError::Format {
                expected: 2,
                found: Some(1),
                ..
            }
        ),
        "{e}"
    );
    let _ = std::fs::remove_file(&path);
}
