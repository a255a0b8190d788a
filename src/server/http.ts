import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Server } from 'node:http';
import { parseAuthorization } from '../domain/credential';
import type { GraphQLContext } from '../resolvers/context';
import type { Services } from '../services';

export const GRAPHQL_PATH = '/graphql';

/** Apollo over Express on the shared HTTP server, with a fresh EntityManager per request. */
export async function createHttpApp(options: {
  httpServer: Server;
  schema: GraphQLSchema;
  services: Services;
  production: boolean;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Runs while Apollo drains: closes the WebSocket server. */
  drainWebSockets: () => Promise<void>;
}) {
  const { httpServer, schema, services } = options;
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError: options.formatError,
    includeStacktraceInErrorResponses: !options.production,
    introspection: !options.production,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      { async serverWillStart() { return { drainServer: options.drainWebSockets }; } },
    ],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    GRAPHQL_PATH,
    express.json({ limit: '256kb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => ({
        em: services.orm.em.fork(),
        services,
        credential: parseAuthorization(req.headers.authorization),
        client: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      }),
    }),
  );
  return { app, apollo };
}
