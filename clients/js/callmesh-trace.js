// W3C traceparent values for the calls this client makes: a new trace per call, or a child of the
// call being served when calling on its behalf. The hub continues them; nothing is recorded here.

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})/;

function hex(bytes) {
  const b = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(b);
  if (b.every((x) => x === 0)) b[0] = 1; // all zeros is not a valid id
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * @param {string|undefined} parent the traceparent of the call served, if any
 * @returns {string|undefined} a traceparent for a new call: a child of a valid parent (same trace id and
 *   flags, new parent id), else a new trace; undefined where there is no `crypto` (the hub then starts one)
 */
export function traceparent(parent) {
  if (!globalThis.crypto || typeof globalThis.crypto.getRandomValues !== "function") return undefined;
  const m = typeof parent === "string" ? TRACEPARENT.exec(parent) : null;
  if (m && m[1] !== "ff" && !/^0+$/.test(m[2]) && !/^0+$/.test(m[3])) return `00-${m[2]}-${hex(8)}-${m[4]}`;
  return `00-${hex(16)}-${hex(8)}-01`;
}
