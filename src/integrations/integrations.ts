// Wires the configured integrations to the one event bus: every stored event goes to MQTT and the
// webhooks that select its kind. Each process sends the events it raises (in a cluster: each node
// its own cameras' events), so nothing is sent twice.
import type { Logger } from 'pino';
import type { EventBus, EventTopics } from '../events/index.ts';
import type { Store } from '../store/index.ts';
import { MqttPublisher, type MqttConfig } from './mqtt-publisher.ts';
import { WebhookDispatcher, type WebhookConfig } from './webhook-dispatcher.ts';

export interface IntegrationsConfig {
  mqtt?: MqttConfig;
  webhooks: WebhookConfig[];
}

export interface Integrations {
  mqtt: MqttPublisher | null;
  webhooks: WebhookDispatcher | null;
  close(): Promise<void>;
}

export function startIntegrations(cfg: IntegrationsConfig, deps: { bus: EventBus<EventTopics>; store: Pick<Store, 'addWebhookDeadLetter'>; logger: Logger; node: string }): Integrations {
  const logger = deps.logger.child({ part: 'integrations' });
  const mqtt = cfg.mqtt ? new MqttPublisher(cfg.mqtt, deps.node, logger) : null;
  const webhooks = cfg.webhooks.length ? new WebhookDispatcher({ hooks: cfg.webhooks, store: deps.store, logger, node: deps.node }) : null;
  const stop =
    mqtt || webhooks
      ? deps.bus.subscribe('event', (e) => {
          if (mqtt) void mqtt.offer(e);
          webhooks?.offer(e);
        })
      : () => undefined;
  return {
    mqtt,
    webhooks,
    async close() {
      stop();
      await Promise.all([mqtt?.close(), webhooks?.close()]);
    },
  };
}
