// Events to an MQTT broker (tested against Debian's mosquitto), named as ONVIF Profile M's event
// broker would name them (event-topics.ts). The client reconnects by itself; with QoS 1 an event
// published while the broker is away waits in the client's outgoing queue and is sent on reconnect
// (while this process runs: the store, not MQTT, is where events are kept).
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { EventRow } from '../store/index.ts';
import { eventMessage, kindSelected, mqttTopic } from './event-topics.ts';

export interface MqttConfig {
  url: string;
  topicPrefix: string;
  username?: string;
  password?: string;
  qos: 0 | 1;
  kinds: string[];
}

/** The broker URL without credentials, for logs. */
function safeUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

export class MqttPublisher {
  private readonly client: MqttClient;
  private readonly cfg: MqttConfig;
  private readonly node: string;
  private readonly logger: Logger;
  private lastError = '';
  readonly stats = { published: 0, failed: 0 };

  constructor(cfg: MqttConfig, node: string, logger: Logger) {
    this.cfg = cfg;
    this.node = node;
    this.logger = logger;
    this.client = mqtt.connect(cfg.url, {
      username: cfg.username,
      password: cfg.password,
      clientId: `vigil-${node}-${process.pid}`,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      // A node that stops mid-cut leaves a will saying so, for dashboards that watch it.
      will: { topic: `${cfg.topicPrefix}/status/${node}`, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client.on('connect', () => {
      this.lastError = '';
      logger.info({ broker: safeUrl(cfg.url) }, 'connected to the MQTT broker');
      this.client.publish(`${cfg.topicPrefix}/status/${node}`, 'online', { qos: 1, retain: true });
    });
    this.client.on('error', (err) => {
      // Said once per kind of failure, not once per reconnect attempt.
      if (err.message !== this.lastError) logger.error({ broker: safeUrl(cfg.url), err: err.message }, 'MQTT broker refused or unreachable (check integrations.mqtt); retrying');
      this.lastError = err.message;
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Publishes the event when its kind is selected; resolves once the broker has it (QoS 1) or it is sent (QoS 0). */
  async offer(e: EventRow): Promise<void> {
    if (!kindSelected(this.cfg.kinds, e.kind)) return;
    try {
      await this.client.publishAsync(mqttTopic(this.cfg.topicPrefix, e), JSON.stringify(eventMessage(e, this.node)), { qos: this.cfg.qos });
      this.stats.published++;
    } catch (err) {
      this.stats.failed++;
      this.logger.warn({ event: e.id, err: (err as Error).message }, 'MQTT publish failed');
    }
  }

  /** Says offline (retained), then leaves; gives in-flight messages 3 s. */
  async close(): Promise<void> {
    if (this.client.connected) await this.client.publishAsync(`${this.cfg.topicPrefix}/status/${this.node}`, 'offline', { qos: 1, retain: true }).catch(() => undefined);
    const t = setTimeout(() => this.client.end(true), 3000);
    await this.client.endAsync().catch(() => undefined);
    clearTimeout(t);
  }
}
