// The engine's failures, by code. The wasm module throws JS `Error`s whose `code` is the Rust
// `ErrorCode` (src/error.rs; the TypeScript type is generated into bindings/ErrorCode.ts). The
// page decides what went wrong from that code alone, never from the wording of the message,
// which may change. Pure: no DOM, no engine, so that it can be tested in node.

/**
 * The code the Rust library puts on every error it throws (generated from src/error.rs).
 * @typedef {import('../../bindings/ErrorCode').ErrorCode} RustCode
 *
 * What the page acts on: the engine could not start ('load'), its data is of another schema
 * version ('version'), a council policy pack was refused ('policy'), the text is not a postcode
 * ('malformed'), the postcode is outside England, in no area the data covers, or not found,
 * a search the engine refused ('query'), or a call before the engine was loaded.
 * @typedef {'load' | 'version' | 'policy' | 'malformed' | 'outsideEngland' | 'notCovered' | 'notFound' | 'query' | 'notLoaded'} PageCode
 */

/** An engine failure with a code the page can act on. */
export class EngineError extends Error {
  /**
   * @param {PageCode} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
  }
}

/** @param {unknown} error */
export function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The Rust code of an error thrown by the wasm module, or null for anything else.
 * @param {unknown} error
 * @returns {RustCode | null}
 */
export function rustCodeOf(error) {
  const code = /** @type {{ code?: unknown } | null} */ (error)?.code;
  return typeof code === 'string' ? /** @type {RustCode} */ (code) : null;
}

/**
 * Why the engine could not start: a council policy pack it refused ('policy': the page falls back
 * to the default pack), data of another schema version ('version'), or anything else ('load').
 * @param {unknown} error thrown by `new Finder(...)`
 * @returns {PageCode}
 */
export function loadCode(error) {
  switch (rustCodeOf(error)) {
    case 'policy': return 'policy';
    case 'wrongVersion': return 'version';
    default: return 'load';
  }
}

/**
 * Why a postcode look-up in its area's shard failed: the shard file itself is not usable (a web
 * page sent instead, cut short, another version, too large: 'load', not the postcode's fault),
 * the shard places it outside England ('outsideEngland'), or the postcode is not in it ('notFound').
 * @param {unknown} error thrown by `lookupPostcode`
 * @returns {PageCode}
 */
export function lookupCode(error) {
  switch (rustCodeOf(error)) {
    case 'corrupt':
    case 'wrongVersion':
    case 'tooLarge':
      return 'load';
    case 'outsideEngland':
      return 'outsideEngland';
    default:
      return 'notFound';
  }
}

/**
 * For an `outsideEngland` error, the nation or island the engine placed the postcode in ("Wales"):
 * data on the error (src/wasm.rs puts it there), never read out of the message.
 * @param {unknown} error
 * @returns {string | null}
 */
export function placeOf(error) {
  const place = /** @type {{ place?: unknown } | null} */ (error)?.place;
  return typeof place === 'string' && place !== '' ? place : null;
}

/**
 * An error from a call to the engine as the page sees it: an `EngineError` as it is, anything
 * else as a refused search ('query').
 * @param {unknown} error
 * @returns {EngineError}
 */
export function asEngineError(error) {
  return error instanceof EngineError ? error : new EngineError('query', messageOf(error));
}
