// The simulator's ONVIF face (Profile S, Media 1): each simulated camera is an ONVIF device at
// http://host:port/onvif/<camera>/device_service with WS-Security (UsernameToken digest, replays
// refused), media profiles whose stream URIs are the simulator's RTSP URLs, a PTZ head that moves
// in simulated time with presets, pull-point event subscriptions, and a WS-Discovery responder on
// UDP 3702 that answers probes for each camera. Enough for Vigil's client and the npm `onvif`
// client to discover, describe and steer it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createSocket, type Socket } from 'node:dgram';
import { createHash, randomBytes } from 'node:crypto';
import {
  NS, checkUsernameToken, child, envelope, faultEnvelope, parseSoap, probeMatchesMessage, readProbe, readUsernameToken, text, xmlEscape,
  WS_DISCOVERY_ADDRESS, WS_DISCOVERY_PORT, type ParsedSoap, type XmlNode,
} from '../onvif/index.ts';

export interface OnvifFaceCamera {
  name: string;
  url: string;
  subUrl?: string;
}

export interface OnvifFaceOptions {
  cameras: OnvifFaceCamera[];
  username: string;
  password: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Host named in XAddrs (default: host, or 127.0.0.1 for a wildcard host). */
  advertiseHost?: string;
  /** Answer WS-Discovery probes on UDP 3702 (default true). */
  discovery?: boolean;
  /** Local address whose interface joins the discovery group (default: the system's choice). */
  discoveryInterface?: string;
}

interface Ptz {
  pan: number;
  tilt: number;
  zoom: number;
  vel: { pan: number; tilt: number; zoom: number };
  since: number;
  until: number;
  presets: Map<string, { name: string; pan: number; tilt: number; zoom: number }>;
  nextPreset: number;
}

interface Subscription {
  camera: string;
  queue: { topic: string; at: number; source: Record<string, string>; data: Record<string, string> }[];
  expiresAt: number;
  wake: (() => void) | null;
}

export interface OnvifFace {
  port: number;
  /** The device service address of a camera. */
  xaddr(camera: string): string;
  /** The simulated PTZ position of a camera. */
  position(camera: string): { pan: number; tilt: number; zoom: number };
  /** Sends an event to the camera's pull-point subscribers (e.g. tns1:VideoSource/MotionAlarm). */
  raiseEvent(camera: string, topic: string, data: Record<string, string>): void;
  /** Live pull-point subscriptions of the camera. */
  subscribers(camera: string): number;
  /** Requests refused for bad credentials so far (for tests). */
  readonly refused: number;
  close(): Promise<void>;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const SPEED = 0.5; // position units per second at velocity 1

function now(p: Ptz, t: number): { pan: number; tilt: number; zoom: number } {
  const dt = Math.max(0, Math.min(t, p.until) - p.since) / 1000;
  return { pan: clamp(p.pan + p.vel.pan * SPEED * dt, -1, 1), tilt: clamp(p.tilt + p.vel.tilt * SPEED * dt, -1, 1), zoom: clamp(p.zoom + p.vel.zoom * SPEED * dt, 0, 1) };
}

function settle(p: Ptz, t: number, to?: { pan?: number; tilt?: number; zoom?: number }): void {
  const at = now(p, t);
  p.pan = clamp(to?.pan ?? at.pan, -1, 1);
  p.tilt = clamp(to?.tilt ?? at.tilt, -1, 1);
  p.zoom = clamp(to?.zoom ?? at.zoom, 0, 1);
  p.vel = { pan: 0, tilt: 0, zoom: 0 };
  p.since = t;
  p.until = t;
}

/** ISO 8601 durations as devices send them: PT5S, PT1M30S, PT0.5S. */
function seconds(d: string): number | null {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(d);
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : null;
}

function vector(node: XmlNode | undefined): { pan?: number; tilt?: number; zoom?: number } {
  const pt = child(node, 'PanTilt');
  const z = child(node, 'Zoom');
  const n = (v: unknown) => (text(v) === '' ? undefined : Number(text(v)));
  const out = { pan: n(pt?.['@x']), tilt: n(pt?.['@y']), zoom: n(z?.['@x']) };
  for (const v of Object.values(out)) if (v !== undefined && !Number.isFinite(v)) throw new Error('not a number');
  return out;
}

function items(values: Record<string, string>): string {
  return Object.entries(values).map(([k, v]) => `<tt:SimpleItem Name="${xmlEscape(k)}" Value="${xmlEscape(v)}"/>`).join('');
}

export async function startOnvifFace(o: OnvifFaceOptions): Promise<OnvifFace> {
  const host = o.host ?? '127.0.0.1';
  const cams = new Map(o.cameras.map((c) => [c.name, c]));
  const ptz = new Map<string, Ptz>(o.cameras.map((c) => [c.name, { pan: 0, tilt: 0, zoom: 0, vel: { pan: 0, tilt: 0, zoom: 0 }, since: 0, until: 0, presets: new Map(), nextPreset: 1 }]));
  const subs = new Map<string, Subscription>();
  const nonces = new Map<string, number>();
  let refused = 0;
  let port = 0;
  const advertise = o.advertiseHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  const base = () => `http://${advertise}:${port}`;
  const xaddr = (name: string) => `${base()}/onvif/${encodeURIComponent(name)}/device_service`;

  const profiles = (c: OnvifFaceCamera) => {
    const one = (token: string, name: string, w: number, h: number, fps: number, withPtz: boolean) =>
      `<trt:Profiles token="${token}" fixed="true"><tt:Name>${name}</tt:Name>` +
      `<tt:VideoSourceConfiguration token="vsc0"><tt:Name>source</tt:Name><tt:UseCount>2</tt:UseCount><tt:SourceToken>vs0</tt:SourceToken><tt:Bounds x="0" y="0" width="${w}" height="${h}"/></tt:VideoSourceConfiguration>` +
      `<tt:VideoEncoderConfiguration token="vec_${token}"><tt:Name>${name}</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>${w}</tt:Width><tt:Height>${h}</tt:Height></tt:Resolution><tt:Quality>5</tt:Quality>` +
      `<tt:RateControl><tt:FrameRateLimit>${fps}</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>2048</tt:BitrateLimit></tt:RateControl></tt:VideoEncoderConfiguration>` +
      (withPtz ? `<tt:PTZConfiguration token="ptz0"><tt:Name>ptz</tt:Name><tt:UseCount>1</tt:UseCount><tt:NodeToken>node0</tt:NodeToken></tt:PTZConfiguration>` : '') +
      `</trt:Profiles>`;
    return one('main', 'main', 1280, 720, 25, true) + (c.subUrl ? one('sub', 'sub', 640, 360, 5, true) : '');
  };

  function handle(cam: OnvifFaceCamera, service: string, req: ParsedSoap, t: number): { status: number; xml: string } {
    const ok = (body: string) => ({ status: 200, xml: envelope(body) });
    const notSupported = () => ({ status: 400, xml: faultEnvelope('Sender', 'ter:ActionNotSupported', `${req.name} is not supported by this device`) });
    const invalid = (why: string) => ({ status: 400, xml: faultEnvelope('Sender', 'ter:InvalidArgVal', why) });
    const p = ptz.get(cam.name)!;
    const profileOk = () => ['main', ...(cam.subUrl ? ['sub'] : [])].includes(text(req.payload.ProfileToken));
    switch (req.name) {
      case 'GetSystemDateAndTime': {
        const d = new Date(t);
        return ok(`<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone>` +
          `<tt:UTCDateTime><tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time><tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`);
      }
      case 'GetDeviceInformation':
        return ok(`<tds:GetDeviceInformationResponse><tds:Manufacturer>Vigil</tds:Manufacturer><tds:Model>Simulated camera</tds:Model><tds:FirmwareVersion>0.1.0</tds:FirmwareVersion><tds:SerialNumber>${xmlEscape(cam.name)}</tds:SerialNumber><tds:HardwareId>VigilSim</tds:HardwareId></tds:GetDeviceInformationResponse>`);
      case 'GetServices': {
        const svc = (ns: string, path: string) => `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${base()}/onvif/${encodeURIComponent(cam.name)}/${path}</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>`;
        return ok(`<tds:GetServicesResponse>${svc(NS.device, 'device_service')}${svc(NS.media, 'media_service')}${svc(NS.ptz, 'ptz_service')}${svc(NS.events, 'events_service')}</tds:GetServicesResponse>`);
      }
      case 'GetCapabilities': {
        const u = (path: string) => `${base()}/onvif/${encodeURIComponent(cam.name)}/${path}`;
        return ok(`<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>${u('device_service')}</tt:XAddr></tt:Device><tt:Events><tt:XAddr>${u('events_service')}</tt:XAddr><tt:WSSubscriptionPolicySupport>false</tt:WSSubscriptionPolicySupport><tt:WSPullPointSupport>true</tt:WSPullPointSupport><tt:WSPausableSubscriptionManagerInterfaceSupport>false</tt:WSPausableSubscriptionManagerInterfaceSupport></tt:Events>` +
          `<tt:Media><tt:XAddr>${u('media_service')}</tt:XAddr><tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media><tt:PTZ><tt:XAddr>${u('ptz_service')}</tt:XAddr></tt:PTZ></tds:Capabilities></tds:GetCapabilitiesResponse>`);
      }
      case 'GetScopes':
        return ok(`<tds:GetScopesResponse><tds:Scopes><tt:ScopeDef>Fixed</tt:ScopeDef><tt:ScopeItem>onvif://www.onvif.org/name/${encodeURIComponent(cam.name)}</tt:ScopeItem></tds:Scopes></tds:GetScopesResponse>`);
      case 'GetProfiles':
        return ok(`<trt:GetProfilesResponse>${profiles(cam)}</trt:GetProfilesResponse>`);
      case 'GetVideoSources':
        return ok(`<trt:GetVideoSourcesResponse><trt:VideoSources token="vs0"><tt:Framerate>25</tt:Framerate><tt:Resolution><tt:Width>1280</tt:Width><tt:Height>720</tt:Height></tt:Resolution></trt:VideoSources></trt:GetVideoSourcesResponse>`);
      case 'GetStreamUri': {
        if (!profileOk()) return invalid('no such profile');
        const uri = text(req.payload.ProfileToken) === 'sub' ? cam.subUrl! : cam.url;
        return ok(`<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${xmlEscape(uri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`);
      }
      case 'GetNodes':
        return ok(`<tptz:GetNodesResponse><tptz:PTZNode token="node0" FixedHomePosition="false"><tt:Name>head</tt:Name><tt:SupportedPTZSpaces></tt:SupportedPTZSpaces><tt:MaximumNumberOfPresets>100</tt:MaximumNumberOfPresets><tt:HomeSupported>false</tt:HomeSupported></tptz:PTZNode></tptz:GetNodesResponse>`);
      case 'GetConfigurations':
        return ok(`<tptz:GetConfigurationsResponse><tptz:PTZConfiguration token="ptz0"><tt:Name>ptz</tt:Name><tt:UseCount>1</tt:UseCount><tt:NodeToken>node0</tt:NodeToken></tptz:PTZConfiguration></tptz:GetConfigurationsResponse>`);
      case 'ContinuousMove': {
        if (!profileOk()) return invalid('no such profile');
        let v;
        try {
          v = vector(child(req.payload, 'Velocity'));
        } catch {
          return invalid('velocity is not a number');
        }
        if (Object.values(v).some((x) => x !== undefined && (x < -1 || x > 1))) return invalid('velocity out of -1..1');
        const limit = seconds(text(req.payload.Timeout));
        settle(p, t);
        p.vel = { pan: v.pan ?? 0, tilt: v.tilt ?? 0, zoom: v.zoom ?? 0 };
        p.since = t;
        p.until = limit === null ? Number.POSITIVE_INFINITY : t + limit * 1000;
        return ok('<tptz:ContinuousMoveResponse/>');
      }
      case 'Stop':
        if (!profileOk()) return invalid('no such profile');
        settle(p, t);
        return ok('<tptz:StopResponse/>');
      case 'AbsoluteMove':
      case 'RelativeMove': {
        if (!profileOk()) return invalid('no such profile');
        let v;
        try {
          v = vector(child(req.payload, req.name === 'AbsoluteMove' ? 'Position' : 'Translation'));
        } catch {
          return invalid('position is not a number');
        }
        const at = now(p, t);
        const to = req.name === 'AbsoluteMove' ? v : { pan: at.pan + (v.pan ?? 0), tilt: at.tilt + (v.tilt ?? 0), zoom: at.zoom + (v.zoom ?? 0) };
        if (req.name === 'AbsoluteMove' && ((to.pan !== undefined && Math.abs(to.pan) > 1) || (to.tilt !== undefined && Math.abs(to.tilt) > 1) || (to.zoom !== undefined && (to.zoom < 0 || to.zoom > 1)))) return invalid('position out of range');
        settle(p, t, to);
        return ok(`<tptz:${req.name}Response/>`);
      }
      case 'GetStatus': {
        if (!profileOk()) return invalid('no such profile');
        const at = now(p, t);
        const moving = t < p.until && (p.vel.pan !== 0 || p.vel.tilt !== 0 || p.vel.zoom !== 0);
        return ok(`<tptz:GetStatusResponse><tptz:PTZStatus><tt:Position><tt:PanTilt x="${at.pan.toFixed(4)}" y="${at.tilt.toFixed(4)}"/><tt:Zoom x="${at.zoom.toFixed(4)}"/></tt:Position>` +
          `<tt:MoveStatus><tt:PanTilt>${moving ? 'MOVING' : 'IDLE'}</tt:PanTilt><tt:Zoom>${moving && p.vel.zoom !== 0 ? 'MOVING' : 'IDLE'}</tt:Zoom></tt:MoveStatus><tt:UtcTime>${new Date(t).toISOString()}</tt:UtcTime></tptz:PTZStatus></tptz:GetStatusResponse>`);
      }
      case 'GetPresets':
        if (!profileOk()) return invalid('no such profile');
        return ok(`<tptz:GetPresetsResponse>${[...p.presets].map(([token, pr]) => `<tptz:Preset token="${token}"><tt:Name>${xmlEscape(pr.name)}</tt:Name><tt:PTZPosition><tt:PanTilt x="${pr.pan}" y="${pr.tilt}"/><tt:Zoom x="${pr.zoom}"/></tt:PTZPosition></tptz:Preset>`).join('')}</tptz:GetPresetsResponse>`);
      case 'SetPreset': {
        if (!profileOk()) return invalid('no such profile');
        const name = text(req.payload.PresetName) || `preset ${p.nextPreset}`;
        if (name.length > 64) return invalid('preset name too long');
        const token = text(req.payload.PresetToken) || `p${p.nextPreset++}`;
        settle(p, t);
        p.presets.set(token, { name, pan: p.pan, tilt: p.tilt, zoom: p.zoom });
        return ok(`<tptz:SetPresetResponse><tptz:PresetToken>${token}</tptz:PresetToken></tptz:SetPresetResponse>`);
      }
      case 'GotoPreset': {
        const pr = p.presets.get(text(req.payload.PresetToken));
        if (!profileOk() || !pr) return invalid('no such preset');
        settle(p, t, pr);
        return ok('<tptz:GotoPresetResponse/>');
      }
      case 'RemovePreset':
        if (!p.presets.delete(text(req.payload.PresetToken))) return invalid('no such preset');
        return ok('<tptz:RemovePresetResponse/>');
      case 'GetEventProperties':
        return ok(`<tev:GetEventPropertiesResponse><tev:TopicNamespaceLocation>http://www.onvif.org/onvif/ver10/topics/topicns.xml</tev:TopicNamespaceLocation><wsnt:FixedTopicSet>true</wsnt:FixedTopicSet><wstop:TopicSet xmlns:wstop="http://docs.oasis-open.org/wsn/t-1"/><wsnt:TopicExpressionDialect>http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet</wsnt:TopicExpressionDialect></tev:GetEventPropertiesResponse>`);
      case 'CreatePullPointSubscription': {
        const ttl = seconds(text(req.payload.InitialTerminationTime)) ?? 60;
        const id = randomBytes(8).toString('hex');
        subs.set(id, { camera: cam.name, queue: [], expiresAt: t + ttl * 1000, wake: null });
        return ok(`<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa:Address>${base()}/onvif/${encodeURIComponent(cam.name)}/subscription/${id}</wsa:Address></tev:SubscriptionReference>` +
          `<wsnt:CurrentTime>${new Date(t).toISOString()}</wsnt:CurrentTime><wsnt:TerminationTime>${new Date(t + ttl * 1000).toISOString()}</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse>`);
      }
      default:
        return service === 'subscription' ? invalid(`${req.name} on a subscription`) : notSupported();
    }
  }

  function pullResponse(sub: Subscription, limit: number, t: number): string {
    const msgs = sub.queue.splice(0, limit);
    return envelope(`<tev:PullMessagesResponse><tev:CurrentTime>${new Date(t).toISOString()}</tev:CurrentTime><tev:TerminationTime>${new Date(sub.expiresAt).toISOString()}</tev:TerminationTime>` +
      msgs.map((m) => `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${xmlEscape(m.topic)}</wsnt:Topic><wsnt:Message><tt:Message UtcTime="${new Date(m.at).toISOString()}" PropertyOperation="Changed"><tt:Source>${items(m.source)}</tt:Source><tt:Data>${items(m.data)}</tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`).join('') +
      `</tev:PullMessagesResponse>`);
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, xml: string) => res.writeHead(status, { 'content-type': 'application/soap+xml; charset=utf-8' }).end(xml);
    const m = /^\/onvif\/([^/]+)\/(device_service|media_service|ptz_service|events_service|subscription\/([0-9a-f]{16}))$/.exec(req.url ?? '');
    const cam = m ? cams.get(decodeURIComponent(m[1])) : undefined;
    if (req.method !== 'POST' || !m || !cam) return void res.writeHead(404).end();
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > 256 * 1024) req.destroy();
      else chunks.push(d);
    });
    req.on('end', () => {
      const t = Date.now();
      let parsed: ParsedSoap;
      try {
        parsed = parseSoap(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(400, faultEnvelope('Sender', 'ter:WellFormed', 'the request is not a SOAP envelope'));
      }
      // ONVIF lets anyone read the clock (clients need it to make their tokens); the rest needs a valid token.
      if (parsed.name !== 'GetSystemDateAndTime' && !checkUsernameToken(readUsernameToken(parsed.header), o.username, o.password, t, nonces)) {
        refused++;
        return send(400, faultEnvelope('Sender', 'ter:NotAuthorized', 'Sender not Authorized'));
      }
      if (m[3]) {
        const sub = subs.get(m[3]);
        if (!sub || sub.camera !== cam.name || sub.expiresAt < t) return send(400, faultEnvelope('Sender', 'ter:InvalidArgVal', 'no such subscription'));
        if (parsed.name === 'Unsubscribe') {
          subs.delete(m[3]);
          sub.wake?.();
          return send(200, envelope('<wsnt:UnsubscribeResponse/>'));
        }
        if (parsed.name === 'Renew') {
          sub.expiresAt = t + (seconds(text(parsed.payload.TerminationTime)) ?? 60) * 1000;
          return send(200, envelope(`<wsnt:RenewResponse><wsnt:TerminationTime>${new Date(sub.expiresAt).toISOString()}</wsnt:TerminationTime></wsnt:RenewResponse>`));
        }
        if (parsed.name === 'PullMessages') {
          const limit = Math.max(1, Math.min(1000, Number(text(parsed.payload.MessageLimit)) || 100));
          const waitMs = Math.min(60, seconds(text(parsed.payload.Timeout)) ?? 10) * 1000;
          if (sub.queue.length > 0) return send(200, pullResponse(sub, limit, t));
          const timer = setTimeout(() => sub.wake?.(), waitMs);
          sub.wake = () => {
            clearTimeout(timer);
            sub.wake = null;
            if (!res.writableEnded) send(200, pullResponse(sub, limit, Date.now()));
          };
          res.on('close', () => clearTimeout(timer));
          return;
        }
      }
      const out = handle(cam, m[3] ? 'subscription' : m[2], parsed, t);
      send(out.status, out.xml);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  port = (server.address() as { port: number }).port;

  let udp: Socket | null = null;
  if (o.discovery ?? true) {
    udp = createSocket({ type: 'udp4', reuseAddr: true });
    udp.on('message', (msg, rinfo) => {
      const probe = readProbe(msg.toString('utf8'));
      if (!probe || !probe.wantsVideo) return;
      for (const c of o.cameras) {
        // A stable endpoint reference per camera and port: the same device answers the same way.
        const h = createHash('sha1').update(`${c.name}@${port}`).digest('hex');
        const endpoint = `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
        const reply = Buffer.from(probeMatchesMessage({
          relatesTo: probe.messageId,
          endpoint,
          xaddrs: [xaddr(c.name)],
          scopes: ['onvif://www.onvif.org/type/video_encoder', 'onvif://www.onvif.org/type/ptz', 'onvif://www.onvif.org/Profile/Streaming', `onvif://www.onvif.org/name/${encodeURIComponent(c.name)}`, 'onvif://www.onvif.org/hardware/VigilSim'],
        }));
        udp!.send(reply, rinfo.port, rinfo.address);
      }
    });
    await new Promise<void>((resolve, reject) => {
      udp!.once('error', reject);
      udp!.bind(WS_DISCOVERY_PORT, () => resolve());
    });
    udp.addMembership(WS_DISCOVERY_ADDRESS, o.discoveryInterface);
  }

  return {
    port,
    xaddr,
    position(camera) {
      return now(ptz.get(camera)!, Date.now());
    },
    raiseEvent(camera, topic, data) {
      for (const sub of subs.values()) {
        if (sub.camera !== camera) continue;
        sub.queue.push({ topic, at: Date.now(), source: { VideoSourceConfigurationToken: 'vsc0', VideoSource: 'vs0' }, data });
        sub.wake?.();
      }
    },
    subscribers(camera) {
      let n = 0;
      for (const sub of subs.values()) if (sub.camera === camera && sub.expiresAt >= Date.now()) n++;
      return n;
    },
    get refused() {
      return refused;
    },
    async close() {
      for (const s of subs.values()) s.wake?.();
      udp?.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
