import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaSdl } from './sdl';

/** `npm run schema`: writes src/schema/schema.graphql from the resolvers. */
async function emit(): Promise<void> {
  const path = join(process.cwd(), 'src', 'schema', 'schema.graphql');
  writeFileSync(path, await schemaSdl());
  process.stdout.write(`wrote ${path}\n`);
}

void emit();
