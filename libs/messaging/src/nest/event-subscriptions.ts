import { Inject, Injectable } from '@nestjs/common';
import { type ConsumerTuning, type EventHandlers } from '../inbox/event-consumer';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging.options';

export interface Subscription {
  /** Full consumer group id: `<service>.<name>`. */
  groupId: string;
  handlers: EventHandlers;
  options: ConsumerTuning;
}

/** Where feature modules register the events they consume; the consumers start when the application has booted. */
@Injectable()
export class EventSubscriptions {
  private readonly subscriptions = new Map<string, Subscription>();
  private sealed = false;

  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions) {}

  /**
   * Consumes the handled event types as consumer group `<service>.<name>`, each event's effect
   * committed once. Call from a provider's `onModuleInit`.
   */
  subscribe(name: string, handlers: EventHandlers, options: ConsumerTuning = {}): void {
    if (this.sealed) throw new Error(`Subscription ${name} came after start; subscribe in onModuleInit`);
    const groupId = `${this.options.service}.${name}`;
    if (this.subscriptions.has(groupId)) throw new Error(`Consumer group ${groupId} is subscribed twice`);
    this.subscriptions.set(groupId, { groupId, handlers, options: { ...this.options.consumers, ...options } });
  }

  /** The registered subscriptions; no more can be added afterwards. */
  seal(): Subscription[] {
    this.sealed = true;
    return [...this.subscriptions.values()];
  }
}
