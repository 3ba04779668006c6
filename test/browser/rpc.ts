/**
 * The control channel's wire format, shared by the Node side (control-server.ts) and the page (page-env.ts): JSON
 * messages over one WebSocket. No Node built-ins here (the page imports it), and binary data travels as base64.
 *
 * page → server: `{id, method, params}`; server → page: `{id, result}` or `{id, error}`.
 */
import type { CloseInfo, Handshake, ServerOptions } from '../conformance/env.js';
import type { ConnectionFault } from '../../src/testing/index.js';

/** Binary data in JSON. */
export interface EncodedBinary {
  readonly base64: string;
}

export type EncodedData = string | EncodedBinary;

/** Every call the page can make, with its parameters and its result. */
export interface Methods {
  startServer: { params: { options: ServerOptions }; result: { server: number; url: string } };
  nextConnection: { params: { server: number }; result: { client: number } };
  handshakes: { params: { server: number }; result: Handshake[] };
  connectionCount: { params: { server: number }; result: number };
  closeServer: { params: { server: number }; result: null };
  nextMessage: { params: { client: number }; result: { data: EncodedData; binary: boolean } };
  send: { params: { client: number; data: EncodedData }; result: null };
  close: { params: { client: number; code?: number; reason?: string }; result: CloseInfo };
  waitForClose: { params: { client: number }; result: CloseInfo };
  inject: { params: { client: number; fault: ConnectionFault }; result: null };
}

export type Method = keyof Methods;

export interface Request<M extends Method = Method> {
  readonly id: number;
  readonly method: M;
  readonly params: Methods[M]['params'];
}

export type Response =
  { readonly id: number; readonly result: unknown } | { readonly id: number; readonly error: string };

/** Encodes bytes for JSON (`btoa` is a global in browsers and Node 16+). */
export function encodeData(data: string | ArrayBuffer | Uint8Array): EncodedData {
  if (typeof data === 'string') return data;
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { base64: btoa(binary) };
}

/** Decodes what `encodeData` made: a string, or an exact ArrayBuffer of this realm. */
export function decodeData(data: EncodedData): string | ArrayBuffer {
  if (typeof data === 'string') return data;
  const binary = atob(data.base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}
