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
 * The query the engine ranks against (see `src/rank.rs`). Optional fields are left out, not null.
 * @typedef {{
 *   home: LatLon,
 *   homeLa?: number | null,
 *   age?: number,
 *   dateOfBirth?: string,
 *   startDate?: string,
 *   taughtOutOfYearGroup?: boolean,
 *   primaryNeed: string,
 *   otherNeeds: string[],
 *   level: string,
 *   kinds: string[],
 *   radiusMiles: number,
 *   limit?: number,
 *   childSex?: string,
 *   singleSex?: string,
 *   religiousCharacter?: string,
 *   boarding?: string,
 *   includeIndependent?: boolean,
 *   sameLaOnly?: boolean,
 * }} Query
 */

/**
 * @typedef {{ code: string, text: string }} Reason
 * @typedef {{ capacity?: number | null, onRoll?: number | null, asOf?: string | null, text?: string }} Places
 * @typedef {{
 *   rank: number, urn: number, site: unknown, name: string, kind: string, kindLabel: string,
 *   ageRange: string | null, distanceM: number, distanceMiles: number, score: number, coverage: number,
 *   reasons: Reason[], flags: (Reason | string)[], places: Places | null, website: string | null,
 *   location: LatLon, la: string | number | null, laName?: string | null, postcode?: string | null,
 *   needs?: string[] | null,
 * }} Result
 * @typedef {{ urn: number, site?: unknown, name: string, kind: string, kindLabel?: string,
 *   distanceM: number, distanceMiles?: number, rule: Reason }} NearMiss
 * @typedef {{
 *   query: unknown,
 *   policy: { id: string, version: string, illustrative: boolean },
 *   data: Record<string, unknown>,
 *   results: Result[],
 *   nearMisses: NearMiss[],
 *   counts: Record<string, number>,
 * }} ShortList
 * @typedef {Record<string, unknown>} Explanation
 */

export {};
