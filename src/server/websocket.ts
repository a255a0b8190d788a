import { GraphQLError, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { parseAuthorization } from '../domain/credential';
import type { GraphQLContext } from '../resolvers/context';
import type { Services } from '../services';
import { clientAddress } from './client-address';
import { GRAPHQL_PATH } from './http';

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * graphql-ws over ws on the same port and path as HTTP GraphQL. Representatives send
 * `{ authorization: "Bearer <user id>:<session key>" }` in connection_init; a socket
 * without a valid credential still serves customer operations.
 */
export function createWebSocketServer(options: {
  httpServer: Server;
  schema: GraphQLSchema;
  services: Services;
  trustProxy: boolean;
  formatError: FormatError;
}) {
  const { services, formatError } = options;
  const wss = new WebSocketServer({ server: options.httpServer, path: GRAPHQL_PATH, maxPayload: 256 * 1024, perMessageDeflate: false });
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => formatError(error.toJSON(), error));

  const server = useServer<Record<string, unknown> | undefined>(
    {
      schema: options.schema,
      context: (ctx): GraphQLContext => ({
        em: services.orm.em.fork(),
        services,
        credential: parseAuthorization(ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization),
        client: clientAddress(ctx.extra.request, options.trustProxy),
      }),
      onNext: (_ctx, _id, _payload, _args, result) => {
        const errors = (result as ExecutionResult).errors;
        if (!errors?.length) return result;
        return { ...result, errors: format(errors) } as unknown as ExecutionResult;
      },
      onError: (_ctx, _id, _payload, errors) => format(errors) as unknown as GraphQLError[],
    },
    wss,
  );
  return {
    wss,
    async dispose() {
      await server.dispose();
    },
  };
}
