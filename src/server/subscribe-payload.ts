import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';

type Variables = Record<string, unknown>;

/**
 * graphql-ws keeps a Subscribe message for as long as its operation runs (a subscription's for
 * as long as it streams), so the payload is cut down to what the operation runs on: its
 * extensions, which nothing here reads, and variables the operation does not declare, which
 * execution ignores, would otherwise stay with it. A 256 KiB frame of `{}`s there parses into
 * megabytes of objects, 50 times a socket. Its query text becomes the one the cached document
 * was parsed from: the same text, which every subscription sending it would otherwise keep a
 * copy of (a kilobyte for the SDK's). Returns the variables that remain.
 */
export function trimToOperation(payload: SubscribePayload, document: DocumentNode, operation: OperationDefinitionNode): Variables | undefined {
  if (document.loc?.source.body === payload.query) (payload as { query: string }).query = document.loc.source.body;
  const given = payload.variables ?? undefined;
  const declared = given && Object.fromEntries(
    (operation.variableDefinitions ?? [])
      .map((definition) => definition.variable.name.value)
      .filter((name) => Object.hasOwn(given, name))
      .map((name) => [name, given[name]]),
  );
  const kept = payload as { variables?: Variables; extensions?: Variables };
  kept.variables = declared;
  // Assigned, not deleted: a deleted property would make V8 keep the object as a larger dictionary.
  if (kept.extensions != null) kept.extensions = undefined;
  return declared;
}
