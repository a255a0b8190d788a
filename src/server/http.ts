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
import { clientAddress } from './client-address';

export const GRAPHQL_PATH = '/graphql';

/** Apollo over Express on the shared HTTP server, with a fresh EntityManager per request. */
export async function createHttpApp(options: {
  httpServer: Server;
  schema: GraphQLSchema;
  services: Services;
  production: boolean;
  trustProxy: boolean;
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
    // main.ts owns the signals: it drains this server, then closes Redis and the database.
    stopOnTerminationSignals: false,
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
  app.get('/readyz', async (_req, res) => {
    const [database, pubSub] = await Promise.all([databaseReachable(services), services.bus.isReachable()]);
    res.status(database && pubSub ? 200 : 503).json({ status: database && pubSub ? 'ready' : 'unavailable', database, pubSub });
  });
  app.use(
    GRAPHQL_PATH,
    express.json({ limit: '256kb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => ({
        em: services.orm.em.fork(),
        services,
        credential: parseAuthorization(req.headers.authorization),
        client: clientAddress(req, options.trustProxy),
      }),
    }),
  );
  return { app, apollo };
}

async function databaseReachable(services: Services): Promise<boolean> {
  try {
    await services.orm.em.getConnection().execute('select 1');
    return true;
  } catch {
    return false;
  }
}
