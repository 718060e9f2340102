// Vigil's ONVIF client (Profile S, Media 1): what a device is, its media profiles and their RTSP
// URLs (to fill in a camera's URL), PTZ moves and presets, and event subscription (pull point).
// A device is not trusted: every call has a time limit, answers are size-capped, and anything that
// is not the SOAP expected is an OnvifError naming what was wrong.
import { OnvifError } from './errors.ts';
import { NS, child, children, envelope, parseSoap, text, usernameToken, xmlEscape, type ParsedSoap, type XmlNode } from './soap.ts';

export interface OnvifClientOptions {
  /** The device service address (an XAddr from discovery), e.g. http://10.1.2.3/onvif/device_service */
  xaddr: string;
  username?: string;
  password?: string;
  /** One call's time limit (default 5 s). */
  timeoutMs?: number;
}

export interface OnvifDeviceInfo {
  manufacturer: string;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  hardwareId: string;
}

export interface OnvifProfile {
  token: string;
  name: string;
  encoding: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  /** The profile has a PTZ configuration. */
  ptz: boolean;
}

export interface PtzVector {
  pan?: number;
  tilt?: number;
  zoom?: number;
}

export interface PtzStatus {
  pan: number;
  tilt: number;
  zoom: number;
  moving: boolean;
}

export interface OnvifEventMessage {
  topic: string;
  utcTime: string;
  source: Record<string, string>;
  data: Record<string, string>;
}

const MAX_ANSWER = 1 << 20;

function num(v: unknown): number | null {
  const n = Number(text(v));
  return text(v) !== '' && Number.isFinite(n) ? n : null;
}

function httpUrl(v: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new OnvifError('ONVIF_BAD_INPUT', `${what}: not a URL: ${JSON.stringify(v)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new OnvifError('ONVIF_BAD_INPUT', `${what}: expected an http(s) address, got ${u.protocol}`);
  return u;
}

async function readCapped(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_ANSWER) {
      await reader.cancel();
      throw new OnvifError('ONVIF_BAD_RESPONSE', `answer larger than ${MAX_ANSWER} bytes`);
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString('utf8');
}

export class OnvifClient {
  readonly xaddr: string;
  private readonly username?: string;
  private readonly password?: string;
  private readonly timeoutMs: number;
  /** Device clock minus ours, so tokens are created in the device's time. */
  private clockOffsetMs: number | null = null;
  private services: { media: string; ptz: string | null; events: string | null } | null = null;

  constructor(o: OnvifClientOptions) {
    this.xaddr = httpUrl(o.xaddr, 'xaddr').href;
    this.username = o.username;
    this.password = o.password;
    this.timeoutMs = o.timeoutMs ?? 5000;
  }

  private async call(url: string, body: string, action: string, auth = true, timeoutMs = this.timeoutMs): Promise<ParsedSoap> {
    const token = auth && this.username ? usernameToken(this.username, this.password ?? '', Date.now() + (this.clockOffsetMs ?? 0)) : undefined;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': `application/soap+xml; charset=utf-8; action="${action}"` },
        body: envelope(body, token),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError') throw new OnvifError('ONVIF_TIMEOUT', `${new URL(url).host} did not answer ${action.split('/').pop()} within ${timeoutMs} ms`);
      throw new OnvifError('ONVIF_UNREACHABLE', `cannot reach ${new URL(url).host}: ${e.cause?.code ?? e.cause?.message ?? e.message}`);
    }
    let xml: string;
    try {
      xml = await readCapped(res);
    } catch (err) {
      if (err instanceof OnvifError) throw err;
      const e = err as Error;
      if (e.name === 'TimeoutError') throw new OnvifError('ONVIF_TIMEOUT', `${new URL(url).host} did not finish its answer within ${timeoutMs} ms`);
      throw new OnvifError('ONVIF_UNREACHABLE', `${new URL(url).host}: ${e.message}`);
    }
    let parsed: ParsedSoap;
    try {
      parsed = parseSoap(xml);
    } catch (err) {
      if (res.status === 401) throw new OnvifError('ONVIF_AUTH', `${new URL(url).host} asks for HTTP authentication (only WS-Security UsernameToken is supported)`);
      throw new OnvifError('ONVIF_BAD_RESPONSE', `${new URL(url).host} answered ${action.split('/').pop()} with HTTP ${res.status} and ${(err as Error).message}`);
    }
    if (parsed.fault) {
      if (/NotAuthorized|FailedAuthentication/i.test(parsed.fault.subcode + parsed.fault.reason)) throw new OnvifError('ONVIF_AUTH', `${new URL(url).host} refused the user name or password`);
      throw new OnvifError('ONVIF_FAULT', `${new URL(url).host}: ${parsed.fault.reason}${parsed.fault.subcode ? ` (${parsed.fault.subcode})` : ''}`);
    }
    return parsed;
  }

  private expect(p: ParsedSoap, name: string): XmlNode {
    if (p.name !== name) throw new OnvifError('ONVIF_BAD_RESPONSE', `expected ${name}, got ${p.name || 'an empty body'}`);
    return p.payload;
  }

  /** The device's clock (asked without credentials, as ONVIF allows), remembered for the tokens. */
  async getSystemDateAndTime(): Promise<number> {
    const p = await this.call(this.xaddr, `<tds:GetSystemDateAndTime/>`, `${NS.device}/GetSystemDateAndTime`, false);
    const dt = child(child(this.expect(p, 'GetSystemDateAndTimeResponse'), 'SystemDateAndTime'), 'UTCDateTime');
    const d = child(dt, 'Date');
    const t = child(dt, 'Time');
    const ms = Date.UTC(Number(text(d?.Year)), Number(text(d?.Month)) - 1, Number(text(d?.Day)), Number(text(t?.Hour)), Number(text(t?.Minute)), Number(text(t?.Second)));
    if (!Number.isFinite(ms)) throw new OnvifError('ONVIF_BAD_RESPONSE', 'GetSystemDateAndTime without a UTC date and time');
    this.clockOffsetMs = ms - Date.now();
    return ms;
  }

  private async ensureClock(): Promise<void> {
    if (this.clockOffsetMs === null && this.username) await this.getSystemDateAndTime();
  }

  async getDeviceInformation(): Promise<OnvifDeviceInfo> {
    await this.ensureClock();
    const r = this.expect(await this.call(this.xaddr, '<tds:GetDeviceInformation/>', `${NS.device}/GetDeviceInformation`), 'GetDeviceInformationResponse');
    return { manufacturer: text(r.Manufacturer), model: text(r.Model), firmwareVersion: text(r.FirmwareVersion), serialNumber: text(r.SerialNumber), hardwareId: text(r.HardwareId) };
  }

  /** The media, PTZ and event service addresses (GetServices). */
  async getServices(): Promise<{ media: string; ptz: string | null; events: string | null }> {
    if (this.services) return this.services;
    await this.ensureClock();
    const r = this.expect(await this.call(this.xaddr, '<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>', `${NS.device}/GetServices`), 'GetServicesResponse');
    const byNs = new Map(children(r, 'Service').map((s) => [text(s.Namespace), text(s.XAddr)]));
    const media = byNs.get(NS.media);
    if (!media) throw new OnvifError('ONVIF_BAD_RESPONSE', 'the device offers no media service (ver10/media)');
    const checked = (v: string | undefined, what: string) => (v ? httpUrl(v, what).href : null);
    this.services = { media: checked(media, 'media XAddr')!, ptz: checked(byNs.get(NS.ptz), 'PTZ XAddr'), events: checked(byNs.get(NS.events), 'events XAddr') };
    return this.services;
  }

  async getProfiles(): Promise<OnvifProfile[]> {
    const { media } = await this.getServices();
    const r = this.expect(await this.call(media, '<trt:GetProfiles/>', `${NS.media}/GetProfiles`), 'GetProfilesResponse');
    return children(r, 'Profiles').map((p) => {
      const enc = child(p, 'VideoEncoderConfiguration');
      const res = child(enc, 'Resolution');
      return {
        token: text(p['@token']),
        name: text(p.Name),
        encoding: text(enc?.Encoding) || null,
        width: num(res?.Width),
        height: num(res?.Height),
        fps: num(child(enc, 'RateControl')?.FrameRateLimit),
        ptz: children(p, 'PTZConfiguration').length > 0,
      };
    });
  }

  async getStreamUri(profileToken: string): Promise<string> {
    const { media } = await this.getServices();
    const body = `<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup><trt:ProfileToken>${xmlEscape(profileToken)}</trt:ProfileToken></trt:GetStreamUri>`;
    const r = this.expect(await this.call(media, body, `${NS.media}/GetStreamUri`), 'GetStreamUriResponse');
    const uri = text(child(r, 'MediaUri')?.Uri);
    if (!/^rtsps?:\/\//i.test(uri)) throw new OnvifError('ONVIF_BAD_RESPONSE', `GetStreamUri gave no RTSP address (${JSON.stringify(uri.slice(0, 80))})`);
    return uri;
  }

  /** Everything needed to add the device as a camera: who it is, and each profile with its RTSP URL. */
  async describe(): Promise<{ info: OnvifDeviceInfo; profiles: (OnvifProfile & { streamUri: string })[] }> {
    const info = await this.getDeviceInformation();
    const profiles = await this.getProfiles();
    const out: (OnvifProfile & { streamUri: string })[] = [];
    for (const p of profiles) out.push({ ...p, streamUri: await this.getStreamUri(p.token) });
    return { info, profiles: out };
  }

  private async ptzCall(body: string, action: string, response: string): Promise<XmlNode> {
    const { ptz } = await this.getServices();
    if (!ptz) throw new OnvifError('ONVIF_FAULT', 'the device offers no PTZ service');
    return this.expect(await this.call(ptz, body, `${NS.ptz}/${action}`), response);
  }

  private static vector(v: PtzVector): string {
    const pt = v.pan !== undefined || v.tilt !== undefined ? `<tt:PanTilt x="${v.pan ?? 0}" y="${v.tilt ?? 0}"/>` : '';
    const z = v.zoom !== undefined ? `<tt:Zoom x="${v.zoom}"/>` : '';
    return pt + z;
  }

  private static checkVector(v: PtzVector, range: [number, number], zoomRange: [number, number]): void {
    for (const [k, val] of Object.entries(v)) {
      const [lo, hi] = k === 'zoom' ? zoomRange : range;
      if (typeof val !== 'number' || !Number.isFinite(val) || val < lo || val > hi) throw new OnvifError('ONVIF_BAD_INPUT', `${k} must be a number in ${lo}..${hi}`);
    }
  }

  /** Moves at a speed (-1..1 per axis) until stop(), or for timeoutS seconds. */
  async continuousMove(profileToken: string, speed: PtzVector, timeoutS?: number): Promise<void> {
    OnvifClient.checkVector(speed, [-1, 1], [-1, 1]);
    await this.ptzCall(`<tptz:ContinuousMove><tptz:ProfileToken>${xmlEscape(profileToken)}</tptz:ProfileToken><tptz:Velocity>${OnvifClient.vector(speed)}</tptz:Velocity>${timeoutS ? `<tptz:Timeout>PT${timeoutS}S</tptz:Timeout>` : ''}</tptz:ContinuousMove>`, 'ContinuousMove', 'ContinuousMoveResponse');
  }

  async stop(profileToken: string): Promise<void> {
    await this.ptzCall(`<tptz:Stop><tptz:ProfileToken>${xmlEscape(profileToken)}</tptz:ProfileToken><tptz:PanTilt>true</tptz:PanTilt><tptz:Zoom>true</tptz:Zoom></tptz:Stop>`, 'Stop', 'StopResponse');
  }

  /** To a position: pan and tilt in -1..1, zoom in 0..1. */
  async absoluteMove(profileToken: string, to: PtzVector): Promise<void> {
    OnvifClient.checkVector(to, [-1, 1], [0, 1]);
    await this.ptzCall(`<tptz:AbsoluteMove><tptz:ProfileToken>${xmlEscape(profileToken)}</tptz:ProfileToken><tptz:Position>${OnvifClient.vector(to)}</tptz:Position></tptz:AbsoluteMove>`, 'AbsoluteMove', 'AbsoluteMoveResponse');
  }

  async relativeMove(profileToken: string, by: PtzVector): Promise<void> {
    OnvifClient.checkVector(by, [-2, 2], [-1, 1]);
    await this.ptzCall(`<tptz:RelativeMove><tptz:ProfileToken>${xmlEscape(profileToken)}</tptz:ProfileToken><tptz:Translation>${OnvifClient.vector(by)}</tptz:Translation></tptz:RelativeMove>`, 'RelativeMove', 'RelativeMoveResponse');
  }

  async getStatus(profileToken: string): Promise<PtzStatus> {
    const r = await this.ptzCall(`<tptz:GetStatus><tptz:ProfileToken>${xmlEscape(profileToken)}</tptz:ProfileToken></tptz:GetStatus>`, 'GetStatus', 'GetStatusResponse');
    const s = child(r, 'PTZStatus');
    const pos = child(s, 'Position');
    const pt = child(pos, 'PanTilt');
    const z = child(pos, 'Zoom');
    const move = child(s, 'MoveStatus');
    const pan = num(pt?.['@x']);
    const tilt = num(pt?.['@y']);
    const zoom = num(z?.['@x']);
    if (pan === null || tilt === null) throw new OnvifError('ONVIF_BAD_RESPONSE', 'GetStatus without a pan/tilt position');
    return { pan, tilt, zoom: zoom ?? 0, moving: /MOVING/i.test(text(move?.PanTilt) + text(move?.Zoom)) };
  }

  async getPresets(profileToken: string): Promise<{ token: string; name: string }[]> {
    const r = await this.ptzCall(`<tptz:GetPresets><tptz:ProfileToken>${xmlEscape(profileToken)}</tptz:ProfileToken></tptz:GetPresets>`, 'GetPresets', 'GetPresetsResponse');
    return children(r, 'Preset').map((p) => ({ token: text(p['@token']), name: text(p.Name) }));
  }

  /** Saves the current position under a name; returns the preset's token. */
  async setPreset(profileToken: string, name: string): Promise<string> {
    const r = await this.ptzCall(`<tptz:SetPreset><tptz:ProfileToken>${xmlEscape(profileToken)}</tptz:ProfileToken><tptz:PresetName>${xmlEscape(name)}</tptz:PresetName></tptz:SetPreset>`, 'SetPreset', 'SetPresetResponse');
    const token = text(r.PresetToken);
    if (!token) throw new OnvifError('ONVIF_BAD_RESPONSE', 'SetPreset gave no token');
    return token;
  }

  async gotoPreset(profileToken: string, presetToken: string): Promise<void> {
    await this.ptzCall(`<tptz:GotoPreset><tptz:ProfileToken>${xmlEscape(profileToken)}</tptz:ProfileToken><tptz:PresetToken>${xmlEscape(presetToken)}</tptz:PresetToken></tptz:GotoPreset>`, 'GotoPreset', 'GotoPresetResponse');
  }

  async removePreset(profileToken: string, presetToken: string): Promise<void> {
    await this.ptzCall(`<tptz:RemovePreset><tptz:ProfileToken>${xmlEscape(profileToken)}</tptz:ProfileToken><tptz:PresetToken>${xmlEscape(presetToken)}</tptz:PresetToken></tptz:RemovePreset>`, 'RemovePreset', 'RemovePresetResponse');
  }

  /** A pull-point subscription (ONVIF's firewall-friendly events); returns its address. */
  async createPullPointSubscription(terminationS = 60): Promise<string> {
    const { events } = await this.getServices();
    if (!events) throw new OnvifError('ONVIF_FAULT', 'the device offers no event service');
    const r = this.expect(await this.call(events, `<tev:CreatePullPointSubscription><tev:InitialTerminationTime>PT${terminationS}S</tev:InitialTerminationTime></tev:CreatePullPointSubscription>`, `${NS.events}/EventPortType/CreatePullPointSubscriptionRequest`), 'CreatePullPointSubscriptionResponse');
    const address = text(child(r, 'SubscriptionReference')?.Address);
    return httpUrl(address, 'subscription address').href;
  }

  /** Waits up to timeoutS for messages on a pull point. */
  async pullMessages(subscription: string, timeoutS: number, limit = 100): Promise<OnvifEventMessage[]> {
    const r = this.expect(
      await this.call(subscription, `<tev:PullMessages><tev:Timeout>PT${timeoutS}S</tev:Timeout><tev:MessageLimit>${limit}</tev:MessageLimit></tev:PullMessages>`, `${NS.events}/PullPointSubscription/PullMessagesRequest`, true, this.timeoutMs + timeoutS * 1000),
      'PullMessagesResponse',
    );
    return children(r, 'NotificationMessage').map((n) => {
      const m = child(child(n, 'Message'), 'Message');
      const items = (node: XmlNode | undefined) => Object.fromEntries(children(node, 'SimpleItem').map((i) => [text(i['@Name']), text(i['@Value'])]));
      return { topic: text(n.Topic), utcTime: text(m?.['@UtcTime']), source: items(child(m, 'Source')), data: items(child(m, 'Data')) };
    });
  }

  /** Keeps a pull point alive for another terminationS seconds. */
  async renew(subscription: string, terminationS = 60): Promise<void> {
    this.expect(await this.call(subscription, `<wsnt:Renew><wsnt:TerminationTime>PT${terminationS}S</wsnt:TerminationTime></wsnt:Renew>`, `${NS.wsnt}/SubscriptionManager/RenewRequest`), 'RenewResponse');
  }

  async unsubscribe(subscription: string): Promise<void> {
    await this.call(subscription, '<wsnt:Unsubscribe/>', `${NS.wsnt}/SubscriptionManager/UnsubscribeRequest`);
  }
}
