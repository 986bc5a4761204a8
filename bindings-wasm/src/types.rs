//! TypeScript types of the plain objects that cross the boundary, emitted into the package's
//! `.d.ts`: the core's shapes generated from its Rust types (`types.generated.d.ts`, by
//! `scripts/gen_types.py`), and the few shapes only this binding has, written here.

use wasm_bindgen::prelude::*;

/// The JSON shapes of the core's types, generated from the Rust types by
/// `scripts/gen_types.py` (checked for staleness in `make test`).
#[wasm_bindgen(typescript_custom_section)]
const TS_GENERATED: &'static str = include_str!("types.generated.d.ts");

/// The shapes that only the JS binding has: how instants and errors look in JS, and the
/// arguments and results the binding assembles itself.
#[wasm_bindgen(typescript_custom_section)]
const TS_BINDING: &'static str = r#"
/** An instant: RFC 3339 / ISO-8601 text with an offset, e.g. "2025-03-03T09:00:00+08:00". */
export type Instant = string;
/** What an argument that is an instant accepts: RFC 3339 text, a `Date`, or milliseconds since the epoch (a fraction of a second is dropped). */
export type InstantLike = Instant | Date | number;
/** A civil date, "YYYY-MM-DD". */
export type DateText = string;
/** A thrown WanggeError as data: its stable code, its message and its details. */
export interface ErrorInfo { code: string; message: string; [detail: string]: unknown }
/** A refused row of a table: its 1-based row number and the error. */
export type RowError = { row: number } & ErrorInfo;
/** The outcome of an Open311 import: the tickets imported, the fields not mapped (as given), what was assumed, the rows repeating an earlier row, and the refused rows (with the request's id). */
export interface Open311Import { tickets: string[]; unmapped: Open311Unmapped[]; assumed: Open311Assumed[]; duplicates: Open311Duplicate[]; errors: (RowError & { request?: string })[] }
/** An Open311 document as read: what it is, and its items (requests, services or receipts; the definition; the errors). */
export interface Open311Read { kind: "requests" | "services" | "definition" | "receipts" | "errors"; items: unknown }
/** An Open311 service list as a taxonomy, with the service fields a category does not carry and the refused services. */
export interface Open311ServicesImport { taxonomy: TaxonomyDocument; unmapped: Open311Unmapped[]; errors: (RowError & { request?: string })[] }
/** The outcome of a division-code import: the ids added and the refused rows. */
export interface DivisionImport { added: string[]; errors: { row: number; code: string; message: string }[] }
/** Chains of ancestors, packed: the keys of every chain end to end, and where each ends. */
export interface ChainBuffer { chains: Uint32Array; ends: Uint32Array }
/** A calendar span as written: ["08:30", "12:00"]. */
export type Span = [string, string];
/** An authority: a preset's name ("gbt30428", "hotline12345", "legacy_permissive"), a document or its JSON text. */
export type AuthorityLike = Authority | AuthorityDocument | string;
/** How a history is loaded: under which authority, and whether its events are trusted (not re-checked). */
export interface LoadOptions { authority?: AuthorityLike; trusted?: boolean }
/** How a JSON-lines log is loaded: `LoadOptions`, and the Ed25519 public key (32 bytes) that must have signed every segment. */
export interface LogOptions extends LoadOptions { publicKey?: Uint8Array }
/** One item of a bulk application. */
export interface BulkItem { ticket: string; actor: string; at: Instant; action: Action }
/** The outcome of a bulk application: each item's new state (null if refused) and the refusals. */
export interface BulkReport { states: (TicketState | null)[]; errors: ({ row: number } & ErrorInfo)[] }
/** One applied decision of the escalation engine: the new state, or the error. */
export interface Applied { index: number; state?: TicketState; error?: ErrorInfo }
/** What it takes to open a vote: an agenda item, a rule (a document, a preset or JSON text), and its time window. */
export interface VoteSpec { id: string; agenda: string; rule: RuleDocument | RulePreset | string; opensAt: Instant; closesAt: Instant }
/** A ticket a forum decision resolved: its new state, or the code of the error that refused it. */
export type TicketResolution = { ticket: string; state: TicketState } | { ticket: string; error: string };
"#;

#[wasm_bindgen]
extern "C" {
    /// `InstantLike`: RFC 3339 text, a `Date` or epoch milliseconds.
    #[wasm_bindgen(typescript_type = "InstantLike")]
    pub type JsInstant;
    /// `HierarchyDocument | string`.
    #[wasm_bindgen(typescript_type = "HierarchyDocument | string")]
    pub type JsHierarchyDocument;
    /// `HierarchyDocument`.
    #[wasm_bindgen(typescript_type = "HierarchyDocument")]
    pub type JsHierarchyDocumentOut;
    /// `NodeKind`.
    #[wasm_bindgen(typescript_type = "NodeKind")]
    pub type JsNodeKind;
    /// `CoordSystem`.
    #[wasm_bindgen(typescript_type = "CoordSystem")]
    pub type JsCoordSystem;
    /// A boundary: `HierarchyNode["boundary"] | null`.
    #[wasm_bindgen(typescript_type = "HierarchyNode[\"boundary\"] | null")]
    pub type JsBoundary;
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
    /// `LogOptions`, an optional trailing argument.
    #[wasm_bindgen(typescript_type = "LogOptions")]
    pub type JsLogOptions;
    /// `Denial | undefined`.
    #[wasm_bindgen(typescript_type = "Denial | undefined")]
    pub type JsDenialOpt;
    /// `Record<string, unknown>[]` (flat event rows).
    #[wasm_bindgen(typescript_type = "Record<string, unknown>[]")]
    pub type JsRows;
    /// `({ row: number } & ErrorInfo)[]`: refused rows, numbered from 1.
    #[wasm_bindgen(typescript_type = "({ row: number } & ErrorInfo)[]")]
    pub type JsIndexedErrors;
    /// `BallotRecord[]`.
    #[wasm_bindgen(typescript_type = "BallotRecord[]")]
    pub type JsBallots;
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
    /// `[Instant, string, DeadlineKind][]`.
    #[wasm_bindgen(typescript_type = "[Instant, string, DeadlineKind][]")]
    pub type JsDue;
    /// `ServiceLevels | undefined`.
    #[wasm_bindgen(typescript_type = "ServiceLevels | undefined")]
    pub type JsServiceLevelsOpt;
    /// `Household[]`.
    #[wasm_bindgen(typescript_type = "Household[]")]
    pub type JsHouseholds;
    /// `Resident[]`.
    #[wasm_bindgen(typescript_type = "Resident[]")]
    pub type JsResidents;
    /// `ResidentsGroup[]`.
    #[wasm_bindgen(typescript_type = "ResidentsGroup[]")]
    pub type JsResidentsGroups;
    /// `ResidentRollDocument`.
    #[wasm_bindgen(typescript_type = "ResidentRollDocument")]
    pub type JsResidentRollOut;
    /// `OwnerRollDocument`.
    #[wasm_bindgen(typescript_type = "OwnerRollDocument")]
    pub type JsOwnerRollOut;
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
    /// What Open311 servers return: the text (JSON or XML), a list of requests or services,
    /// or one request (with any fields).
    #[wasm_bindgen(
        typescript_type = "string | Record<string, unknown>[] | Record<string, unknown>"
    )]
    pub type JsOpen311Document;
    /// `Open311Read`.
    #[wasm_bindgen(typescript_type = "Open311Read")]
    pub type JsOpen311Read;
    /// `Open311ServicesImport`.
    #[wasm_bindgen(typescript_type = "Open311ServicesImport")]
    pub type JsOpen311ServicesImport;
    /// `Open311ImportOptions`.
    #[wasm_bindgen(typescript_type = "Open311ImportOptions")]
    pub type JsOpen311ImportOptions;
    /// `Open311Service[]`.
    #[wasm_bindgen(typescript_type = "Open311Service[]")]
    pub type JsOpen311Services;
    /// `Open311Import`.
    #[wasm_bindgen(typescript_type = "Open311Import")]
    pub type JsOpen311Import;
}
