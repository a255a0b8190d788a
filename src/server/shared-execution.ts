import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';

type Result = ExecutionResult | Promise<ExecutionResult>;

/**
 * graphql's `subscribe` for graphql-ws, except that a live event shared by many subscribers
 * (the live feed hands each of them the same object) is executed once per distinct operation
 * — same document, operation name and variables — and that one result goes to all of them.
 * The results are kept beside the event and go when it does. This is right because the
 * fields of a subscription's events depend on the event and the arguments only, never on
 * the subscriber's context: who may subscribe is decided when the subscription starts.
 *
 * `observe.event` is told of every event each subscriber is sent, `observe.execution` of
 * every execution.
 */
export function subscribeSharingExecution(observe: { event(event: unknown): void; execution(): void }) {
  const resultsByEvent = new WeakMap<object, Map<string, Result>>();
  const documentIds = new WeakMap<DocumentNode, number>();
  let documentsSeen = 0;

  const operationKey = (args: ExecutionArgs): string => {
    let documentId = documentIds.get(args.document);
    if (documentId === undefined) documentIds.set(args.document, (documentId = ++documentsSeen));
    return `${documentId}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
  };

  return async function subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source;
    const key = operationKey(args);
    return mapEach(source, (event) => {
      observe.event(event);
      const run = () => {
        observe.execution();
        return execute({ ...args, rootValue: event });
      };
      if (typeof event !== 'object' || event === null) return run();
      let results = resultsByEvent.get(event);
      if (!results) resultsByEvent.set(event, (results = new Map()));
      let result = results.get(key);
      if (!result) results.set(key, (result = run()));
      return result;
    });
  };
}

/** The source's items mapped one by one; returning ends the source too. */
function mapEach<Item, Mapped>(source: AsyncIterable<Item>, map: (item: Item) => Mapped | Promise<Mapped>): AsyncIterableIterator<Mapped> {
  const items = source[Symbol.asyncIterator]();
  const close = async (): Promise<IteratorReturnResult<undefined>> => {
    await items.return?.();
    return { value: undefined, done: true };
  };
  const mapped: AsyncIterableIterator<Mapped> = {
    async next() {
      const item = await items.next();
      if (item.done) return { value: undefined, done: true };
      try {
        return { value: await map(item.value), done: false };
      } catch (error) {
        await close();
        throw error;
      }
    },
    return: close,
    async throw(error: unknown) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}
