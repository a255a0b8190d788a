import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaSdl } from '../src/schema/sdl';

describe('the committed SDL', () => {
  it('is what the resolvers build (run `npm run schema` after changing them)', async () => {
    const committed = readFileSync(join(__dirname, '..', 'src', 'schema', 'schema.graphql'), 'utf8');
    expect(committed).toBe(await schemaSdl());
  });
});
