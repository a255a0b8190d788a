import { printSchema } from 'graphql';
import { orderedSchema } from './build-schema';

const HEADER = '# Emitted from the type-graphql resolvers by `npm run schema`; do not edit by hand.\n\n';

export async function schemaSdl(): Promise<string> {
  return HEADER + printSchema(await orderedSchema()) + '\n';
}
