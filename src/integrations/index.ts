// The integrations part (issue 15): events to MQTT (topics in the spirit of ONVIF Profile M) and to
// signed, retried webhooks with a dead-letter list. Adapters over the one event bus.
export { IntegrationError } from './errors.ts';
export { onvifTopic, mqttTopic, eventMessage, kindSelected } from './event-topics.ts';
export { signWebhook, verifyWebhook, SIGNATURE_HEADER } from './webhook-signature.ts';
export { WebhookDispatcher, type WebhookConfig, type WebhookDispatcherOptions } from './webhook-dispatcher.ts';
export { MqttPublisher, type MqttConfig } from './mqtt-publisher.ts';
export { startIntegrations, type Integrations, type IntegrationsConfig } from './integrations.ts';
