//! The wangge service.
//!
//! `wangge-service serve [file.sqlite] [address] [key-file]`: Open311 GeoReport v2 and the
//! staff endpoints (see `wangge_service::http`) over the 新建社区 example, its log in the
//! SQLite file (default `xinjian.sqlite`), on the address (default `127.0.0.1:3311`), with the
//! demo API key and tokens (`wangge_service::demo_config`). Each append is sealed by a
//! checkpoint signed with the secret key in `key-file` (64 hex digits), or with the demo key
//! (`wangge_service::demo_signing_key`) when none is given.
//!
//! `wangge-service verify <file.sqlite> <public-key-hex>`: what an auditor runs with the
//! public key alone: reads the store, verifies every chain and signed checkpoint, and prints
//! the number of events.
//!
//! `wangge-service crash-writer <file.sqlite>`: opens (or creates) a store over the 新建社区
//! example and plays the parking story's lifecycle on new tickets, one after another, for
//! ever; after each action is stored it prints `ack <ticket> <events>` (the ticket's number of
//! events). The crash test kills it at random moments.

use std::io::Write;

use wangge::ticket::log::read_events_verified_parallel;
use wangge::ticket::{Action, NewTicket, Satisfaction};
use wangge_service::service::Service;
use wangge_service::store::{EventStore, SqliteStore};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("crash-writer") => crash_writer(args.get(2).ok_or("usage: crash-writer <file>")?),
        Some("serve") => serve(
            args.get(2).map_or("xinjian.sqlite", String::as_str),
            args.get(3).map_or("127.0.0.1:3311", String::as_str),
            args.get(4).map(String::as_str),
        ),
        Some("verify") => verify(args.get(2).ok_or(USAGE)?, args.get(3).ok_or(USAGE)?),
        _ => Err(USAGE.into()),
    }
}

const USAGE: &str = "usage: wangge-service serve [file.sqlite] [address] [key-file] | verify <file.sqlite> <public-key-hex> | crash-writer <file.sqlite>";

fn serve(
    path: &str,
    address: &str,
    key_file: Option<&str>,
) -> Result<(), Box<dyn std::error::Error>> {
    let key = match key_file {
        Some(file) => wangge_service::signing_key_from_hex(&std::fs::read_to_string(file)?)?,
        None => wangge_service::demo_signing_key(),
    };
    let (h, tx, authority) = wangge_service::xinjian();
    let opening = std::time::Instant::now();
    let svc = Service::open_signed(h, tx, authority, SqliteStore::open(path)?, &key)?;
    let opened = opening.elapsed().as_secs_f64();
    let events = svc.stored_lines();
    let config =
        wangge_service::demo_config(std::sync::Arc::new(wangge_service::http::system_clock));
    let router = wangge_service::http::router(svc, config);
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(address).await?;
        println!(
            "wangge service: 新建社区, {events} lines from {path} verified in {opened:.2} s (checkpoints signed by key {}{}); Open311 at http://{}/open311/v2/services.json",
            key.public_key().key_id(),
            if key_file.is_none() { ", the demo key" } else { "" },
            listener.local_addr()?
        );
        axum::serve(listener, router).await
    })?;
    Ok(())
}

fn verify(path: &str, public_key: &str) -> Result<(), Box<dyn std::error::Error>> {
    let key = wangge_service::public_key_from_hex(public_key)?;
    let mut text = SqliteStore::open(path)?.lines()?.join("\n");
    text.push('\n');
    // The signatures and digests are checked on every core (the same verdict as on one).
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let started = std::time::Instant::now();
    let events = read_events_verified_parallel(&text, &key, threads)?;
    println!(
        "{path}: {} events, every chain and checkpoint verified with key {} in {:.2} s on {threads} thread(s)",
        events.len(),
        key.key_id(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn crash_writer(path: &str) -> Result<(), Box<dyn std::error::Error>> {
    let (h, tx, authority) = wangge_service::xinjian();
    let key = wangge_service::demo_signing_key();
    let mut svc = Service::open_signed(h, tx, authority, SqliteStore::open(path)?, &key)?;
    let (worker, centre, property, staff) = (
        "340404001001003-wgy1",
        "340404001000-zx",
        "xj-kgxq-wy",
        "340404001000-zx-1",
    );
    let base: wangge::time::Timestamp = "2025-04-12T09:00:00+08:00".parse()?;
    let mut out = std::io::stdout().lock();
    for n in svc.ledger().len().. {
        let id = format!("CR-{n:06}");
        let t = |minutes: i64| base.plus_seconds(n as i64 * 3600 + minutes * 60);
        svc.report(
            NewTicket::new(&id, "livelihood.parking", "xj-kgxq")?,
            worker,
            t(0),
        )?;
        writeln!(out, "ack {id} {}", events(&svc, &id))?;
        out.flush()?;
        let steps = [
            (centre, 1, Action::File),
            (
                centre,
                2,
                Action::Dispatch {
                    to: property.parse()?,
                },
            ),
            (property, 3, Action::Acknowledge),
            (
                property,
                4,
                Action::Handle {
                    outcome: "延长免费停车".into(),
                },
            ),
            (
                worker,
                5,
                Action::Verify {
                    passed: true,
                    note: None,
                },
            ),
            (
                staff,
                6,
                Action::Visit {
                    satisfaction: Satisfaction::Satisfied,
                },
            ),
        ];
        for (actor, minute, action) in steps {
            svc.apply(&id, actor, t(minute), action)?;
            writeln!(out, "ack {id} {}", events(&svc, &id))?;
            out.flush()?;
        }
    }
    Ok(())
}

fn events(svc: &Service<SqliteStore>, id: &str) -> u32 {
    svc.ledger().get(id).map_or(0, |v| v.snapshot().events)
}
