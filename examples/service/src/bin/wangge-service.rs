//! The wangge service.
//!
//! `wangge-service serve [file.sqlite] [address]`: Open311 GeoReport v2 and the staff
//! endpoints (see `wangge_service::http`) over the 新建社区 example, its log in the SQLite
//! file (default `xinjian.sqlite`), on the address (default `127.0.0.1:3311`), with the demo
//! keys and tokens (`wangge_service::demo_config`).
//!
//! `wangge-service crash-writer <file.sqlite>`: opens (or creates) a store over the 新建社区
//! example and plays the parking story's lifecycle on new tickets, one after another, for
//! ever; after each action is stored it prints `ack <ticket> <events>` (the ticket's number of
//! events). The crash test kills it at random moments.

use std::io::Write;

use wangge::ticket::{Action, NewTicket, Satisfaction};
use wangge_service::service::Service;
use wangge_service::store::SqliteStore;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("crash-writer") => crash_writer(args.get(2).ok_or("usage: crash-writer <file>")?),
        Some("serve") => serve(
            args.get(2).map_or("xinjian.sqlite", String::as_str),
            args.get(3).map_or("127.0.0.1:3311", String::as_str),
        ),
        _ => Err(
            "usage: wangge-service serve [file.sqlite] [address] | crash-writer <file.sqlite>"
                .into(),
        ),
    }
}

fn serve(path: &str, address: &str) -> Result<(), Box<dyn std::error::Error>> {
    let (h, tx, authority) = wangge_service::xinjian();
    let svc = Service::open(h, tx, authority, SqliteStore::open(path)?)?;
    let events = svc.stored_lines();
    let config =
        wangge_service::demo_config(std::sync::Arc::new(wangge_service::http::system_clock));
    let router = wangge_service::http::router(svc, config);
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(address).await?;
        println!(
            "wangge service: 新建社区, {events} events from {path}; Open311 at http://{}/open311/v2/services.json",
            listener.local_addr()?
        );
        axum::serve(listener, router).await
    })?;
    Ok(())
}

fn crash_writer(path: &str) -> Result<(), Box<dyn std::error::Error>> {
    let (h, tx, authority) = wangge_service::xinjian();
    let mut svc = Service::open(h, tx, authority, SqliteStore::open(path)?)?;
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
