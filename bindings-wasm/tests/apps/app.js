// The app both bundler tests build: a hierarchy, a ticket through its first steps, a refused
// action, a vote. It writes what it saw into the page for the test to read.
import { Hierarchy, Ledger, OwnerRoll, Vote } from "wangge";

export function run() {
  const h = new Hierarchy();
  h.add("hh", "community", "弘湖社区");
  h.add("g1", "grid", "第一网格");
  h.contain("hh", "g1");
  h.add("zx", "operations_centre", "弘湖社区网格化服务管理站");
  h.supervise("zx", "hh");
  h.command("zx", "hh");
  const ledger = new Ledger(h);
  ledger.report({ id: "T1", category: "livelihood.repair", unit: "g1" }, "g1", "2025-03-03T09:00:00+08:00");
  ledger.apply("T1", "zx", "2025-03-03T09:05:00+08:00", { type: "file" });
  let refused = "";
  try {
    ledger.apply("T1", "g1", "2025-03-03T09:06:00+08:00", { type: "close" });
  } catch (e) {
    refused = `${e.name} ${e.code}`;
  }
  h.add("c1", "compound", "弘湖小区");
  h.add("b1", "building", "1幢");
  h.contain("c1", "b1");
  const owners = ["o1", "o2", "o3"].map((id) => ({ id }));
  const units = owners.map((o, i) => ({ id: `10${i + 1}`, building: "b1", area: "90", owner: o.id }));
  const roll = new OwnerRoll({ format: "wangge.consultation.owner_roll", version: 1, owners, units });
  const vote = new Vote(roll.electorate(h, { building: "b1" }), {
    id: "v1", agenda: "更换单元门", rule: { preset: "civil_code_278_ordinary" },
    opensAt: "2025-05-01T09:00:00+08:00", closesAt: "2025-05-31T18:00:00+08:00",
  });
  for (const o of owners) vote.cast(o.id, "agree", "2025-05-02T10:00:00+08:00");
  vote.close("2025-05-31T18:00:00+08:00");
  return { state: ledger.get("T1").state, refused, passed: vote.outcome().passed };
}

export function show(result) {
  const out = document.getElementById("out");
  out.textContent = JSON.stringify(result);
  document.body.dataset.ready = "true";
}
