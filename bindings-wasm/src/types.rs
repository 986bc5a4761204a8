//! TypeScript types of the plain objects that cross the boundary: written once here, emitted
//! into the package's `.d.ts`, and checked by `tsc --strict` over a consumer file in the test
//! command. They mirror the core's serde shapes.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** An instant: RFC 3339 / ISO-8601 text with an offset, e.g. "2025-03-03T09:00:00+08:00". */
export type Instant = string;
/** A civil date, "YYYY-MM-DD". */
export type DateText = string;

export type NodeKind =
  | "province" | "city" | "district" | "street" | "town" | "community" | "grid" | "compound" | "building"
  | "party_committee" | "party_branch" | "residents_committee" | "owners_committee" | "property_manager"
  | "deliberation_committee" | "volunteer_team" | "co_building_unit" | "department"
  | "operations_centre" | "hotline_centre"
  | "grid_leader" | "grid_worker" | "party_member" | "volunteer" | "staff";
export type EdgeKind = "contains" | "leads" | "serves" | "member_of" | "jurisdiction" | "supervises" | "commands";
export interface GeoPoint { lat: number; lng: number }
export interface HierarchyNode { id: string; kind: NodeKind; name: string; address?: string; location?: GeoPoint }
export interface HierarchyEdge { kind: EdgeKind; from: string; to: string; categories?: string[] }
export interface HierarchyDocument { format: "wangge.hierarchy"; version: 1; nodes: HierarchyNode[]; edges?: HierarchyEdge[] }
export interface DivisionRow { code: string; name: string }
export interface DivisionImport { added: string[]; errors: { row: number; code: string; message: string }[] }
export interface ChainBuffer { chains: Uint32Array; ends: Uint32Array }

export type TicketState = "reported" | "rejected" | "filed" | "dispatched" | "in_progress" | "handled" | "verified" | "closed" | "suspended" | "parked" | "merged";
export type Channel = "grid_patrol" | "resident_visit" | "hotline_12345" | "online" | "other";
export type Priority = "emergency" | "urgent" | "normal" | "complex";
export type RequestType = "enquiry" | "help" | "suggestion" | "complaint" | "report";
export type Satisfaction = "satisfied" | "basically_satisfied" | "unsatisfied";
export type DeadlineKind = "acknowledge" | "handle" | "verify" | "reply";
export type RejectReason = { kind: "duplicate"; of: string } | { kind: "out_of_scope" } | { kind: "insufficient_information" };
export interface NewTicket {
  id: string; category: string; unit: string; channel?: Channel; holder?: string; reporter?: string;
  priority?: Priority; requestType?: RequestType; verifyFirst?: boolean; description?: string;
}
export type Action =
  | ({ type: "report" } & NewTicket)
  | { type: "confirm_on_site" } | { type: "file" }
  | { type: "reject"; reason: RejectReason; note?: string }
  | { type: "reopen"; reason?: string }
  | { type: "dispatch"; to: string }
  | { type: "acknowledge" }
  | { type: "return"; reason: string }
  | { type: "handle"; outcome: string }
  | { type: "verify"; passed: boolean; note?: string }
  | { type: "visit"; satisfaction: Satisfaction }
  | { type: "close" }
  | { type: "suspend"; reason: string } | { type: "resume" }
  | { type: "request_extension"; until: Instant; reason: string }
  | { type: "decide_extension"; granted: boolean }
  | { type: "park"; reason: string } | { type: "unpark" }
  | { type: "merge"; into: string }
  | { type: "escalate"; to?: string; returnTo?: string }
  | { type: "whistle"; departments: string[]; signBy?: Instant; reportBy?: Instant }
  | { type: "sign_whistle" } | { type: "report_whistle"; note?: string }
  | { type: "release_whistle"; department: string }
  | { type: "record_refusal"; party: string; note?: string }
  | { type: "supervise"; note?: string }
  | { type: "remind"; deadline: DeadlineKind }
  | { type: "set_deadline"; deadline: DeadlineKind; due: Instant }
  | { type: "rule_fired"; rule: string; breach: Instant; subject?: string }
  | { type: "recheck"; deadline: DeadlineKind; at?: Instant };
export interface TicketEvent { ticket: string; seq: number; at: Instant; actor: string; action: Action }
export interface Deadlines { acknowledge?: Instant; handle?: Instant; verify?: Instant; reply?: Instant }
export interface Summons {
  department: string; summonedAt: Instant; signBy?: Instant; reportBy?: Instant;
  signedAt?: Instant; reportedAt?: Instant; releasedAt?: Instant;
}
export interface TicketSnapshot {
  id: string; state: TicketState; category: string; channel: Channel; priority: Priority; requestType: RequestType;
  unit: string; holder: string; responsibleUnit: string; dispatcher?: string; reporter?: string; description?: string;
  reportedAt: Instant; updatedAt: Instant; endedAt?: Instant; satisfaction?: Satisfaction; suspendedFrom?: TicketState;
  verifyFirst: boolean; verifiedOnSite: boolean; supervised: boolean; extensionPending: boolean; extended: boolean;
  returns: number; reopens: number; escalations: number; reminders: number; refusals: number;
  deadlines: Deadlines; summons?: Summons[]; mergedInto?: string; events: number;
}
export interface ErrorInfo { code: string; message: string; [detail: string]: unknown }
export type ActionKind = Action["type"];
/** A role relative to a ticket in an authority document. */
export type Role =
  | "system" | "holder" | "dispatcher" | "territorial" | "territorial_ancestor" | "party"
  | "supervisor" | "commander" | "summoned" | "place";
/** A set of actors excluded from some actions (separation of duties). */
export type Conflict = "handler" | "requester" | "returner" | "holder";
export interface AuthorityDocument {
  format: "wangge.authority"; version: 1; name: string; description?: string;
  allow: Record<ActionKind, Role[]>;
  separate?: { actions: ActionKind[]; excludes: Conflict }[];
  dispatchTo?: "jurisdiction" | "anywhere";
  returnAfterEscalation?: "command_centre" | "escalator" | "previous_holder";
  migration?: boolean;
}
/** An authority: a preset's name ("gbt30428", "hotline12345", "legacy_permissive"), a document or its JSON text. */
export type AuthorityLike = Authority | AuthorityDocument | string;
/** How a history is loaded: under which authority, and whether its events are trusted (not re-checked). */
export interface LoadOptions { authority?: AuthorityLike; trusted?: boolean }
/** Why an action may not be taken: the rule that refuses, in English and Chinese. */
export interface Denial { code: string; rule: string; en: string; zh: string; details: Record<string, unknown> }
/** A refused row of a table of events: its 1-based row number and the error. */
export type RowError = { row: number } & ErrorInfo;
export interface BulkItem { ticket: string; actor: string; at: Instant; action: Action }
export interface BulkReport { states: (TicketState | null)[]; errors: ({ index: number } & ErrorInfo)[] }
export interface Category { code: string; name: string; nameEn?: string }
export interface TaxonomyDocument { format: "wangge.taxonomy"; version: 1; categories: Category[] }

export type Span = [string, string];
export interface CalendarDocument {
  format: "wangge.calendar"; version: 1; utcOffset?: string;
  week: { monday?: Span[]; tuesday?: Span[]; wednesday?: Span[]; thursday?: Span[]; friday?: Span[]; saturday?: Span[]; sunday?: Span[] };
  exceptions?: { date: DateText; kind: "holiday" | "working"; name?: string; spans?: Span[] }[];
}
export type Amount =
  | { workingMinutes: number } | { workingHours: number } | { workingDays: number }
  | { minutes: number } | { hours: number } | { days: number };
export interface Targets { acknowledge?: Amount; handle?: Amount; verify?: Amount; reply?: Amount }
export interface ServiceRule { name: string; category?: string; priority?: Priority; requestType?: RequestType; targets: Targets }
export interface ServicePolicy { format?: "wangge.service_policy"; version?: 1; name: string; rules: ServiceRule[] }
export type Trigger =
  | { type: "deadline_missed"; deadline: DeadlineKind; grace?: Amount }
  | { type: "deadline_approaching"; deadline: DeadlineKind; before: Amount }
  | { type: "refusal" }
  | { type: "repeated_complaints"; count: number; withinDays: number; per: "compound" | "building" }
  | { type: "crosses_boundaries"; grids?: number; departments?: number }
  | { type: "returns"; atLeast: number }
  | { type: "unsatisfied" }
  | { type: "summons_late" };
export type Response =
  | { type: "remind" }
  | { type: "escalate"; to?: NodeKind }
  | { type: "whistle"; signWithin: Amount; reportWithin: Amount }
  | { type: "supervise" }
  | { type: "notify"; to?: string; message: string };
export interface EscalationRule { name: string; category?: string; when: Trigger; then: Response[] }
export interface EscalationPolicyDocument { format?: "wangge.escalation_policy"; version?: 1; name: string; top?: NodeKind; rules: EscalationRule[] }
export type Effect = { type: "act"; action: Action } | { type: "notify"; to?: string; message: string };
export interface Decision { ticket: string; rule: string; trigger: string; breach: Instant; subject?: string; reason: string; effect: Effect }
export interface Applied { index: number; state?: TicketState; error?: ErrorInfo }
export interface Course { breaches: number; escalations: number; level?: NodeKind }
export interface WhatIf {
  changed: { ticket: string; baseline: Course; alternative: Course }[];
  totals: { tickets: number; breachedBaseline: number; breachedAlternative: number; breachesBaseline: number;
    breachesAlternative: number; escalationsBaseline: number; escalationsAlternative: number; changed: number };
}

export type Choice = "agree" | "oppose" | "abstain";
export type ForumKind =
  | "resident_consultation" | "weekend_deliberation_hall" | "deliberation_committee"
  | "owners_assembly" | "owners_committee" | "residents_meeting" | "other";
export type Basis = "area" | "headcount" | "persons" | "households" | "representatives";
export type Scope =
  | { compound: string } | { building: string } | { building_unit: { building: string; unit: string } }
  | { territory: string } | "whole_roll";
export interface Owner { id: string; developer?: boolean }
export interface ExclusiveUnit { id: string; building: string; buildingUnit?: string; area: string; owner: string }
export interface OwnerRollDocument {
  format: "wangge.consultation.owner_roll"; version: 1; nonVoters?: "not_counted" | "counted_with_majority";
  owners: Owner[]; units: ExclusiveUnit[];
}
export interface Bilingual { zh: string; en: string }
export interface Condition {
  basis: Basis; numerator: "participants" | "agreeing" | "opposing" | "abstaining" | "not_opposing";
  denominator: "eligible" | "participants"; fraction: { num: number; den: number }; comparison: "at_least" | "more_than";
}
export interface RuleDocument {
  format?: "wangge.consultation.rule"; version?: 1; id: string; name: Bilingual;
  groups: { label?: Bilingual; conditions: Condition[] }[]; mustAgree?: ({ unit: string } | { voter: string })[];
}
export type RulePreset =
  | { preset: "civil_code_278_ordinary" } | { preset: "civil_code_278_special" }
  | { preset: "civil_code_279_unanimity"; owners: string[] } | { preset: "residents_meeting" }
  | { preset: "elevator_installation"; units: string[] } | { preset: "consensus_of_attendees"; basis: Basis }
  | { preset: "two_thirds_of_representatives" };
export interface VoteSpec { id: string; agenda: string; rule: RuleDocument | RulePreset; opensAt: Instant; closesAt: Instant }
export interface Weights { area: string; headcount: number; persons: number; households: number; representatives: number }
export interface Tally { ballots: number; agree: Weights; oppose: Weights; abstain: Weights }
export type Quantity = string | number;
export interface ConditionOutcome {
  condition: Condition; counted: Quantity; of: Quantity; needed?: Quantity; held: boolean;
  margin?: { short: Quantity } | { spare: Quantity }; explanation: Bilingual;
}
export interface Outcome {
  format: "wangge.consultation.outcome"; version: 1; vote?: string; rule: string; ruleName: Bilingual;
  electorate: "owners" | "residents" | "members"; scope: Scope; closed: boolean; passed: boolean; quorum: boolean;
  eligible: Weights; tally: Tally; counted: Tally; nonVoters?: { basis: Basis; choice: Choice; amount: Quantity }[];
  groups: { label?: Bilingual; held: boolean; quorum: boolean; conditions: ConditionOutcome[] }[];
  consents?: { consent: { unit: string } | { voter: string }; voter: string; choice?: Choice; given: boolean }[];
  explanation: Bilingual;
}
export interface ForumRecordsDocument {
  format: "wangge.consultation.forum_records"; version: 1;
  forums: { id: string; name: string; kind: ForumKind; host?: string }[];
  sessions: { id: string; forum: string; date: DateText; convener: string; participants: number;
    agenda?: { issue: string; title: string; decisions?: { text: string; ticket?: string; solved?: boolean; vote?: string }[] }[] }[];
}
export type TicketResolution = { ticket: string; state: TicketState } | { ticket: string; error: string };
export interface Household { id: string; representative: string; place?: string; buildingUnit?: string }
export interface Resident { id: string; household: string; birthDate: DateText }
export interface ResidentsGroup { id: string; representatives: string[] }
export interface ResidentRollDocument { households: Household[]; residents: Resident[]; groups?: ResidentsGroup[] }
export interface Member { id: string; representative?: boolean }
export interface ForumStats { sessions: number; consultations: number; problemsSolved: number; participants: number }

export type GroupBy = "all" | "department" | { level: NodeKind };
export type PeriodBy = "all" | "day" | "week" | "month" | { range: { from: DateText; to: DateText } };
export interface MetricsOptions {
  groupBy?: GroupBy; periodBy?: PeriodBy; basicallySatisfied?: { num: number; den: number };
  repeatWindowDays?: number; repeatPlace?: "compound" | "building";
}
export interface Rate { num: number; den: number; value: number | null }
export interface Counts {
  received: number; filed: number; rejected: number; closed: number; due: number; dueClosed: number; closedOnTime: number;
  signed: number; signedOnTime: number; visited: number; satisfied: number; basicallySatisfied: number; unsatisfied: number;
  resolved: number; returns: number; reopens: number; escalations: number; whistles: number; repeatComplaints: number;
}
export interface MetricsRow {
  group: string | null; groupName: string | null; period: string; counts: Counts;
  rates: { closing: Rate; onTimeClosing: Rate; response: Rate; resolution: Rate; satisfaction: Rate };
  handling: { count: number; meanSeconds: number | null; p50Seconds: number | null; p90Seconds: number | null; p95Seconds: number | null };
}
export interface MetricsReport {
  rows: MetricsRow[];
  departments: { department: string; name: string; summoned: number; signed: number; signedOnTime: number; reported: number;
    reportedOnTime: number; released: number; signPunctuality: Rate; reportPunctuality: Rate }[];
  grids: { grid: string; name: string; open: number; staff: number; perStaff: Rate }[];
  forums?: { total: ForumStats; byForum: { forum: string; stats: ForumStats }[] };
}
export type Metric =
  | "received" | "filed" | "rejected" | "closed" | "due" | "returns" | "escalations" | "whistles" | "repeat_complaints"
  | "closing_rate" | "on_time_closing_rate" | "response_rate" | "resolution_rate" | "satisfaction_rate" | "mean_handling_seconds";
export interface Ranked { rank: number; group: string | null; groupName: string | null; period: string; value: number | null }
export interface Threshold { metric: Metric; atLeast?: { num: number; den: number }; atMost?: { num: number; den: number } }
export interface Flag { group: string | null; period: string; metric: Metric; value: number; threshold: Threshold }
export interface ServiceRequest {
  service_request_id: string; status: "open" | "closed"; status_notes?: string; service_name?: string; service_code: string;
  description?: string; agency_responsible?: string; service_notice?: string; requested_datetime?: Instant;
  updated_datetime?: Instant; expected_datetime?: Instant; address?: string; address_id?: string; zipcode?: string;
  lat?: number; long?: number; media_url?: string;
}
export interface Open311Service { service_code: string; service_name: string; description: string; metadata: boolean; type: string; keywords: string; group: string }
export interface Open311Import { tickets: string[]; unmapped: { index: number; request?: string; field: string; value: unknown }[]; errors: ({ index: number } & ErrorInfo)[] }
"#;

#[wasm_bindgen]
extern "C" {
    /// `HierarchyDocument | string`.
    #[wasm_bindgen(typescript_type = "HierarchyDocument | string")]
    pub type JsHierarchyDocument;
    /// `HierarchyDocument`.
    #[wasm_bindgen(typescript_type = "HierarchyDocument")]
    pub type JsHierarchyDocumentOut;
    /// `NodeKind`.
    #[wasm_bindgen(typescript_type = "NodeKind")]
    pub type JsNodeKind;
    /// `EdgeKind`.
    #[wasm_bindgen(typescript_type = "EdgeKind")]
    pub type JsEdgeKind;
    /// `HierarchyNode`.
    #[wasm_bindgen(typescript_type = "HierarchyNode")]
    pub type JsNode;
    /// `HierarchyNode | undefined`.
    #[wasm_bindgen(typescript_type = "HierarchyNode | undefined")]
    pub type JsNodeOpt;
    /// `HierarchyNode[]`.
    #[wasm_bindgen(typescript_type = "HierarchyNode[]")]
    pub type JsNodes;
    /// `HierarchyEdge`.
    #[wasm_bindgen(typescript_type = "HierarchyEdge")]
    pub type JsEdge;
    /// `HierarchyEdge[]`.
    #[wasm_bindgen(typescript_type = "HierarchyEdge[]")]
    pub type JsEdges;
    /// `DivisionRow[]`.
    #[wasm_bindgen(typescript_type = "DivisionRow[]")]
    pub type JsDivisionRows;
    /// `DivisionImport`.
    #[wasm_bindgen(typescript_type = "DivisionImport")]
    pub type JsDivisionImport;
    /// `GeoPoint`, an optional trailing argument.
    #[wasm_bindgen(typescript_type = "GeoPoint")]
    pub type JsGeoPoint;
    /// `ChainBuffer`.
    #[wasm_bindgen(typescript_type = "ChainBuffer")]
    pub type JsChainBuffer;
    /// `string[]`.
    #[wasm_bindgen(typescript_type = "string[]")]
    pub type JsStrings;

    /// `NewTicket`.
    #[wasm_bindgen(typescript_type = "NewTicket")]
    pub type JsNewTicket;
    /// `Action`.
    #[wasm_bindgen(typescript_type = "Action")]
    pub type JsAction;
    /// `TicketState`.
    #[wasm_bindgen(typescript_type = "TicketState")]
    pub type JsTicketState;
    /// `TicketSnapshot | undefined`.
    #[wasm_bindgen(typescript_type = "TicketSnapshot | undefined")]
    pub type JsSnapshotOpt;
    /// `TicketSnapshot[]`.
    #[wasm_bindgen(typescript_type = "TicketSnapshot[]")]
    pub type JsSnapshots;
    /// `TicketEvent[]`.
    #[wasm_bindgen(typescript_type = "TicketEvent[]")]
    pub type JsEvents;
    /// `BulkItem[]`.
    #[wasm_bindgen(typescript_type = "BulkItem[]")]
    pub type JsBulkItems;
    /// `BulkReport`.
    #[wasm_bindgen(typescript_type = "BulkReport")]
    pub type JsBulkReport;
    /// `AuthorityDocument | string` (or an `Authority`).
    #[wasm_bindgen(typescript_type = "AuthorityDocument | string")]
    pub type JsAuthorityLike;
    /// `AuthorityLike`, an optional trailing argument (`Option<…>` in signatures).
    #[wasm_bindgen(typescript_type = "AuthorityLike")]
    pub type JsAuthorityOpt;
    /// `AuthorityDocument`.
    #[wasm_bindgen(typescript_type = "AuthorityDocument")]
    pub type JsAuthorityDocument;
    /// `Role[]`.
    #[wasm_bindgen(typescript_type = "Role[]")]
    pub type JsRoles;
    /// `Conflict[]`.
    #[wasm_bindgen(typescript_type = "Conflict[]")]
    pub type JsConflicts;
    /// `LoadOptions`, an optional trailing argument (`Option<…>` in signatures).
    #[wasm_bindgen(typescript_type = "LoadOptions")]
    pub type JsLoadOptions;
    /// `Denial | undefined`.
    #[wasm_bindgen(typescript_type = "Denial | undefined")]
    pub type JsDenialOpt;
    /// `Record<string, unknown>[]` (flat event rows).
    #[wasm_bindgen(typescript_type = "Record<string, unknown>[]")]
    pub type JsRows;
    /// `({ index: number } & ErrorInfo)[]`.
    #[wasm_bindgen(typescript_type = "({ index: number } & ErrorInfo)[]")]
    pub type JsIndexedErrors;
    /// `RowError[]`.
    #[wasm_bindgen(typescript_type = "RowError[]")]
    pub type JsRowErrors;
    /// `TaxonomyDocument | string`, an optional trailing argument (`Option<…>` in signatures).
    #[wasm_bindgen(typescript_type = "TaxonomyDocument | string")]
    pub type JsTaxonomyOpt;
    /// `TaxonomyDocument`.
    #[wasm_bindgen(typescript_type = "TaxonomyDocument")]
    pub type JsTaxonomy;

    /// `CalendarDocument | string`.
    #[wasm_bindgen(typescript_type = "CalendarDocument | string")]
    pub type JsCalendarDocument;
    /// `CalendarDocument`.
    #[wasm_bindgen(typescript_type = "CalendarDocument")]
    pub type JsCalendarDocumentOut;
    /// `ServicePolicy | string`.
    #[wasm_bindgen(typescript_type = "ServicePolicy | string")]
    pub type JsServicePolicy;
    /// `ServicePolicy`.
    #[wasm_bindgen(typescript_type = "ServicePolicy")]
    pub type JsServicePolicyOut;
    /// `EscalationPolicyDocument | string`.
    #[wasm_bindgen(typescript_type = "EscalationPolicyDocument | string")]
    pub type JsEscalationPolicy;
    /// `EscalationPolicyDocument`.
    #[wasm_bindgen(typescript_type = "EscalationPolicyDocument")]
    pub type JsEscalationPolicyOut;
    /// `Decision[]`.
    #[wasm_bindgen(typescript_type = "Decision[]")]
    pub type JsDecisions;
    /// `Applied[]`.
    #[wasm_bindgen(typescript_type = "Applied[]")]
    pub type JsApplied;
    /// `WhatIf`.
    #[wasm_bindgen(typescript_type = "WhatIf")]
    pub type JsWhatIf;

    /// `OwnerRollDocument | string`.
    #[wasm_bindgen(typescript_type = "OwnerRollDocument | string")]
    pub type JsOwnerRoll;
    /// `ResidentRollDocument | string`.
    #[wasm_bindgen(typescript_type = "ResidentRollDocument | string")]
    pub type JsResidentRoll;
    /// `Member[]`.
    #[wasm_bindgen(typescript_type = "Member[]")]
    pub type JsMembers;
    /// `Scope`.
    #[wasm_bindgen(typescript_type = "Scope")]
    pub type JsScope;
    /// `VoteSpec`.
    #[wasm_bindgen(typescript_type = "VoteSpec")]
    pub type JsVoteSpec;
    /// `Choice`.
    #[wasm_bindgen(typescript_type = "Choice")]
    pub type JsChoice;
    /// `Tally`.
    #[wasm_bindgen(typescript_type = "Tally")]
    pub type JsTally;
    /// `Weights`.
    #[wasm_bindgen(typescript_type = "Weights")]
    pub type JsWeights;
    /// `Outcome`.
    #[wasm_bindgen(typescript_type = "Outcome")]
    pub type JsOutcome;
    /// `RuleDocument | RulePreset | string`.
    #[wasm_bindgen(typescript_type = "RuleDocument | RulePreset | string")]
    pub type JsRule;
    /// `RuleDocument`.
    #[wasm_bindgen(typescript_type = "RuleDocument")]
    pub type JsRuleOut;
    /// `ForumRecordsDocument | string`.
    #[wasm_bindgen(typescript_type = "ForumRecordsDocument | string")]
    pub type JsForumRecords;
    /// `ForumRecordsDocument`.
    #[wasm_bindgen(typescript_type = "ForumRecordsDocument")]
    pub type JsForumRecordsOut;
    /// `ForumStats`.
    #[wasm_bindgen(typescript_type = "ForumStats")]
    pub type JsForumStats;
    /// `TicketResolution[]`.
    #[wasm_bindgen(typescript_type = "TicketResolution[]")]
    pub type JsTicketResolutions;

    /// `MetricsOptions`, an optional trailing argument (`Option<…>` in signatures).
    #[wasm_bindgen(typescript_type = "MetricsOptions")]
    pub type JsMetricsOptions;
    /// `MetricsReport`.
    #[wasm_bindgen(typescript_type = "MetricsReport")]
    pub type JsMetricsReport;
    /// `Metric`.
    #[wasm_bindgen(typescript_type = "Metric")]
    pub type JsMetric;
    /// `Ranked[]`.
    #[wasm_bindgen(typescript_type = "Ranked[]")]
    pub type JsRanked;
    /// `Threshold[]`.
    #[wasm_bindgen(typescript_type = "Threshold[]")]
    pub type JsThresholds;
    /// `Flag[]`.
    #[wasm_bindgen(typescript_type = "Flag[]")]
    pub type JsFlags;
    /// `ServiceRequest[]`.
    #[wasm_bindgen(typescript_type = "ServiceRequest[]")]
    pub type JsServiceRequests;
    /// `Open311Service[]`.
    #[wasm_bindgen(typescript_type = "Open311Service[]")]
    pub type JsOpen311Services;
    /// `Open311Import`.
    #[wasm_bindgen(typescript_type = "Open311Import")]
    pub type JsOpen311Import;
}
