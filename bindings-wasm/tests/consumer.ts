// A small TypeScript consumer of the package, type-checked with `tsc --noEmit --strict` in the
// test command: it proves the generated .d.ts compiles and describes the API precisely.
import init, {
  Hierarchy, Ledger, Authority, Calendar, EscalationPolicy, OwnerRoll, ResidentRoll, Electorate, Vote, Metrics,
  publicKey, type LogOptions,
  type Action, type TicketSnapshot, type Outcome, type MetricsReport, type Decision, type NodeKind,
  type HierarchyNode, type TicketState, type ErrorInfo, type Scope, type ChainBuffer,
  type Denial, type Role, type AuthorityDocument, type RowError,
} from "../pkg/wangge.js";

export async function demo(): Promise<string> {
  await init();
  const h = new Hierarchy();
  const kind: NodeKind = "grid";
  h.add("g1", kind, "第一网格");
  const chain: HierarchyNode[] = h.chain("g1");
  const routed: ChainBuffer = h.chainsOf(new Uint32Array([h.keyOf("g1")]));
  h.add("c1", "community", "新建社区");
  h.contain("c1", "g1");
  h.add("zx", "operations_centre", "网格化服务管理站");
  h.supervise("zx", "c1");
  h.command("zx", "c1");
  const authority = Authority.preset("gbt30428");
  const fileRoles: Role[] = authority.roles("file");
  const document: AuthorityDocument = authority.toDocument();
  const plain = new Ledger(h); // taxonomy and authority are optional
  plain.free();
  const ledger = new Ledger(h, undefined, "gbt30428");
  ledger.report({ id: "T1", category: "livelihood.parking", unit: "g1" }, "g1", "2025-03-03T09:00:00+08:00");
  const file: Action = { type: "file" };
  const denial: Denial | undefined = ledger.whyNot("T1", "g1", "2025-03-03T09:05:00+08:00", file);
  const allowed: boolean = ledger.can("T1", "zx", "2025-03-03T09:05:00+08:00", file);
  const who: string[] = ledger.whoCan("T1", "2025-03-03T09:05:00+08:00", file);
  const rows: RowError[] = new Ledger(h, undefined, document).loadRows([], { trusted: false });
  const state: TicketState = ledger.apply("T1", "zx", "2025-03-03T09:05:00+08:00", file);
  const snapshot: TicketSnapshot | undefined = ledger.get("T1");
  // Signed logs: the caller's 32-byte secret signs, its public key verifies.
  const secret = new Uint8Array(32).fill(7);
  const verify: LogOptions = { publicKey: publicKey(secret), trusted: true };
  const signed: Ledger = Ledger.fromJsonl(h, ledger.toJsonl(secret), undefined, verify);
  signed.free();
  const calendar = Calendar.standard();
  const due: string = calendar.addWorkingDays("2025-03-03T09:00:00+08:00", 3);
  const policy = EscalationPolicy.standard();
  const decisions: Decision[] = policy.evaluate(ledger, "2025-03-10T09:00:00+08:00", calendar).toArray();
  const metrics: MetricsReport = Metrics.compute(ledger, calendar, { groupBy: { level: "grid" }, periodBy: "month" }).report();
  const roll = new OwnerRoll({ format: "wangge.consultation.owner_roll", version: 1, owners: [{ id: "o" }],
    units: [{ id: "u", building: "g1", area: "80.00", owner: "o" }] });
  const scope: Scope = "whole_roll";
  const vote = new Vote(roll.electorate(h, scope), { id: "v", agenda: "a", rule: { preset: "civil_code_278_ordinary" },
    opensAt: "2025-03-01T00:00:00+08:00", closesAt: "2025-03-31T00:00:00+08:00" });
  vote.cast("o", "agree", "2025-03-02T00:00:00+08:00");
  const outcome: Outcome = vote.outcome();
  const residents = new ResidentRoll({ households: [{ id: "h1", representative: "li" }],
    residents: [{ id: "li", household: "h1", birthDate: "1960-05-01" }] });
  const meeting = residents.electorate(h, "whole_roll", "2025-06-01");
  const forum = Electorate.members([{ id: "m1" }, { id: "m2", representative: true }]);
  const sizes: number = meeting.size + forum.size;
  let code = "";
  try {
    ledger.apply("T1", "g1", "2025-03-03T09:06:00+08:00", { type: "close" });
  } catch (e) {
    const info = e as Error & ErrorInfo;
    code = info.code;
  }
  // @ts-expect-error: an action needs its fields
  const wrong: Action = { type: "dispatch" };
  void wrong;
  return [sizes, chain.length, routed.ends.length, state, snapshot?.state, due, decisions.length,
    metrics.rows.length, outcome.passed, code, denial?.zh, allowed, who.join(","), fileRoles.join(","),
    rows.length].join(" ");
}
