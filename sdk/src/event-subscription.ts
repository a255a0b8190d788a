import type { SubscribePayload } from 'graphql-ws/client';
import {
  LocationEventsDocument,
  SessionEventsDocument,
  type LocationEventsSubscription,
  type SessionEventsSubscription,
} from '../generated/graphql';
import { fromSubscriptionFailure, OrderedError } from './errors';
import type { LocationEvent, SessionEvent } from './types';
import type { WebSocketLink } from './websocket';

/** With any of the callbacks, the subscription calls them instead of being iterated. */
export interface EventSubscriptionOptions<Event> {
  /** Deliver the events after this seq (default 0: from the start); e.g. a joined session's `lastSeq`. */
  afterSeq?: number;
  /** Callback style: called with each event in order (the next waits for a returned promise). */
  onEvent?: (event: Event) => void | Promise<void>;
  /**
   * Callback style: the subscription failed (e.g. NOT_FOUND, FORBIDDEN, or reconnecting gave
   * up). A refusal for a while (SERVICE_UNAVAILABLE, RATE_LIMITED) is not a failure: the
   * subscription is asked for again after a wait, as after a dropped connection.
   */
  onError?: (error: OrderedError) => void;
  /** Callback style: the subscription ended (after SessionClosed on a session, or unsubscribe()). */
  onEnd?: () => void;
}

export type SessionSubscriptionOptions = EventSubscriptionOptions<SessionEvent>;
export type LocationSubscriptionOptions = EventSubscriptionOptions<LocationEvent>;

/** One stream of the service: its subscription document, and how to read and end it. */
interface Stream<Data, Event> {
  query: string;
  variables(afterSeq: number): Record<string, unknown>;
  event(data: Data): Event;
  isLast(event: Event): boolean;
}

/** Refusals that pass (a sibling or the database away for a moment, a throttle's window): the stream is asked for again. */
const PASSING_REFUSALS: ReadonlySet<string> = new Set(['SERVICE_UNAVAILABLE', 'RATE_LIMITED']);

/**
 * Every event of one stream, each exactly once and in seq order, across dropped connections:
 * an AsyncIterable (or callbacks, see the options).
 *
 * It remembers the last seq it received. When the WebSocket drops, graphql-ws reconnects with
 * backoff and sends the subscription again, and its `afterSeq` is read at that moment, so the
 * service replays exactly what was missed. An event at or below the last seq is dropped; an
 * event beyond the next seq (a gap, which the service never sends) restarts the subscription
 * from the last seq. A stream refused for a while (SERVICE_UNAVAILABLE, say, when a resubscribe
 * finds the verification service away) is asked for again from the last seq after the
 * reconnect backoff (at least `extensions.retryAfterSeconds`), for as long as it is wanted.
 */
export class EventSubscription<Event extends { seq: number }, Data = unknown> implements AsyncIterable<Event> {
  private readonly queue: Event[] = [];
  private receivedSeq: number;
  private deliveredSeq: number;
  private failure?: OrderedError;
  /** No event will be added to the queue any more. */
  private finished = false;
  private consumed = false;
  private wake?: () => void;
  private stopCurrent: () => void = () => undefined;
  /** Passing refusals in a row: the wait before asking again grows with them. */
  private refusals = 0;
  /** Stops the wait before asking again, if one is under way. */
  private stopWaiting?: () => void;

  protected constructor(
    private readonly link: WebSocketLink,
    private readonly stream: Stream<Data, Event>,
    options: EventSubscriptionOptions<Event>,
  ) {
    const afterSeq = options.afterSeq ?? 0;
    if (!Number.isInteger(afterSeq) || afterSeq < 0) throw new RangeError('afterSeq is an integer, 0 or more');
    this.receivedSeq = afterSeq;
    this.deliveredSeq = afterSeq;
    this.start();
    if (options.onEvent || options.onError || options.onEnd) this.pump(options);
  }

  /** The seq of the last event handed to the caller: subscribe with it as `afterSeq` to continue later. */
  get lastSeq(): number {
    return this.deliveredSeq;
  }

  /** Stops the subscription; an iteration in progress ends. */
  unsubscribe(): void {
    this.queue.length = 0;
    this.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<Event> {
    if (this.consumed) throw new Error('A subscription can be iterated once; subscribe again for a second reader');
    this.consumed = true;
    return {
      next: () => this.next(),
      return: async () => {
        this.unsubscribe();
        return { done: true, value: undefined };
      },
    };
  }

  private async next(): Promise<IteratorResult<Event>> {
    for (;;) {
      const event = this.queue.shift();
      if (event) {
        this.deliveredSeq = event.seq;
        return { done: false, value: event };
      }
      if (this.failure) {
        const failure = this.failure;
        this.failure = undefined;
        throw failure;
      }
      if (this.finished) return { done: true, value: undefined };
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private start(): void {
    const subscription = this;
    const payload: SubscribePayload = {
      query: this.stream.query,
      // Read each time graphql-ws sends the subscription, i.e. again after every reconnect.
      get variables() {
        return subscription.stream.variables(subscription.receivedSeq);
      },
    };
    let current = true;
    const dispose = this.link.subscribe<Data>(payload, {
      next: (result) => {
        if (!current) return;
        if (result.errors?.length) return this.refused(OrderedError.fromGraphQLErrors(result.errors));
        if (!result.data) return;
        this.refusals = 0;
        this.receive(this.stream.event(result.data));
      },
      error: (failure) => current && this.refused(fromSubscriptionFailure(failure)),
      complete: () => current && this.end(),
    });
    this.stopCurrent = () => {
      current = false;
      // Not from inside graphql-ws's own callback: disposing there just before the service's
      // `complete` for the same operation is handled makes graphql-ws 6.4 release its socket
      // lock twice and close the socket under the other subscriptions sharing it.
      setTimeout(dispose, 0);
    };
  }

  private receive(event: Event): void {
    if (this.finished || event.seq <= this.receivedSeq) return;
    if (event.seq > this.receivedSeq + 1) {
      this.stopCurrent();
      this.start();
      return;
    }
    this.receivedSeq = event.seq;
    this.queue.push(event);
    if (this.stream.isLast(event)) this.end();
    this.notify();
  }

  /** A passing refusal asks again after a wait; any other ends the subscription with it. */
  private refused(error: OrderedError): void {
    if (this.finished) return;
    if (!PASSING_REFUSALS.has(error.code)) return this.fail(error);
    this.stopCurrent();
    this.stopCurrent = () => undefined;
    const retryAfterMs = 1000 * (Number(error.extensions.retryAfterSeconds) || 0);
    const waiting = new AbortController();
    this.stopWaiting = () => waiting.abort();
    void this.link.waitBeforeRetry(this.refusals++, retryAfterMs, waiting.signal).then((waited) => {
      if (this.finished) return;
      // The client was closed meanwhile: the subscription ends, as one streaming would.
      if (waited) this.start();
      else this.end();
    });
  }

  private fail(error: OrderedError): void {
    if (this.finished) return;
    this.failure = error;
    this.end();
  }

  private end(): void {
    this.finished = true;
    this.stopWaiting?.();
    this.stopCurrent();
    this.stopCurrent = () => undefined;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private pump({ onEvent, onError, onEnd }: EventSubscriptionOptions<Event>): void {
    void (async () => {
      try {
        for await (const event of this) {
          try {
            await onEvent?.(event);
          } catch (error) {
            // The caller's own failure ends the subscription and is rethrown where it belongs,
            // like an exception in an event listener.
            queueMicrotask(() => {
              throw error;
            });
            return;
          }
        }
      } catch (error) {
        if (onError) onError(error as OrderedError);
        else console.error('ordered SDK: subscription failed', error);
        return;
      }
      onEnd?.();
    })();
  }
}

/** Every event of one session (see EventSubscription); it ends after SessionClosed. */
export class SessionSubscription extends EventSubscription<SessionEvent, SessionEventsSubscription> {
  constructor(
    link: WebSocketLink,
    readonly code: string,
    options: SessionSubscriptionOptions = {},
  ) {
    super(
      link,
      {
        query: SessionEventsDocument.toString(),
        variables: (afterSeq) => ({ code, afterSeq }),
        event: (data) => data.sessionEvents,
        isLast: (event) => event.__typename === 'SessionClosed',
      },
      options,
    );
  }
}

/**
 * The order panel's stream of one location (see EventSubscription): sessions opened and closed,
 * orders placed and moved along. Its seq numbers the location's stream, not a session's. It
 * does not end by itself.
 */
export class LocationSubscription extends EventSubscription<LocationEvent, LocationEventsSubscription> {
  constructor(
    link: WebSocketLink,
    readonly locationId: number,
    options: LocationSubscriptionOptions = {},
  ) {
    super(
      link,
      {
        query: LocationEventsDocument.toString(),
        variables: (afterSeq) => ({ locationId, afterSeq }),
        event: (data) => data.locationEvents,
        isLast: () => false,
      },
      options,
    );
  }
}
