import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { BREAK, GraphQLError, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { EventEmitter } from 'node:events';
import { RateLimitedError } from '../domain/errors';
import type { GraphQLContext } from '../resolvers/context';
import { LARGE_FIELDS } from './large-fields-rule';

/** Large operations of one client that run at once; the others wait in its line. */
export const LARGE_OPERATIONS_PER_CLIENT = 2;
/** Large operations of one client that may wait; one more is refused. */
export const LARGE_OPERATIONS_WAITING_PER_CLIENT = 20;

interface Line {
  running: number;
  waiting: Set<() => void>;
}

/** What a client's operation comes over (an HTTP request's socket, a WebSocket): it emits 'close' when the client is gone. */
export type Connection = Pick<EventEmitter, 'once' | 'off' | 'getMaxListeners' | 'setMaxListeners'>;

/** Listeners a connection may have before Node warns of a leak: its own, and one per operation waiting on it. */
const CONNECTION_LISTENERS = 10 + LARGE_OPERATIONS_WAITING_PER_CLIENT;

/**
 * Operations that ask for a large field (a session's orders, a page of a log) take a client's
 * turn: LARGE_OPERATIONS_PER_CLIENT run at once, the next ones wait in that client's line. One
 * such answer can take a quarter of a second of the instance's one event loop; a client that
 * sent fifty at once held every other request, other tables' orders too, for ten seconds. In
 * its line, a client mostly delays itself. One whose connection closes leaves the line.
 */
export class LargeOperationGate {
  private readonly lines = new Map<string, Line>();
  private readonly largeDocuments = new WeakMap<DocumentNode, boolean>();

  constructor(
    private readonly schema: GraphQLSchema,
    /** Told each change in the number of operations waiting. */
    private readonly waitingChanged: (change: number) => void,
  ) {}

  /** Whether the document asks for one of LARGE_FIELDS (parsed documents are cached, so is this). */
  isLarge(document: DocumentNode): boolean {
    let large = this.largeDocuments.get(document);
    if (large === undefined) this.largeDocuments.set(document, (large = asksForLargeField(this.schema, document)));
    return large;
  }

  /**
   * Waits for the client's turn; the function returned ends it. Refused (RATE_LIMITED) when too
   * many of the client's operations wait already; rejected when the connection closes meanwhile.
   */
  async enter(client: string, connection: Connection): Promise<() => void> {
    let line = this.lines.get(client);
    if (!line) this.lines.set(client, (line = { running: 0, waiting: new Set() }));
    if (line.running < LARGE_OPERATIONS_PER_CLIENT) {
      line.running += 1;
      return this.leaving(client, line);
    }
    if (line.waiting.size >= LARGE_OPERATIONS_WAITING_PER_CLIENT) {
      throw new RateLimitedError('Too many large reads (orders, event logs) at once from this address; try again when they are answered');
    }
    const inLine = line;
    this.waitingChanged(1);
    try {
      await new Promise<void>((turn, gone) => {
        const leave = () => {
          inLine.waiting.delete(take);
          gone(new ClientGoneError());
        };
        const take = () => {
          connection.off('close', leave);
          turn();
        };
        const allowed = connection.getMaxListeners();
        if (allowed !== 0 && allowed < CONNECTION_LISTENERS) connection.setMaxListeners(CONNECTION_LISTENERS);
        connection.once('close', leave);
        inLine.waiting.add(take);
      });
    } finally {
      this.waitingChanged(-1);
    }
    return this.leaving(client, inLine);
  }

  private leaving(client: string, line: Line): () => void {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const [next] = line.waiting;
      if (next) {
        line.waiting.delete(next);
        return next(); // the turn passes on: as many run
      }
      line.running -= 1;
      if (line.running === 0 && line.waiting.size === 0) this.lines.delete(client);
    };
  }
}

/** The client closed its connection while its operation waited: nothing is run, nothing answered. */
export class ClientGoneError extends Error {
  constructor() {
    super('The client closed its connection while its operation waited for its turn');
  }
}

/** HTTP operations take their turn once Apollo has their document, and end it with their answer. */
export function largeOperationsPlugin(gate: LargeOperationGate): ApolloServerPlugin<GraphQLContext> {
  // The turns of the few requests that take one, by their context; one listener for every request.
  const turns = new WeakMap<GraphQLContext, { leave?: () => void; answered: boolean }>();
  const listener: GraphQLRequestListener<GraphQLContext> = {
    async didResolveOperation({ document, contextValue }) {
      if (!gate.isLarge(document) || !contextValue.connection) return;
      const taken: { leave?: () => void; answered: boolean } = { answered: false };
      turns.set(contextValue, taken);
      const turn = await gate.enter(contextValue.client, contextValue.connection).catch((error: unknown) => {
        // Apollo would answer any other error of this hook with 500, and it would be logged as unexpected.
        if (error instanceof RateLimitedError) throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status: 429 } } });
        if (error instanceof ClientGoneError) throw new GraphQLError(error.message, { extensions: { code: 'CANCELLED', http: { status: 499 } } });
        throw error;
      });
      // Another plugin refused the request while this one waited: the answer went without it.
      if (taken.answered) turn();
      else taken.leave = turn;
    },
    async willSendResponse({ contextValue }) {
      const taken = turns.get(contextValue);
      if (!taken) return;
      taken.answered = true;
      taken.leave?.();
    },
  };
  return { requestDidStart: async () => listener };
}

function asksForLargeField(schema: GraphQLSchema, document: DocumentNode): boolean {
  const types = new TypeInfo(schema);
  let large = false;
  visit(
    document,
    visitWithTypeInfo(types, {
      Field() {
        const parent = types.getParentType();
        const field = types.getFieldDef();
        if (parent && field && LARGE_FIELDS.has(`${parent.name}.${field.name}`)) {
          large = true;
          return BREAK;
        }
        return undefined;
      },
    }),
  );
  return large;
}
