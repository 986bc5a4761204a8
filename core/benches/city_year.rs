//! The city-year benchmark: a synthetic year of a city that receives 21.4 million requests
//! (Beijing's 12345 in 2023), on a hierarchy of its size, driven through the lifecycle with
//! daily escalation sweeps, and the 三率 by street and month at the end. Reports the wall
//! time of each phase and the peak memory (`VmHWM`).
//!
//! One measured run, not a criterion loop (a run takes about a minute). The size can be
//! lowered with `WANGGE_CITY_YEAR_N` (tickets). `benches/python/city_year.py` runs the same
//! workload through the Python API and prints the same digest, so the two can be compared.
//!
//! # The workload (the Python script follows it to the letter)
//! - Hierarchy: city `c` → 16 districts `d{d}` (an operations centre `zx{d}` supervises and
//!   commands each) → 330 streets `d{d}.s{s}` (the first 10 districts have 21, the others
//!   20) → 7,000 communities `….c{c}` (the first 70 streets have 22, the others 21) → 30,000
//!   grids `….g{g}` (the first 2,000 communities have 5, the others 4), added in that order
//!   depth first.
//! - Service levels: sign for a dispatch within 2 working hours, handle within 5 working
//!   days, in the Chinese calendar. Escalation policy: a missed handling deadline escalates
//!   one level, never above the street.
//! - Ticket `i` of `N` (id `Y` + 8 digits) is reported on day `d = i·365 / N` of 2025 at
//!   second `j·86400 / n_d` of that day (China time), where `j` is its rank among the `n_d`
//!   tickets of the day, at grid `r0 mod 30,000` (grids in insertion order), by that grid.
//!   The draws are `r_k = splitmix64(16·i + k)`.
//! - Its steps, each after the one before (minutes): filed by the centre 5 later, or
//!   rejected (out of scope) when `r1 mod 100 < 2`; dispatched to its grid `5 + r2 mod 60`
//!   later; signed for `r3 mod 240` later; handled after `(r4 >> 8) mod 4,320` (when
//!   `r4 mod 100 < 90`) or `4,320 + (r4 >> 8) mod 15,840`; verified `30 + r5 mod 1,440` later
//!   (by the community when the grid handled it, else by the centre); called back by the
//!   centre `30 + r6 mod 1,440` later: satisfied when `(r6 >> 16) mod 100 < 80`, basically
//!   satisfied below 96, else unsatisfied, and then handled again `60 + r7 mod 2,880` later,
//!   verified `30 + r8 mod 1,440` later and called back satisfied `30 + r9 mod 1,440` later.
//!   Whoever holds the ticket handles it; an escalated ticket is first signed for by its new
//!   holder at the moment of handling.
//! - Every day's steps (a day runs from 00:00 to 24:00 China time) are applied, then the
//!   sweep runs at the end of the day (24:00), for 365 days and on until every ticket is
//!   closed or rejected.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::sync::Arc;
use std::time::Instant;

use wangge::calendar::Calendar;
use wangge::escalation::{sweep, Effect, EscalationPolicy, Response, Rule, Trigger};
use wangge::hierarchy::{Hierarchy, NodeKey, NodeKind};
use wangge::metrics::{Counts, GroupBy, MetricsAccumulator, MetricsOptions, PeriodBy};
use wangge::sla::{Amount, ServiceLevels, ServicePolicy, Targets};
use wangge::ticket::{
    Action, ActorKey, DeadlineKind, Ledger, NewTicket, RejectReason, Satisfaction, Taxonomy,
    TicketKey, TicketState,
};
use wangge::time::Timestamp;

const DAYS: u64 = 365;
/// The first instant of 2025, China time, in seconds since the Unix epoch.
const START: i64 = 1_735_660_800;

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn draw(i: u32, k: u64) -> u64 {
    splitmix64(16 * u64::from(i) + k)
}

/// The city: its grids (with their community and centre) in insertion order.
struct City {
    h: Arc<Hierarchy>,
    grids: Vec<Grid>,
}

/// A grid with its community, its district's centre and its district's number.
struct Grid {
    grid: NodeKey,
    community: NodeKey,
    centre: NodeKey,
    district: u32,
}

fn city() -> City {
    let mut h = Hierarchy::new();
    h.add("c", NodeKind::City, "city").unwrap();
    let mut grids = Vec::with_capacity(30_000);
    let (mut street_no, mut community_no) = (0, 0);
    for d in 0..16 {
        let did = format!("d{d}");
        h.add(&did, NodeKind::District, &did).unwrap();
        h.contain("c", &did).unwrap();
        let zx = format!("zx{d}");
        let centre = h.add(&zx, NodeKind::OperationsCentre, &zx).unwrap();
        h.supervise(&zx, &did).unwrap();
        h.command(&zx, &did).unwrap();
        for s in 0..(if d < 10 { 21 } else { 20 }) {
            let sid = format!("{did}.s{s}");
            h.add(&sid, NodeKind::Street, &sid).unwrap();
            h.contain(&did, &sid).unwrap();
            let communities = if street_no < 70 { 22 } else { 21 };
            street_no += 1;
            for c in 0..communities {
                let cid = format!("{sid}.c{c}");
                let community = h.add(&cid, NodeKind::Community, &cid).unwrap();
                h.contain(&sid, &cid).unwrap();
                let n = if community_no < 2_000 { 5 } else { 4 };
                community_no += 1;
                for g in 0..n {
                    let gid = format!("{cid}.g{g}");
                    let grid = h.add(&gid, NodeKind::Grid, &gid).unwrap();
                    h.contain(&cid, &gid).unwrap();
                    grids.push(Grid {
                        grid,
                        community,
                        centre,
                        district: d,
                    });
                }
            }
        }
    }
    assert_eq!((street_no, community_no, grids.len()), (330, 7_000, 30_000));
    City {
        h: Arc::new(h),
        grids,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Step {
    File,
    Dispatch,
    Acknowledge,
    Handle,
    Verify,
    Visit,
    Rehandle,
    Reverify,
    Revisit,
}

/// Seconds of China time since the start of 2025 → the day's number.
fn day_of(at: i64) -> usize {
    ((at - START) / 86_400) as usize
}

fn minutes(m: u64) -> i64 {
    60 * m as i64
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// What one part (a set of districts) did, and how long each phase took.
#[derive(Default)]
struct PartStats {
    report: f64,
    steps: f64,
    sweeps: f64,
    lifecycle_steps: u64,
    decisions: u64,
    escalations: u64,
    rechecks: [u64; 4],
    days: usize,
}

/// Runs the year of the tickets whose grid lies in a district `d` with `d % parts == part`,
/// in a ledger of their own over the shared hierarchy.
fn run_part(
    city: &City,
    n: u32,
    part: u32,
    parts: u32,
    levels: &Arc<ServiceLevels>,
    policy: &EscalationPolicy,
    calendar: &Calendar,
) -> (Ledger, PartStats) {
    let mut l = Ledger::new(city.h.clone(), Arc::new(Taxonomy::default()));
    l.attach_service_levels(levels.clone());
    l.reserve((n / parts) as usize + (n / parts / 8) as usize);
    let mut stats = PartStats::default();
    // Ticket keys of this part, by ticket number, and the reverse.
    let mut numbers: Vec<u32> = Vec::with_capacity((n / parts) as usize);
    // Day buckets of pending steps: (time, ticket key, step).
    let mut buckets: Vec<Vec<(i64, u32, Step)>> = vec![Vec::new(); DAYS as usize + 60];
    let first_of_day = |d: u64| ((u64::from(n) * d).div_ceil(DAYS)) as u32;
    let mut id = String::new();
    let mut day = 0usize;
    loop {
        let s = Instant::now();
        if (day as u64) < DAYS {
            let (a, b) = (first_of_day(day as u64), first_of_day(day as u64 + 1));
            for i in a..b {
                let g = &city.grids[(draw(i, 0) % 30_000) as usize];
                if g.district % parts != part {
                    continue;
                }
                let at = START
                    + 86_400 * day as i64
                    + i64::from(i - a) * 86_400 / i64::from((b - a).max(1));
                let unit = city.h.id(g.grid).unwrap();
                id.clear();
                use std::fmt::Write;
                write!(id, "Y{i:08}").unwrap();
                let at = Timestamp::from_unix_seconds(at).unwrap();
                let key = l
                    .report(
                        NewTicket::new(&id, "livelihood", unit.as_str()).unwrap(),
                        unit.as_str(),
                        at,
                    )
                    .unwrap();
                debug_assert_eq!(key.index(), numbers.len());
                numbers.push(i);
                let next = at.unix_seconds() + minutes(5);
                buckets[day_of(next)].push((next, key.index() as u32, Step::File));
            }
        }
        stats.report += s.elapsed().as_secs_f64();
        let s = Instant::now();
        loop {
            let mut today = std::mem::take(&mut buckets[day]);
            if today.is_empty() {
                break;
            }
            today.sort_unstable_by_key(|&(at, k, _)| (at, k));
            for (at, k, step) in today {
                let key = TicketKey::from_index(k);
                let i = numbers[k as usize];
                let g = &city.grids[(draw(i, 0) % 30_000) as usize];
                let (grid, community, centre) = (g.grid, g.community, g.centre);
                let time = Timestamp::from_unix_seconds(at).unwrap();
                let v = l.view(key).unwrap();
                let holder = v.holder();
                let needs_sign = v.state() == TicketState::Dispatched;
                let verifier = if holder == grid { community } else { centre };
                let mut act = |actor: NodeKey, action: Action| {
                    stats.lifecycle_steps += 1;
                    l.apply_key(key, ActorKey::node(actor), time, &action)
                        .unwrap_or_else(|e| panic!("ticket {i} {step:?}: {e}"))
                };
                let next = match step {
                    Step::File => {
                        if draw(i, 1) % 100 < 2 {
                            act(
                                centre,
                                Action::Reject {
                                    reason: RejectReason::OutOfScope,
                                    note: None,
                                },
                            );
                            None
                        } else {
                            act(centre, Action::File);
                            Some((minutes(5 + draw(i, 2) % 60), Step::Dispatch))
                        }
                    }
                    Step::Dispatch => {
                        act(
                            centre,
                            Action::Dispatch {
                                to: city.h.id(grid).unwrap().clone(),
                            },
                        );
                        Some((minutes(draw(i, 3) % 240), Step::Acknowledge))
                    }
                    Step::Acknowledge => {
                        if needs_sign {
                            act(holder, Action::Acknowledge);
                        }
                        let r = draw(i, 4);
                        let delay = if r % 100 < 90 {
                            (r >> 8) % 4_320
                        } else {
                            4_320 + (r >> 8) % 15_840
                        };
                        Some((minutes(delay), Step::Handle))
                    }
                    Step::Handle | Step::Rehandle => {
                        if needs_sign {
                            act(holder, Action::Acknowledge);
                        }
                        act(
                            holder,
                            Action::Handle {
                                outcome: String::new(),
                            },
                        );
                        if step == Step::Handle {
                            Some((minutes(30 + draw(i, 5) % 1_440), Step::Verify))
                        } else {
                            Some((minutes(30 + draw(i, 8) % 1_440), Step::Reverify))
                        }
                    }
                    Step::Verify | Step::Reverify => {
                        act(
                            verifier,
                            Action::Verify {
                                passed: true,
                                note: None,
                            },
                        );
                        if step == Step::Verify {
                            Some((minutes(30 + draw(i, 6) % 1_440), Step::Visit))
                        } else {
                            Some((minutes(30 + draw(i, 9) % 1_440), Step::Revisit))
                        }
                    }
                    Step::Visit => {
                        let s = (draw(i, 6) >> 16) % 100;
                        let satisfaction = if s < 80 {
                            Satisfaction::Satisfied
                        } else if s < 96 {
                            Satisfaction::BasicallySatisfied
                        } else {
                            Satisfaction::Unsatisfied
                        };
                        act(centre, Action::Visit { satisfaction });
                        (satisfaction == Satisfaction::Unsatisfied)
                            .then(|| (minutes(60 + draw(i, 7) % 2_880), Step::Rehandle))
                    }
                    Step::Revisit => {
                        act(
                            centre,
                            Action::Visit {
                                satisfaction: Satisfaction::Satisfied,
                            },
                        );
                        None
                    }
                };
                if let Some((delay, step)) = next {
                    let at = at + delay;
                    buckets[day_of(at)].push((at, k, step));
                }
            }
        }
        stats.steps += s.elapsed().as_secs_f64();
        let s = Instant::now();
        let end_of_day = Timestamp::from_unix_seconds(START + 86_400 * (day as i64 + 1)).unwrap();
        let ds = sweep(&mut l, end_of_day, policy, calendar).unwrap();
        stats.decisions += ds.len() as u64;
        stats.escalations += ds
            .iter()
            .filter(|d| {
                matches!(
                    &d.effect,
                    Effect::Act {
                        action: Action::Escalate { .. }
                    }
                )
            })
            .count() as u64;
        for d in &ds {
            if let Effect::Act {
                action: Action::Recheck { deadline, .. },
            } = &d.effect
            {
                stats.rechecks[*deadline as usize] += 1;
            }
        }
        stats.sweeps += s.elapsed().as_secs_f64();
        day += 1;
        if day as u64 >= DAYS && buckets[day..].iter().all(Vec::is_empty) {
            break;
        }
    }
    stats.days = day;
    (l, stats)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("city_year: benchmark");
        return;
    }
    let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u32>().ok());
    let n = var("WANGGE_CITY_YEAR_N").unwrap_or(21_400_000);
    // One part per thread, split by district (the territorial split of the architecture).
    let parts = var("WANGGE_CITY_YEAR_THREADS")
        .unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, |p| u32::try_from(p.get()).unwrap_or(1))
        })
        .clamp(1, 16);
    let wall = Instant::now();
    let city = city();
    let calendar = Calendar::china();
    let levels = Arc::new(ServiceLevels {
        policy: ServicePolicy::uniform(
            "city-year",
            Targets {
                acknowledge: Some(Amount::WorkingHours(2)),
                handle: Some(Amount::WorkingDays(5)),
                ..Targets::default()
            },
        ),
        calendar: calendar.clone(),
    });
    let policy = EscalationPolicy {
        format: "wangge.escalation_policy".into(),
        version: 1,
        name: "city-year".into(),
        top: Some(NodeKind::Street),
        rules: vec![Rule {
            name: "handle-overdue".into(),
            category: None,
            when: Trigger::DeadlineMissed {
                deadline: DeadlineKind::Handle,
                grace: None,
            },
            then: vec![Response::Escalate { to: None }],
        }],
    };
    let options = MetricsOptions {
        group_by: GroupBy::Level(NodeKind::Street),
        period_by: PeriodBy::Month,
        ..MetricsOptions::default()
    };
    // Each part runs its year and measures itself on its own thread; the accumulators merge.
    let results: Vec<(Ledger, PartStats, MetricsAccumulator, f64)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..parts)
            .map(|part| {
                let (city, levels, policy, calendar, options) =
                    (&city, &levels, &policy, &calendar, &options);
                scope.spawn(move || {
                    let (l, stats) = run_part(city, n, part, parts, levels, policy, calendar);
                    let s = Instant::now();
                    let mut acc = MetricsAccumulator::batch(options.clone(), calendar.clone());
                    acc.observe_all(&l).unwrap();
                    (l, stats, acc, s.elapsed().as_secs_f64())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let s = Instant::now();
    let mut total = MetricsAccumulator::batch(options.clone(), calendar.clone());
    let mut sum = PartStats::default();
    let (mut events, mut heap, mut open, mut t_metrics) = (0usize, 0usize, 0usize, 0.0);
    for (l, stats, acc, t) in &results {
        events += l.event_count();
        heap += l.heap_size();
        open += l.tickets().filter(|t| t.state().is_open()).count();
        sum.report += stats.report;
        sum.steps += stats.steps;
        sum.sweeps += stats.sweeps;
        sum.lifecycle_steps += stats.lifecycle_steps;
        sum.decisions += stats.decisions;
        sum.escalations += stats.escalations;
        for (a, b) in sum.rechecks.iter_mut().zip(stats.rechecks) {
            *a += b;
        }
        sum.days = sum.days.max(stats.days);
        t_metrics += t;
        total.merge(acc.clone());
    }
    let report = total.report(&results[0].0, None);
    let t_merge = s.elapsed().as_secs_f64();
    let total_time = wall.elapsed().as_secs_f64();
    println!(
        "city_year: {n} tickets on {parts} thread(s), one ledger per part; {events} events ({:.2} per ticket), {} lifecycle steps, {} days swept, {} decisions ({} escalations; index rechecks by deadline kind {:?}), {open} open at the end",
        events as f64 / f64::from(n),
        sum.lifecycle_steps,
        sum.days,
        sum.decisions,
        sum.escalations,
        sum.rechecks,
    );
    println!(
        "city_year: wall {total_time:.1} s; thread time report {:.1} s + steps {:.1} s + sweeps {:.1} s + metrics {t_metrics:.1} s; merge {t_merge:.2} s; peak RSS {:.0} MiB; ledger heap {:.0} MiB ({:.0} B/ticket)",
        sum.report,
        sum.steps,
        sum.sweeps,
        peak_rss_mib(),
        heap as f64 / 1_048_576.0,
        heap as f64 / f64::from(n),
    );
    // The 三率 of the whole city and a digest to compare runtimes by.
    let mut c = Counts::default();
    for row in &report.rows {
        c.add(&row.counts);
    }
    println!(
        "city_year: {} rows (street x month); response {:.4}, resolution {:.4}, satisfaction {:.4}; digest received {} closed {} due {} on time {} signed {} on time {} visited {} resolved {} escalations {}",
        report.rows.len(),
        c.signed_on_time as f64 / c.signed as f64,
        c.resolved as f64 / c.visited as f64,
        (c.satisfied + c.basically_satisfied) as f64 / c.visited as f64,
        c.received,
        c.closed,
        c.due,
        c.closed_on_time,
        c.signed,
        c.signed_on_time,
        c.visited,
        c.resolved,
        c.escalations,
    );
}
