// In-process publish/subscribe by topic. Typed by a map from topic to payload, so a publisher and
// its subscribers agree at compile time. The NATS JetStream transport for many nodes will offer
// the same face. A subscriber that throws is reported, never allowed to stop the others.

export type Handler<T> = (payload: T) => void;

export class EventBus<Topics extends Record<string, unknown>> {
  private readonly handlers = new Map<keyof Topics, Set<Handler<never>>>();
  private readonly onHandlerError: (topic: keyof Topics, err: unknown) => void;

  constructor(onHandlerError: (topic: keyof Topics, err: unknown) => void = () => undefined) {
    this.onHandlerError = onHandlerError;
  }

  /** Returns the unsubscribe function. */
  subscribe<K extends keyof Topics>(topic: K, handler: Handler<Topics[K]>): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler as Handler<never>);
    return () => {
      set.delete(handler as Handler<never>);
      if (set.size === 0) this.handlers.delete(topic);
    };
  }

  publish<K extends keyof Topics>(topic: K, payload: Topics[K]): void {
    const set = this.handlers.get(topic);
    if (!set) return;
    for (const h of [...set]) {
      try {
        (h as Handler<Topics[K]>)(payload);
      } catch (err) {
        this.onHandlerError(topic, err);
      }
    }
  }

  subscriberCount(topic: keyof Topics): number {
    return this.handlers.get(topic)?.size ?? 0;
  }
}
