// Envelopes on a WebSocket: one text message is one JSON envelope {type, id, payload}.

import { CallError, ErrorCode } from "./callmesh-errors.js";

/** WebSocket.OPEN, the same in every implementation. */
export const OPEN = 1;
/** The hub's frame limit until its welcome says otherwise. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * @returns {string} the envelope as text
 * @throws {CallError} INVALID_INPUT when the payload is not JSON (a BigInt, a cycle), RESOURCE_EXHAUSTED
 *   when it is over the frame limit: the hub would drop the connection for it
 */
export function encode(type, id, payload, maxFrameBytes) {
  let text;
  try {
    text = JSON.stringify({ type, id, payload });
  } catch (err) {
    throw new CallError({ code: ErrorCode.INVALID_INPUT, message: `not JSON: ${err.message}`, retryable: false });
  }
  const max = maxFrameBytes || DEFAULT_MAX_FRAME_BYTES;
  if (text.length > max / 3 && new TextEncoder().encode(text).length > max) {
    throw new CallError({ code: ErrorCode.RESOURCE_EXHAUSTED, message: `the ${type} is larger than the hub's `
      + `frame limit of ${max} bytes`, retryable: false });
  }
  return text;
}

/** @returns {{type: string, id: string, payload: object}|null} one text message's envelope, or null */
export function parse(data) {
  if (typeof data !== "string") return null;
  let e;
  try {
    e = JSON.parse(data);
  } catch {
    return null;
  }
  if (!e || typeof e !== "object" || Array.isArray(e) || typeof e.type !== "string") return null;
  return { type: e.type, id: typeof e.id === "string" ? e.id : "",
    payload: e.payload && typeof e.payload === "object" && !Array.isArray(e.payload) ? e.payload : {} };
}

/**
 * @returns {string} the hub's WebSocket URL on this page's host: ws(s)://host/v1/ws
 * @throws {TypeError} where there is no page (Node.js): the URL must then be given
 */
export function defaultUrl() {
  const loc = globalThis.location;
  if (!loc || !loc.host) {
    throw new TypeError("there is no page to take the hub's address from: pass url, e.g. ws://127.0.0.1:7480/v1/ws");
  }
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}/v1/ws`;
}

/** Closes at once, its handlers detached: `ws` has terminate() (no closing handshake with a peer that may be gone). */
export function hardClose(ws) {
  if (!ws) return;
  ws.onmessage = null;
  ws.onerror = () => {};
  ws.onclose = null;
  try {
    if (typeof ws.terminate === "function") ws.terminate(); else ws.close();
  } catch { /* already closed */ }
}

/** Calls a listener; its exception is reported on the console but never breaks the client. */
export function notify(listener, arg) {
  try {
    listener(arg);
  } catch (err) {
    console.error("callmesh: a listener threw", err);
  }
}
