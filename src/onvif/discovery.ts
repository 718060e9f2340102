// WS-Discovery (2005/04, as ONVIF uses it): a Probe sent to 239.255.255.250:3702 and the
// ProbeMatches devices answer with, unicast. The messages are built and read here for both sides:
// Vigil's discover() and the simulator's responder.
import { createSocket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { child, children, parseSoap, text, xmlEscape } from './soap.ts';

export const WS_DISCOVERY_ADDRESS = '239.255.255.250';
export const WS_DISCOVERY_PORT = 3702;
const WSD = 'http://schemas.xmlsoap.org/ws/2005/04/discovery';
const WSA = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';

export interface DiscoveredDevice {
  /** The device's stable endpoint reference (urn:uuid:…). */
  endpoint: string;
  /** Its device service addresses. */
  xaddrs: string[];
  types: string[];
  scopes: string[];
  /** From the onvif://www.onvif.org/name/… scope, when given. */
  name: string | null;
  hardware: string | null;
  /** Address the answer came from. */
  from: string;
}

export function probeMessage(messageId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:w="${WSA}" xmlns:d="${WSD}" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">` +
    `<e:Header><w:MessageID>${messageId}</w:MessageID><w:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To><w:Action>${WSD}/Probe</w:Action></e:Header>` +
    `<e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></e:Body></e:Envelope>`;
}

export function probeMatchesMessage(o: { relatesTo: string; endpoint: string; xaddrs: string[]; scopes: string[] }): string {
  return `<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:w="${WSA}" xmlns:d="${WSD}" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">` +
    `<e:Header><w:MessageID>urn:uuid:${randomUUID()}</w:MessageID><w:RelatesTo>${xmlEscape(o.relatesTo)}</w:RelatesTo><w:To>${WSA}/role/anonymous</w:To><w:Action>${WSD}/ProbeMatches</w:Action></e:Header>` +
    `<e:Body><d:ProbeMatches><d:ProbeMatch><w:EndpointReference><w:Address>${xmlEscape(o.endpoint)}</w:Address></w:EndpointReference>` +
    `<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types><d:Scopes>${o.scopes.map(xmlEscape).join(' ')}</d:Scopes><d:XAddrs>${o.xaddrs.map(xmlEscape).join(' ')}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>`;
}

/** A Probe's message id and whether it asks for video transmitters (or for anything), or null when it is not a Probe. */
export function readProbe(xml: string): { messageId: string; wantsVideo: boolean } | null {
  try {
    const p = parseSoap(xml);
    if (p.name !== 'Probe') return null;
    const types = text(p.payload.Types);
    return { messageId: text(p.header.MessageID), wantsVideo: types === '' || /NetworkVideoTransmitter|Device\b/.test(types) };
  } catch {
    return null;
  }
}

function scopeValue(scopes: string[], key: string): string | null {
  const s = scopes.find((x) => x.startsWith(`onvif://www.onvif.org/${key}/`));
  return s ? decodeURIComponent(s.slice(`onvif://www.onvif.org/${key}/`.length)) : null;
}

/** The matches of one ProbeMatches message (answers to someone else's probe are filtered by relatesTo). */
export function readProbeMatches(xml: string, from: string, relatesTo?: string): DiscoveredDevice[] {
  const p = parseSoap(xml);
  if (p.name !== 'ProbeMatches') return [];
  if (relatesTo && text(p.header.RelatesTo) !== relatesTo) return [];
  return children(p.payload, 'ProbeMatch').flatMap((m) => {
    const xaddrs = text(m.XAddrs).split(/\s+/).filter((x) => /^https?:\/\//.test(x));
    const endpoint = text(child(m.EndpointReference, 'Address') ?? child(m, 'EndpointReference')?.Address);
    if (!endpoint || xaddrs.length === 0) return [];
    const scopes = text(m.Scopes).split(/\s+/).filter(Boolean);
    return [{ endpoint, xaddrs, types: text(m.Types).split(/\s+/).filter(Boolean), scopes, name: scopeValue(scopes, 'name'), hardware: scopeValue(scopes, 'hardware'), from }];
  });
}

/**
 * Sends one Probe (twice, as UDP may drop one) and collects the answers for timeoutMs. A device
 * answering garbage is skipped and counted, never fatal.
 */
export async function discoverOnvif(o: { timeoutMs: number; multicastInterface?: string }): Promise<{ devices: DiscoveredDevice[]; unreadable: number }> {
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  const messageId = `urn:uuid:${randomUUID()}`;
  const found = new Map<string, DiscoveredDevice>();
  let unreadable = 0;
  socket.on('message', (msg, rinfo) => {
    try {
      for (const d of readProbeMatches(msg.toString('utf8'), rinfo.address, messageId)) if (!found.has(d.endpoint)) found.set(d.endpoint, d);
    } catch {
      unreadable++;
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, () => resolve());
  });
  try {
    if (o.multicastInterface) socket.setMulticastInterface(o.multicastInterface);
    socket.setMulticastTTL(1);
    const probe = Buffer.from(probeMessage(messageId));
    const send = () => new Promise<void>((r) => socket.send(probe, WS_DISCOVERY_PORT, WS_DISCOVERY_ADDRESS, () => r()));
    await send();
    await new Promise((r) => setTimeout(r, Math.min(200, o.timeoutMs / 4)));
    await send();
    await new Promise((r) => setTimeout(r, o.timeoutMs));
  } finally {
    socket.close();
  }
  return { devices: [...found.values()], unreadable };
}
