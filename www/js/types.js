// The shapes that cross between the engine (Rust, serde camelCase) and the page, as JSDoc types.
// Nothing runs here: modules import these with `import('./types.js').Name`.

/**
 * @typedef {{ lat: number, lon: number }} LatLon
 *
 * @typedef {{ code: string, label: string, plain: string, area: string | null }} NeedTerm
 * @typedef {{ code: string, label: string }} Term
 * @typedef {{ needs: NeedTerm[], areas: Term[], kinds: Term[] }} Vocabulary
 *
 * @typedef {{ id: string, label: string, description: string, kinds: string[], radiusMiles: number }} PolicyLevel
 * @typedef {{ id: string, version: string, illustrative: boolean, title: string, notice: string,
 *   levels: PolicyLevel[], wording?: Record<string, string> }} Policy
 *
 * @typedef {{ key: string, title: string, date: string | null, rows: number }} DataSource
 * @typedef {{ schemaVersion: number, buildDate: string, dataVersion: string, coverage: string,
 *   sources: DataSource[], settingCount: number, establishmentCount: number }} Meta
 *
 * @typedef {{ postcode: string, location: LatLon, precision: 'unit' | 'sector' | 'outcode', la: number | null }} PostcodeFix
 * @typedef {{ age: number, yearGroup: string }} AgeAt
 */

/**
 * The query the engine ranks against (`src/rank/query.rs`; unknown fields are refused). Optional
 * fields are left out, not null. `age` is the age on 31 August before the school year of the
 * start; `taughtOutOfYearGroup` the age to match settings' age ranges on instead.
 * @typedef {{
 *   home: LatLon,
 *   homeLa?: number | null,
 *   age?: number,
 *   dateOfBirth?: string,
 *   startDate?: string,
 *   taughtOutOfYearGroup?: number,
 *   primaryNeed: string,
 *   otherNeeds: string[],
 *   level: string,
 *   kinds?: string[],
 *   radiusMiles?: number,
 *   limit?: number,
 *   childSex?: 'boys' | 'girls',
 *   singleSex?: 'boys' | 'girls' | 'mixed',
 *   religiousCharacter?: string,
 *   boarding?: boolean,
 *   includeIndependent?: boolean,
 *   sameLaOnly?: boolean,
 * }} Query
 */

/**
 * The shortlist (`src/rank/output.rs`). A reason with `factor` is part of the fit score; the
 * others are notes, and `flags` names the notes that are things to check.
 * @typedef {{ weight: number, value: number | null, contribution: number }} FactorScore
 * @typedef {{ code: string, text: string, factor?: FactorScore }} Reason
 * @typedef {{ capacity?: number | null, onRoll?: number | null, free?: number | null, asOf?: string | null, text?: string }} Places
 * @typedef {{ low: number, high: number, basis?: 'statutory' | 'phase' }} AgeRange
 * @typedef {{ code: number, name: string | null }} LaRef
 * @typedef {{
 *   rank: number, urn: number, site: unknown, name: string, kind: string, kindLabel: string,
 *   ageRange: AgeRange | string | null, distanceM: number, distanceMiles: number, score: number, coverage: number,
 *   reasons: Reason[], flags: (string | Reason)[], places: Places | null, website: string | null,
 *   location: LatLon, la: LaRef | number | null, laName?: string | null, postcode?: string | null,
 * }} Result
 * @typedef {{ urn: number, site?: unknown, name: string, kind: string, kindLabel?: string,
 *   distanceM: number, distanceMiles?: number, score?: number, rule: Reason }} NearMiss
 * @typedef {{ age: number, year: number | null, yearGroup: string, matchAge: number, taughtOutOfYearGroup: boolean }} ChildAge
 * @typedef {{
 *   query: unknown,
 *   child?: ChildAge,
 *   policy: { id: string, version: string, illustrative: boolean, title?: string, notice?: string, levelId?: string, levelLabel?: string },
 *   kinds?: string[],
 *   radiusMiles?: number,
 *   advisory?: string,
 *   data: { version?: string, built?: string | null, sources?: DataSource[] },
 *   results: Result[],
 *   nearMisses: NearMiss[],
 *   counts: { considered?: number, eligible?: number, listed?: number, inDataset?: number },
 * }} ShortList
 * @typedef {{ site: unknown, name: string, kind: string, kindLabel: string, outcome: { status: string, rank?: number },
 *   text: string, distanceM: number, distanceMiles: number, score: number, coverage: number, reasons: Reason[] }} SiteExplanation
 * @typedef {{ urn: number, inDataset: boolean, summary: string, listed: number, sites: SiteExplanation[] }} Explanation
 */

export {};
