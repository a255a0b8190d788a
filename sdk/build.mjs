// Builds the SDK twice: CommonJS (dist/cjs, for require and older bundlers) and ES modules
// (dist/esm, for browsers and modern bundlers). `node build.mjs [--out <dir>]`.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf('--out');
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(here, 'dist'));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(out, { recursive: true, force: true });
const build = (project, outDir) => execFileSync(process.execPath, [tsc, '-p', join(here, project), '--outDir', outDir], { stdio: 'inherit' });
build('tsconfig.json', join(out, 'cjs'));
build('tsconfig.esm.json', join(out, 'esm'));

// ES modules need the file extension on relative imports; the sources (CommonJS style) omit it.
const withExtension = (text) => text.replace(/(\bfrom\s+|\bimport\s*\(\s*)(['"])(\.{1,2}\/[^'"]+?)(?<!\.js)\2/g, '$1$2$3.js$2');
for (const file of walk(join(out, 'esm'))) {
  if (file.endsWith('.js') || file.endsWith('.d.ts')) writeFileSync(file, withExtension(readFileSync(file, 'utf8')));
}
writeFileSync(join(out, 'esm', 'package.json'), '{ "type": "module" }\n');
writeFileSync(join(out, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
