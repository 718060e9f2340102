// SOAP 1.2 as ONVIF speaks it: envelopes, WS-Security UsernameToken with a password digest, and
// a tolerant parser (namespace prefixes dropped, since devices choose their own). Both Vigil's
// client and the simulator's ONVIF face use it, so the two cannot drift apart on the format.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { OnvifError } from './errors.ts';

export const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  device: 'http://www.onvif.org/ver10/device/wsdl',
  media: 'http://www.onvif.org/ver10/media/wsdl',
  ptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  events: 'http://www.onvif.org/ver10/events/wsdl',
  schema: 'http://www.onvif.org/ver10/schema',
  wsa: 'http://www.w3.org/2005/08/addressing',
  wsnt: 'http://docs.oasis-open.org/wsn/b-2',
  ter: 'http://www.onvif.org/ver10/error',
} as const;

const PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';

export function xmlEscape(v: string | number | boolean): string {
  return String(v).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export interface UsernameToken {
  username: string;
  digest: string;
  nonce: string;
  created: string;
}

/** Base64(SHA-1(nonce + created + password)), as WS-Security's UsernameToken profile defines it. */
export function passwordDigest(nonceB64: string, created: string, password: string): string {
  return createHash('sha1').update(Buffer.concat([Buffer.from(nonceB64, 'base64'), Buffer.from(created), Buffer.from(password)])).digest('base64');
}

export function usernameToken(username: string, password: string, nowMs: number): UsernameToken {
  const nonce = randomBytes(16).toString('base64');
  const created = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { username, nonce, created, digest: passwordDigest(nonce, created, password) };
}

export function envelope(body: string, token?: UsernameToken, extraHeader = ''): string {
  const security = token
    ? `<wsse:Security s:mustUnderstand="1" xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}"><wsse:UsernameToken><wsse:Username>${xmlEscape(token.username)}</wsse:Username>` +
      `<wsse:Password Type="${PASSWORD_DIGEST}">${token.digest}</wsse:Password><wsse:Nonce>${token.nonce}</wsse:Nonce><wsu:Created>${token.created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${NS.soap}" xmlns:tt="${NS.schema}" xmlns:tds="${NS.device}" xmlns:trt="${NS.media}" xmlns:tptz="${NS.ptz}" xmlns:tev="${NS.events}" xmlns:wsa="${NS.wsa}" xmlns:wsnt="${NS.wsnt}" xmlns:ter="${NS.ter}">` +
    `<s:Header>${security}${extraHeader}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

/** A SOAP fault with ONVIF's subcode (e.g. ter:NotAuthorized). */
export function faultEnvelope(code: 'Sender' | 'Receiver', subcode: string, reason: string): string {
  return envelope(`<s:Fault><s:Code><s:Value>s:${code}</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">${xmlEscape(reason)}</s:Text></s:Reason></s:Fault>`);
}

// Elements that may repeat: always arrays, so one and many read alike.
const REPEATED = new Set(['Profiles', 'ProbeMatch', 'Service', 'Preset', 'NotificationMessage', 'SimpleItem', 'VideoSources', 'PTZNode', 'PTZConfiguration']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
  // Devices are not trusted: no entity expansion.
  processEntities: true,
  htmlEntities: false,
});

export type XmlNode = Record<string, unknown>;

export interface ParsedSoap {
  header: XmlNode;
  body: XmlNode;
  /** The first element of the body (the call or its response) and its local name. */
  name: string;
  payload: XmlNode;
  fault: { code: string; subcode: string; reason: string } | null;
}

/** Text of an element that may carry attributes ({'#text': …}) or be empty. */
export function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return text((v as XmlNode)['#text']);
  return String(v);
}

export function child(v: unknown, name: string): XmlNode | undefined {
  const c = v && typeof v === 'object' ? (v as XmlNode)[name] : undefined;
  return c && typeof c === 'object' && !Array.isArray(c) ? (c as XmlNode) : undefined;
}

export function children(v: unknown, name: string): XmlNode[] {
  const c = v && typeof v === 'object' ? (v as XmlNode)[name] : undefined;
  if (c === undefined || c === null) return [];
  return (Array.isArray(c) ? c : [c]).map((x) => (typeof x === 'object' ? (x as XmlNode) : { '#text': x }));
}

/** Parses a SOAP envelope; anything else (HTML, garbage, truncated XML) is ONVIF_BAD_RESPONSE. */
export function parseSoap(xml: string): ParsedSoap {
  const trimmed = xml.trim();
  if (!trimmed.startsWith('<') || XMLValidator.validate(trimmed) !== true) {
    throw new OnvifError('ONVIF_BAD_RESPONSE', `not XML: ${JSON.stringify(trimmed.slice(0, 80))}`);
  }
  const doc = parser.parse(trimmed) as XmlNode;
  const env = child(doc, 'Envelope');
  const body = env && child(env, 'Body');
  if (!env || !body) throw new OnvifError('ONVIF_BAD_RESPONSE', 'XML but not a SOAP envelope');
  const name = Object.keys(body).find((k) => !k.startsWith('@') && k !== '#text') ?? '';
  const payload = (child(body, name) ?? {}) as XmlNode;
  let fault: ParsedSoap['fault'] = null;
  if (name === 'Fault') {
    const code = child(payload, 'Code');
    fault = {
      code: text(code?.Value),
      subcode: text(child(code, 'Subcode')?.Value),
      reason: text(child(payload, 'Reason')?.Text) || text(payload.faultstring) || 'fault',
    };
  }
  return { header: child(env, 'Header') ?? {}, body, name, payload, fault };
}

/** The UsernameToken of a request's header, or null. */
export function readUsernameToken(header: XmlNode): UsernameToken | null {
  const t = child(child(header, 'Security'), 'UsernameToken');
  if (!t) return null;
  return { username: text(t.Username), digest: text(t.Password), nonce: text(t.Nonce), created: text(t.Created) };
}

/**
 * The device's check of a UsernameToken: right digest, created within skewMs of now, and a nonce
 * not seen before (seen holds the nonces of the last skewMs, so a captured request cannot be replayed).
 */
export function checkUsernameToken(token: UsernameToken | null, username: string, password: string, nowMs: number, seen: Map<string, number>, skewMs = 300_000): boolean {
  if (!token || token.username !== username || !token.nonce || !token.created) return false;
  const created = Date.parse(token.created);
  if (!Number.isFinite(created) || Math.abs(nowMs - created) > skewMs) return false;
  const want = Buffer.from(passwordDigest(token.nonce, token.created, password));
  const got = Buffer.from(token.digest);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return false;
  for (const [n, at] of seen) if (nowMs - at > skewMs) seen.delete(n);
  if (seen.has(token.nonce)) return false;
  seen.set(token.nonce, nowMs);
  return true;
}
