// The conformance operation language (tests/conformance/README.md) over the WebAssembly
// package: one Session per case, `run(op)` maps each operation onto one call of the public JS
// API. Shared by the conformance runner (conformance.test.mjs) and the differential test
// (differential.mjs), so both drive the package the same way.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
// The package's Node entry (wangge_node.wasm, built for speed), or with WANGGE_WASM_MODULE=web
// the browsers' glue and module (wangge_bg.wasm, built for size): the corpus runs on both.
const w = process.env.WANGGE_WASM_MODULE === "web" ? await webModule() : require("../pkg/wangge.cjs");

async function webModule() {
  const glue = await import("../pkg/wangge.js");
  glue.initSync({ module: readFileSync(new URL("../pkg/wangge_bg.wasm", import.meta.url)) });
  return glue;
}
const root = new URL("../../", import.meta.url);

const dataFile = (name, suffix) => readFileSync(new URL(`examples/data/${name}.${suffix}.json`, root), "utf8");
/** A document given inline or by data-file name. */
const doc = (v, suffix) => (typeof v === "string" && !/^\s*[{[]/.test(v) ? dataFile(v, suffix) : v);
export const camel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
const ids = (nodes) => nodes.map((n) => n.id);
const id = (node) => (node === undefined || node === null ? null : node.id);

/** Bytes (keys) given as hex text, and back. */
const fromHex = (text) => Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** An authority given by preset name or as a document (object or JSON text). */
const authorityDoc = (v) => (typeof v === "string" || v === null ? v : JSON.stringify(v));

export class Session {
  constructor(setup = {}) {
    this.h = setup.hierarchy ? w.Hierarchy.fromJson(doc(setup.hierarchy, "hierarchy")) : new w.Hierarchy();
    this.taxonomy = setup.taxonomy;
    this.calendar = setup.calendar ? calendar(setup.calendar) : w.Calendar.standard();
    this.policy = setup.escalation ? policy(setup.escalation) : w.EscalationPolicy.standard();
    this.roll = setup.roll ? new w.OwnerRoll(doc(setup.roll, "roll")) : undefined;
    this.levels = setup.serviceLevels;
    this.authority = setup.authority === undefined ? undefined : new w.Authority(authorityDoc(setup.authority));
    this.l = undefined;
  }

  /** Loader options: the case's authority, and `trusted` from the operation. */
  options(o = {}) {
    const options = { authority: this.authority?.toJson(), trusted: o.trusted ?? false };
    if (o.publicKey !== undefined) options.publicKey = fromHex(o.publicKey);
    return options;
  }

  /** The ledger's log, signed with `signingKey` (hex) if the operation gives one. */
  logText(o) {
    return o.signingKey === undefined ? this.ledger().toJsonl() : this.ledger().toJsonl(fromHex(o.signingKey));
  }

  ledger() {
    if (!this.l) {
      const l = new w.Ledger(this.h, this.taxonomy, this.authority?.toJson());
      if (this.levels) l.setServiceLevels(servicePolicy(this.levels.policy), this.calendar, this.levels.since);
      this.l = l;
    }
    return this.l;
  }

  newLedger(make) {
    this.l = make(this.h, this.taxonomy);
    return this.l.size;
  }

  editedLog(o) {
    if (o.text !== undefined) return o.text;
    let text = this.logText(o);
    for (const [from, to] of o.replace ?? []) {
      if (!text.includes(from)) throw new Error(`the log does not contain ${from}`);
      text = text.replace(from, to);
    }
    if (o.dropLines) {
      const lines = text.split("\n").filter((l) => l.length > 0);
      text = lines.slice(0, Math.max(0, lines.length - o.dropLines)).map((l) => l + "\n").join("");
    }
    return text;
  }

  run(o) {
    const h = this.h;
    switch (o.op) {
      // hierarchy
      case "h.add": return h.add(o.id, o.kind, o.name), null;
      case "h.contain": return h.contain(o.parent, o.child), null;
      case "h.lead": return h.lead(o.from, o.to), null;
      case "h.serve": return h.serve(o.who, o.unit), null;
      case "h.join": return h.join(o.member, o.organisation), null;
      case "h.supervise": return h.supervise(o.centre, o.unit), null;
      case "h.command": return h.command(o.centre, o.unit), null;
      case "h.grant": return h.grantJurisdiction(o.department, o.unit, o.categories), null;
      case "h.disconnect": return h.disconnect(o.kind, o.from, o.to), null;
      case "h.remove": return h.remove(o.id).id;
      case "h.move": return h.moveTo(o.child, o.parent), null;
      case "h.rename": return h.rename(o.id, o.name), null;
      case "h.boundary": return h.setBoundary(o.id, o.boundary), null;
      case "h.locate": return h.locate(o.lat, o.lng, o.system) ?? null;
      case "h.load": this.h = w.Hierarchy.fromJson(doc(o.document, "hierarchy")); return this.h.size;
      case "h.divisions": {
        const r = h.importDivisionCodes(o.rows);
        return { added: r.added, errors: r.errors.map((e) => [e.row, e.code]) };
      }
      case "h.size": return h.size;
      case "h.node": return h.node(o.id) ?? null;
      case "h.parent": return id(h.parent(o.id));
      case "h.children": return ids(h.children(o.id));
      case "h.chain": return ids(h.chain(o.id));
      case "h.ancestor": return id(h.ancestorOfKind(o.id, o.kind));
      case "h.descendants": return ids(h.descendantsOfKind(o.id, o.kind));
      case "h.lca": return id(h.lowestCommonAncestor(o.a, o.b));
      case "h.grid_of": return id(h.gridOf(o.id));
      case "h.party": return id(h.leadingPartyOrg(o.id));
      case "h.staff": return ids(h.staff(o.id));
      case "h.departments": return ids(h.departmentsFor(o.id, o.category));
      case "h.targets": return ids(h.targets(o.id, o.kind));
      case "h.sources": return ids(h.sources(o.id, o.kind));
      case "h.roundtrip": { const text = h.toJson(); return w.Hierarchy.fromJson(text).toJson() === text; }
      // tickets
      case "t.report": return this.ledger().report(o.ticket, o.actor, o.at), null;
      case "t.apply": return this.ledger().apply(o.ticket, o.actor, o.at, o.action);
      case "t.check": return this.ledger().check(o.ticket, o.actor, o.at, o.action);
      case "t.get": return this.ledger().get(o.ticket) ?? null;
      case "t.state": {
        const s = this.ledger().get(o.ticket);
        if (!s) throw Object.assign(new Error(`unknown ticket ${o.ticket}`), { name: "WanggeError", code: "ticket.unknown_ticket" });
        return s.state;
      }
      case "t.events": return this.ledger().events(o.ticket).length;
      case "t.in_state": return this.ledger().inState(o.state);
      case "t.deadline": return this.ledger().deadline(o.ticket, o.kind) ?? null;
      case "t.roundtrip": {
        const l = this.ledger();
        const back = w.Ledger.fromJsonl(this.h, l.toJsonl(), this.taxonomy, this.options());
        const replayed = w.Ledger.replay(this.h, l.allEvents(), this.taxonomy, this.options());
        const ours = JSON.stringify(l.tickets());
        return JSON.stringify(back.tickets()) === ours && JSON.stringify(replayed.tickets()) === ours;
      }
      case "t.load_jsonl": {
        const text = this.editedLog(o);
        return this.newLedger((h2, t) => w.Ledger.fromJsonl(h2, text, t, this.options(o)));
      }
      case "t.jsonl": return this.logText(o);
      case "t.public_key": return toHex(w.publicKey(fromHex(o.secret)));
      case "t.replay": return this.newLedger((h2, t) => w.Ledger.replay(h2, o.events, t, this.options(o)));
      case "t.load_rows": {
        const errors = this.ledger().loadRows(o.rows, { trusted: o.trusted ?? false });
        return { errors: errors.map((e) => [e.row, e.code]) };
      }
      case "t.can": return this.ledger().can(o.ticket, o.actor, o.at, o.action);
      case "t.why_not": return this.ledger().whyNot(o.ticket, o.actor, o.at, o.action) ?? null;
      case "t.who_can": return this.ledger().whoCan(o.ticket, o.at, o.action);
      case "a.load": return new w.Authority(authorityDoc(o.document)).name;
      case "tx.load": return new w.Ledger(h, doc(o.document, "taxonomy")).taxonomy().categories.length;
      // calendar
      case "c.load": this.calendar = calendar(o.document); return null;
      case "c.exceptions": this.calendar = this.calendar.withExceptionsText(o.text); return null;
      case "c.working": return this.calendar.isWorkingTime(o.at);
      case "c.working_day": return this.calendar.isWorkingDay(o.date);
      case "c.add_minutes": return this.calendar.addWorkingMinutes(o.at, o.minutes);
      case "c.add_days": return this.calendar.addWorkingDays(o.at, o.days);
      case "g.convert": return Array.from(w.convertCoords(o.lat, o.lng, o.from, o.to));
      case "o.import": {
        const out = w.open311Import(this.ledger(), o.document, o.options ?? undefined);
        return {
          tickets: out.tickets,
          duplicates: out.duplicates.map((d) => [d.row, d.of]),
          errors: out.errors.map((e) => [e.row, e.code, e.field ?? ""]),
          unmapped: out.unmapped.map((u) => [u.row, u.field]),
          assumed: out.assumed.map((a) => [a.row, a.field]),
        };
      }
      case "o.read": {
        const read = w.open311Read(o.document);
        return { kind: read.kind, items: Array.isArray(read.items) ? read.items.length : 1 };
      }
      case "o.services": {
        const out = w.open311ImportServices(o.document);
        return {
          codes: out.taxonomy.categories.map((c) => c.code),
          errors: out.errors.map((e) => [e.row, e.code, e.field ?? ""]),
          unmapped: out.unmapped.map((u) => [u.row, u.field]),
        };
      }
      case "c.between": return Math.floor(this.calendar.workingMinutesBetween(o.from, o.to));
      case "c.next": return this.calendar.nextWorkingInstant(o.at);
      case "c.period_end": return this.calendar.periodEndDate(o.start, o.days);
      case "c.period_deadline": return this.calendar.periodDeadline(o.start, o.days);
      // escalation
      case "e.load": this.policy = policy(o.document); return null;
      case "e.service_policy": return servicePolicy(o.document).rules.length;
      case "e.scale": return w.scaleServicePolicy(servicePolicy(o.document), o.percent).name;
      case "e.evaluate": return decisions(this.policy.evaluate(this.ledger(), o.now, this.calendar));
      case "e.sweep": return decisions(this.policy.sweep(this.ledger(), o.now, this.calendar));
      // consultation
      case "roll.load": this.roll = new w.OwnerRoll(doc(o.document, "roll")); return JSON.parse(this.roll.toJson()).units.length;
      case "residents.load":
        this.residents = new w.ResidentRoll({ households: o.households, residents: o.residents, groups: o.groups ?? [] });
        return null;
      case "v.electorate":
        this.electorate = o.on !== undefined
          ? this.residents.electorate(h, o.scope, o.on)
          : this.roll.electorate(h, o.scope);
        return this.electorate.totals();
      case "v.members": this.electorate = w.Electorate.members(o.members); return this.electorate.totals();
      case "v.rule": return w.ruleDocument(o.rule);
      case "v.open":
        this.vote = new w.Vote(this.electorate, { id: o.id, agenda: o.agenda, rule: o.rule, opensAt: o.opensAt, closesAt: o.closesAt });
        return null;
      case "v.proxy": return this.vote.registerProxy(o.principal, o.proxy), null;
      case "v.cast": return this.vote.cast(o.voter, o.choice, o.at), null;
      case "v.cast_many":
        for (const choice of ["agree", "oppose", "abstain"]) for (const v of o[choice] ?? []) this.vote.cast(v, choice, o.at);
        return null;
      case "v.cast_rows": return this.vote.castMany(o.ballots).map((e) => [e.row, e.code]);
      case "v.cast_proxy": return this.vote.castByProxy(o.proxy, o.principal, o.choice, o.at), null;
      case "v.close": return this.vote.close(o.at), null;
      case "v.passes": return this.vote.passes();
      case "v.tally": return this.vote.tally();
      case "v.outcome": return this.vote.outcome();
      case "f.load": this.forums = new w.ForumRecords(o.document); return null;
      case "f.stats": return this.forums.stats(o.forum, o.period?.from, o.period?.to);
      // metrics
      case "m.compute": return w.computeMetrics(this.ledger(), this.calendar, o.options);
      case "m.partial": return JSON.parse(w.metricsPartial(this.ledger(), this.calendar, o.options));
      case "m.merge":
        return w.mergeMetrics(this.h, this.calendar, o.documents.map((d) => JSON.stringify(d)), o.options).report();
      default: throw new Error(`unknown operation ${o.op}`);
    }
  }
}

function calendar(v) {
  if (v === "standard") return w.Calendar.standard();
  if (v === "china") return w.Calendar.china();
  return new w.Calendar(doc(v, "calendar"));
}

function policy(v) {
  return v === "standard" ? w.EscalationPolicy.standard() : new w.EscalationPolicy(doc(v, "escalation"));
}

function servicePolicy(v) {
  if (v === "guangdong_12345") return w.servicePolicyGuangdong12345();
  if (v === "beijing") return w.servicePolicyBeijing();
  return w.scaleServicePolicy(v, 100);
}

function decisions(handle) {
  return handle.toArray()
    .filter((d) => d.trigger !== "recheck")
    .map((d) => [d.ticket, d.rule, d.effect.type === "act" ? d.effect.action.type : "notify"]);
}

