import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { REQUEST_ID_HEADER } from './request-log';

/** Counts HTTP operations and their errors by extensions.code; logs unexpected errors with the request id. */
export function observabilityPlugin(metrics: Metrics, logger: Logger, isUnexpected: (error: unknown) => boolean): ApolloServerPlugin {
  return {
    // Refused before it became a GraphQL request (a batch, no query, GET for a mutation).
    async invalidRequestWasReceived({ error }) {
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      countHttpRefusal(metrics, typeof code === 'string' ? code : 'BAD_REQUEST');
    },
    async requestDidStart({ request }) {
      const requestId = request.http?.headers.get(REQUEST_ID_HEADER) ?? undefined;
      return {
        async didEncounterErrors({ errors, operation }) {
          for (const error of errors) {
            if (isUnexpected(error)) {
              logger.error('unexpected error', { requestId, operation: operation?.name?.value, error: String(error.originalError?.stack ?? error) });
            }
          }
        },
        async willSendResponse({ response, operation }) {
          metrics.graphqlRequests.inc({ transport: 'http', operation: operation?.operation ?? 'invalid' });
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          for (const error of errors ?? []) {
            metrics.graphqlErrors.inc({ transport: 'http', code: String(error.extensions?.code ?? 'UNKNOWN') });
          }
        },
      };
    },
  };
}

/** An HTTP request refused before any operation ran: counted as an invalid request with its error's code. */
export function countHttpRefusal(metrics: Metrics, code: string): void {
  metrics.graphqlRequests.inc({ transport: 'http', operation: 'invalid' });
  metrics.graphqlErrors.inc({ transport: 'http', code });
}
