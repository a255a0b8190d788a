import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..');
const generatedDir = join(root, 'sdk', 'generated');

/** What `npm run codegen` would write, without writing it. */
async function regenerate(): Promise<Map<string, string>> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, 'support', 'generate-sdk.mjs'), root], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  const outputs = JSON.parse(stdout) as Record<string, string>;
  return new Map(Object.entries(outputs).map(([filename, content]) => [normalize(filename), content]));
}

describe('the committed SDK code', () => {
  it('is what codegen.yml generates from the committed SDL and sdk/operations (run `npm run codegen` after changing either)', async () => {
    const generated = await regenerate();
    const committed = new Map(readdirSync(generatedDir).map((name) => [join('sdk', 'generated', name), readFileSync(join(generatedDir, name), 'utf8')]));

    expect([...committed.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [path, content] of generated) expect({ path, content: committed.get(path) }).toEqual({ path, content });
  }, 60_000);
});
