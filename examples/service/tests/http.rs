//! The service over HTTP, with a real client (ureq) against the running server: every
//! GeoReport v2 endpoint in XML and JSON, the filters and paging, bad requests, and staff
//! actions under the core's separation of duties.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};
use wangge_service::service::Service;
use wangge_service::store::SqliteStore;

struct Server {
    base: String,
    agent: ureq::Agent,
    clock: Arc<AtomicI64>,
}

/// The 新建社区 service on a fresh store, on a free port, with a clock the test moves.
fn server() -> Server {
    let (h, tx, a) = wangge_service::xinjian();
    let svc = Service::open(h, tx, a, SqliteStore::in_memory().unwrap()).unwrap();
    let start: wangge::time::Timestamp = "2025-04-12T09:00:00+08:00".parse().unwrap();
    let clock = Arc::new(AtomicI64::new(start.unix_seconds()));
    let c = clock.clone();
    let config = wangge_service::demo_config(Arc::new(move || {
        wangge::time::Timestamp::from_unix_seconds(c.load(Ordering::SeqCst)).unwrap()
    }));
    let router = wangge_service::http::router(svc, config);
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            send.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, router).await.unwrap();
        });
    });
    let addr = receive.recv().unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    Server {
        base: format!("http://{addr}"),
        agent,
        clock,
    }
}

impl Server {
    fn get(&self, path: &str) -> (u16, String) {
        let mut r = self
            .agent
            .get(format!("{}{path}", self.base))
            .call()
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    }
    fn post_form(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let mut r = self
            .agent
            .post(format!("{}{path}", self.base))
            .send_form(form.iter().copied())
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    }
    fn post_raw(&self, path: &str, content_type: &str, body: &str) -> (u16, String) {
        let mut r = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", content_type)
            .send(body)
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    }
    fn staff(&self, token: &str, path: &str, body: Value) -> (u16, Value) {
        let mut r = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {token}"))
            .header("Content-Type", "application/json")
            .send(body.to_string().as_str())
            .unwrap();
        let status = r.status().as_u16();
        (
            status,
            serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap(),
        )
    }
    fn advance(&self, minutes: i64) {
        self.clock.fetch_add(minutes * 60, Ordering::SeqCst);
    }
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// A GPS fix in 矿工新村小区 (grid 3), as the 新建社区 example has it.
const LAT: &str = "32.633628";
const LONG: &str = "116.819763";

#[test]
fn services_in_json_and_xml_and_definitions() {
    let s = server();
    let (status, body) = s.get("/open311/v2/services.json");
    assert_eq!(status, 200);
    let services = json_of(&body);
    assert!(services
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["service_code"] == "livelihood.parking"));
    let (status, xml) = s.get("/open311/v2/services.xml");
    assert_eq!(status, 200);
    assert!(
        xml.starts_with("<?xml")
            && xml.contains("<service><service_code>livelihood.parking</service_code>")
    );
    // The XML reads back as the same list (the core's own GeoReport reader).
    let doc = wangge::interop::open311::read(&xml).unwrap();
    assert_eq!(
        doc.into_services().unwrap().len(),
        services.as_array().unwrap().len()
    );
    let (status, body) = s.get("/open311/v2/services/livelihood.parking.json");
    assert_eq!(
        (status, json_of(&body)["service_code"].clone()),
        (200, json!("livelihood.parking"))
    );
    let (status, body) = s.get("/open311/v2/services/livelihood.parking.xml");
    assert_eq!(status, 200);
    assert!(body.contains("<service_definition>"));
    let (status, body) = s.get("/open311/v2/services/nope.xml");
    assert_eq!(status, 404);
    assert!(body.contains("<errors><error><code>404</code>"));
    let (status, _) = s.get("/open311/v2/services.json?jurisdiction_id=elsewhere");
    assert_eq!(status, 404);
    let (status, _) = s.get("/open311/v2/services.json?jurisdiction_id=xinjian");
    assert_eq!(status, 200);
}

#[test]
fn requests_are_posted_located_listed_filtered_and_paged() {
    let s = server();
    let post = |code: &str, ext: &str| {
        s.post_form(
            &format!("/open311/v2/requests.{ext}"),
            &[
                ("api_key", "demo-key"),
                ("service_code", code),
                ("lat", LAT),
                ("long", LONG),
                ("description", "小区免费停车2小时太短"),
                ("account_id", "resident-7"),
            ],
        )
    };
    let (status, body) = post("livelihood.parking", "json");
    assert_eq!(status, 200, "{body}");
    let first = json_of(&body)[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(json_of(&body)[0]["account_id"], "resident-7");
    // Located from its WGS-84 point: 矿工新村小区.
    let (status, body) = s.get(&format!("/open311/v2/requests/{first}.json"));
    assert_eq!(status, 200);
    let one = &json_of(&body)[0];
    assert_eq!(one["address_id"], "xj-kgxq");
    assert_eq!(one["status"], "open");
    assert_eq!(one["requested_datetime"], "2025-04-12T09:00:00+08:00");
    let (status, xml) = post("livelihood.parking", "xml");
    assert_eq!(status, 200);
    assert!(
        xml.contains("<service_requests><request><service_request_id>"),
        "{xml}"
    );
    for minutes in [60, 60 * 24 * 100] {
        s.advance(minutes);
        let (status, _) = post("livelihood.repair", "json");
        assert_eq!(status, 200);
    }
    // The default window is 90 days: only the last request.
    let (_, body) = s.get("/open311/v2/requests.json");
    assert_eq!(json_of(&body).as_array().unwrap().len(), 1);
    // Dates, codes, statuses, pages.
    let window = "start_date=2025-04-01T00:00:00%2B08:00&end_date=2025-08-01T00:00:00%2B08:00";
    let (_, body) = s.get(&format!("/open311/v2/requests.json?{window}"));
    assert_eq!(json_of(&body).as_array().unwrap().len(), 4);
    let (_, body) = s.get(&format!(
        "/open311/v2/requests.json?{window}&service_code=livelihood.parking"
    ));
    assert_eq!(json_of(&body).as_array().unwrap().len(), 2);
    let (_, body) = s.get(&format!("/open311/v2/requests.json?{window}&status=closed"));
    assert_eq!(json_of(&body).as_array().unwrap().len(), 0);
    let (_, body) = s.get(&format!(
        "/open311/v2/requests.json?{window}&page_size=3&page=2"
    ));
    assert_eq!(json_of(&body).as_array().unwrap().len(), 1);
    let (_, body) = s.get(&format!(
        "/open311/v2/requests.json?service_request_id={first},nope"
    ));
    assert_eq!(json_of(&body).as_array().unwrap().len(), 1);
    // The XML list reads back through the core's importer's reader as requests.
    let (_, xml) = s.get(&format!("/open311/v2/requests.xml?{window}"));
    assert_eq!(
        wangge::interop::open311::read(&xml)
            .unwrap()
            .into_requests()
            .unwrap()
            .len(),
        4
    );
    let (status, body) = s.get("/open311/v2/requests/nope.json");
    assert_eq!(
        (status, json_of(&body)[0]["code"].clone()),
        (404, json!(404))
    );
}

#[test]
fn bad_requests_get_the_specifications_error_documents() {
    let s = server();
    let ok = [
        ("api_key", "demo-key"),
        ("service_code", "livelihood.parking"),
        ("lat", LAT),
        ("long", LONG),
    ];
    // A form, the status it gets, and what the error document says.
    type Case<'a> = (Vec<(&'a str, &'a str)>, u16, &'a str);
    let cases: Vec<Case> = vec![
        (ok[1..].to_vec(), 403, "api_key is required"),
        (
            vec![("api_key", "wrong"), ok[1], ok[2], ok[3]],
            403,
            "api_key is not valid",
        ),
        (vec![ok[0], ok[2], ok[3]], 400, "service_code is required"),
        (
            vec![ok[0], ("service_code", "nope"), ok[2], ok[3]],
            400,
            "service_code \"nope\"",
        ),
        (vec![ok[0], ok[1]], 400, "a location is required"),
        (
            vec![ok[0], ok[1], ("lat", "north"), ok[3]],
            400,
            "must be numbers",
        ),
        (vec![ok[0], ok[1], ("lat", "139.9"), ok[3]], 400, "lat/long"),
        (
            vec![ok[0], ok[1], ("lat", "39.9"), ("long", "116.4")],
            400,
            "outside this jurisdiction",
        ),
        (
            vec![ok[0], ok[1], ("address_id", "elsewhere")],
            400,
            "address_id \"elsewhere\"",
        ),
    ];
    for (form, status, text) in cases {
        let (got, body) = s.post_form("/open311/v2/requests.json", &form);
        assert_eq!(got, status, "{form:?}: {body}");
        let e = json_of(&body);
        assert_eq!(e[0]["code"], status);
        assert!(
            e[0]["description"].as_str().unwrap().contains(text),
            "{body}"
        );
    }
    let (status, body) = s.post_raw("/open311/v2/requests.xml", "application/json", "{}");
    assert_eq!(status, 400);
    assert!(body.contains("<code>400</code>") && body.contains("x-www-form-urlencoded"));
    let big = format!(
        "api_key=demo-key&description={}",
        "x".repeat(wangge_service::http::BODY_LIMIT)
    );
    let (status, _) = s.post_raw(
        "/open311/v2/requests.json",
        "application/x-www-form-urlencoded",
        &big,
    );
    assert_eq!(status, 413);
    for bad in [
        "start_date=yesterday",
        "status=pending",
        "page=0",
        "page_size=x",
    ] {
        let (status, body) = s.get(&format!("/open311/v2/requests.json?{bad}"));
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let (status, _) = s.get("/open311/v2/requests.csv");
    assert_eq!(status, 404);
    // Nothing was created by any of them.
    let (_, body) = s.get("/open311/v2/requests.json");
    assert_eq!(body, "[]");
}

#[test]
fn staff_act_under_the_separation_of_duties() {
    let s = server();
    let (_, body) = s.post_form(
        "/open311/v2/requests.json",
        &[
            ("api_key", "demo-key"),
            ("service_code", "livelihood.parking"),
            ("lat", LAT),
            ("long", LONG),
        ],
    );
    let id = json_of(&body)[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let act = |token: &str, action: Value| {
        s.advance(5);
        s.staff(
            token,
            &format!("/staff/tickets/{id}/actions"),
            json!({"action": action}),
        )
    };
    // Without a token, or with an unknown one: 401.
    let (status, _) = s.staff(
        "nobody",
        &format!("/staff/tickets/{id}/actions"),
        json!({"action": {"type": "file"}}),
    );
    assert_eq!(status, 401);
    // A grid worker may not file (立案 is the centre's), and is told why.
    let (status, why) = s.staff(
        "worker-token",
        &format!("/staff/tickets/{id}/why_not"),
        json!({"action": {"type": "file"}}),
    );
    assert_eq!((status, why["allowed"].clone()), (200, json!(false)));
    assert_eq!(why["code"], "ticket.unauthorized");
    let (status, body) = act("worker-token", json!({"type": "file"}));
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("ticket.unauthorized"))
    );
    assert!(body["zh"].as_str().is_some());
    assert_eq!(
        act("centre-token", json!({"type": "file"})).1["state"],
        "filed"
    );
    // Dispatched to grid 3: its grid worker signs for it and handles it.
    let dispatch = json!({"type": "dispatch", "to": "340404001001003"});
    assert_eq!(act("centre-token", dispatch).1["state"], "dispatched");
    // The property manager is not the holder: it may not sign.
    let (status, body) = act("property-token", json!({"type": "acknowledge"}));
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("ticket.unauthorized")),
        "{body}"
    );
    assert_eq!(
        act("worker-token", json!({"type": "acknowledge"})).1["state"],
        "in_progress"
    );
    let (status, body) = act("worker-token", json!({"type": "close"}));
    assert_eq!(status, 409, "{body}"); // the lifecycle: handled and verified first
    let handle = json!({"type": "handle", "outcome": "免费停车延长至4小时"});
    assert_eq!(act("worker-token", handle).1["state"], "handled");
    // The handler verifying its own work: refused by the separation of duties, with the rule.
    let (status, body) = act("worker-token", json!({"type": "verify", "passed": true}));
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("ticket.separation_of_duty")),
        "{body}"
    );
    assert!(body["rule"].as_str().unwrap().starts_with("separate."));
    let verify = json!({"type": "verify", "passed": true});
    assert_eq!(act("centre-token", verify).1["state"], "verified");
    let visit = json!({"type": "visit", "satisfaction": "satisfied"});
    assert_eq!(act("staff-token", visit).1["state"], "closed");
    // Bad bodies and unknown tickets.
    let (status, _) = s.staff(
        "centre-token",
        &format!("/staff/tickets/{id}/actions"),
        json!({"action": {"type": "fly"}}),
    );
    assert_eq!(status, 400);
    let (status, _) = s.staff(
        "centre-token",
        "/staff/tickets/nope/actions",
        json!({"action": {"type": "file"}}),
    );
    assert_eq!(status, 404);
    // Open311 now says closed.
    let (_, body) = s.get(&format!("/open311/v2/requests/{id}.json"));
    assert_eq!(json_of(&body)[0]["status"], "closed");
}
