//! The crash test (issue 19): a child process applying actions through the service is killed
//! with SIGKILL at random moments, 100 times; after each kill the store is reopened and must
//! hold every acknowledged event, no partial one, and a log whose chains verify and replay,
//! each append sealed by a checkpoint whose signature verifies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use wangge::ticket::log::read_events_verified;
use wangge_service::service::Service;
use wangge_service::store::{EventStore, SqliteStore};

/// A small deterministic generator (xorshift64*), seeded per run: no dependency for dice.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

#[test]
fn killed_at_random_moments_the_store_loses_no_acknowledged_event() {
    let dir = std::env::temp_dir().join(format!("wangge-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("store.sqlite");
    let seed = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_1234_u64);
    let mut dice = Dice(seed | 1);
    // The highest event count acknowledged for each ticket, over every run.
    let mut acked: BTreeMap<String, u32> = BTreeMap::new();
    let kills = 100;
    let mut killed_mid_run = 0;
    for run in 0..kills {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wangge-service"))
            .arg("crash-writer")
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        std::thread::sleep(Duration::from_millis(5 + dice.below(60)));
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        if status.code().is_none() {
            killed_mid_run += 1;
        }
        for line in reader.join().unwrap() {
            let mut parts = line.split_whitespace();
            let (Some("ack"), Some(id), Some(n)) = (parts.next(), parts.next(), parts.next())
            else {
                // A line cut by the kill was never acknowledged.
                continue;
            };
            let n: u32 = n.parse().unwrap();
            let e = acked.entry(id.to_owned()).or_default();
            *e = (*e).max(n);
        }
        // Reopen: the chains verify and the events replay (Service::open checks both, and
        // that each stored line is exactly what the core writes for its event).
        let (h, tx, authority) = wangge_service::xinjian();
        let store = SqliteStore::open(&path).unwrap();
        let lines = store.lines().unwrap().len();
        let key = wangge_service::demo_signing_key();
        let stored = store.lines().unwrap();
        let svc = Service::open_signed(h, tx, authority, store, &key)
            .unwrap_or_else(|e| panic!("run {run}: the store does not reopen: {e}"));
        // What an auditor checks with the public key alone: every append is sealed by a
        // checkpoint that verifies (the log ends with one).
        let text: String = stored.iter().map(|l| format!("{l}\n")).collect();
        let verified = read_events_verified(&text, &key.public_key())
            .unwrap_or_else(|e| panic!("run {run}: the signatures do not verify: {e}"));
        for (id, n) in &acked {
            let have = svc.ledger().get(id).map_or(0, |v| v.snapshot().events);
            assert!(
                have >= *n,
                "run {run}: {id} has {have} events, {n} were acknowledged"
            );
        }
        // No partial event: every event line is a whole event of the ledger, and every other
        // line a checkpoint.
        let total: u32 = svc.ledger().tickets().map(|v| v.snapshot().events).sum();
        assert_eq!(total as usize, verified.len(), "run {run}");
        let checkpoints = stored
            .iter()
            .filter(|l| l.starts_with(r#"{"v":1,"checkpoint":"#))
            .count();
        assert_eq!(verified.len() + checkpoints, lines, "run {run}");
    }
    let events: u32 = acked.values().sum();
    println!(
        "{kills} kills ({killed_mid_run} by SIGKILL while writing), {} tickets, {events} acknowledged events kept",
        acked.len()
    );
    assert!(
        killed_mid_run >= kills * 9 / 10,
        "the writer was killed while running"
    );
    assert!(events > 0);
    let _ = std::fs::remove_dir_all(&dir);
}
