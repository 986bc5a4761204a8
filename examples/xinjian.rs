//! 新建社区 (Xinjian community, 毕家岗街道, 八公山区, 淮南市): the article's first case.
//!
//! Builds the community's grid system — 社区党委 → 网格党支部 → 网格长 → 网格员 — and prints
//! each grid's escalation chain (升级链), the Party organisation that leads it and its staff.
//!
//! Run with `cargo run -p wangge --example xinjian` (or `make demo`).

#[path = "article/mod.rs"]
mod article;

use wangge::hierarchy::NodeKind;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let h = article::xinjian()?;
    println!(
        "新建社区 (Xinjian community): {} nodes, {} edges",
        h.len(),
        h.edge_count()
    );
    println!("社区党委—网格党支部—网格长—网格员 (committee → branch → leader → workers)\n");
    for grid in h.descendants_of_kind("340404001001", NodeKind::Grid)? {
        let chain: Vec<String> = h
            .chain(grid.id.as_str())?
            .map(|n| format!("{}({})", n.name, n.kind.chinese()))
            .collect();
        let branch = h
            .leading_party_org(grid.id.as_str())?
            .map(|n| n.name.as_str())
            .unwrap_or("—");
        let staff: Vec<String> = h
            .staff(grid.id.as_str())?
            .map(|n| format!("{} {}", n.kind.chinese(), n.name))
            .collect();
        println!("{} [{}]", grid.name, grid.id);
        println!("  升级链 escalation chain: {}", chain.join(" → "));
        println!(
            "  党组织 led by: {branch}; 人员 staff: {}",
            staff.join(", ")
        );
    }
    let compound = h.node("xj-kgxq").ok_or("compound missing")?;
    let grid = h.grid_of("xj-kgxq-1")?.ok_or("grid missing")?;
    println!(
        "\n{} (building 矿工新村1栋) belongs to {}; its Party organisation is {}",
        compound.name,
        grid.name,
        h.leading_party_org("xj-kgxq-1")?
            .map(|n| n.name.as_str())
            .unwrap_or("—")
    );
    Ok(())
}
