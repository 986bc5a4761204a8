//! The article's settings as data files for the Python and JavaScript examples and the web
//! demo (`examples/data/`), checked against the Rust builders so they cannot drift.
//! `WANGGE_BLESS=1 cargo test --test article_data` rewrites them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "../../examples/article/mod.rs"]
mod article;

fn check(name: &str, content: String) {
    let path = format!("{}/../examples/data/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var("WANGGE_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &content).unwrap();
    }
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run with WANGGE_BLESS=1 to write it)"));
    assert_eq!(
        committed, content,
        "{path} is out of date: run with WANGGE_BLESS=1"
    );
}

#[test]
fn data_files_match_the_builders() {
    check(
        "xinjian.hierarchy.json",
        article::xinjian().unwrap().to_json_pretty() + "\n",
    );
    check(
        "hongfu.hierarchy.json",
        article::hongfu().unwrap().to_json_pretty() + "\n",
    );
    check(
        "shijixincheng.hierarchy.json",
        article::shijixincheng().unwrap().to_json_pretty() + "\n",
    );
    check(
        "shijixincheng.roll.json",
        serde_json::to_string_pretty(&article::shijixincheng_roll()).unwrap() + "\n",
    );
    check(
        "cn-2025.calendar.json",
        serde_json::to_string_pretty(
            &wangge::calendar::Calendar::standard()
                .with_exceptions_text(include_str!("../src/calendar/cn-2025.txt"))
                .unwrap(),
        )
        .unwrap()
            + "\n",
    );
}
