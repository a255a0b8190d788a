import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { DEMO } from './support/fixtures';
import { representativeClient } from './support/sdk';
import { startTestApp, type TestApp } from './support/test-app';

jest.setTimeout(120_000);

const run = promisify(execFile);
const root = join(__dirname, '..');
const fixtures = join(__dirname, 'sdk-package');

/**
 * The SDK as a client project gets it: built (`npm run build` in sdk/) into
 * node_modules/@ordered/sdk of a scratch project inside the repository (so the SDK's own
 * dependencies resolve from the repository's node_modules).
 */
describe('the SDK as a package', () => {
  let project: string;
  let test: TestApp;
  let browser: Browser | undefined;

  beforeAll(async () => {
    mkdirSync(join(root, '.artifacts'), { recursive: true });
    project = mkdtempSync(join(root, '.artifacts', 'sdk-package-'));
    const packageDir = join(project, 'node_modules', '@ordered', 'sdk');
    await run(process.execPath, [join(root, 'sdk', 'build.mjs'), '--out', join(packageDir, 'dist')]);
    copyFileSync(join(root, 'sdk', 'package.json'), join(packageDir, 'package.json'));
    test = await startTestApp();
  });
  afterAll(async () => {
    await browser?.close();
    await test?.stop();
    rmSync(project, { recursive: true, force: true });
  });

  async function openTable(name: string): Promise<string> {
    const representative = representativeClient(test);
    await representative.login(DEMO.representative);
    return (await representative.openSession({ locationId: DEMO.cafe, name })).code;
  }

  it('type-checks in a TypeScript client for the browser, through require and import', async () => {
    copyFileSync(join(fixtures, 'consumer.ts.fixture'), join(project, 'consumer.ts'));
    copyFileSync(join(fixtures, 'consumer.ts.fixture'), join(project, 'consumer.mts'));
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', lib: ['ES2022', 'DOM'], types: [], strict: true, noEmit: true },
        files: ['consumer.ts', 'consumer.mts'],
      }),
    );
    const tsc = require.resolve('typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', join(project, 'tsconfig.json')]).then(
      () => 'no errors',
      (error: { stdout: string }) => error.stdout,
    );
    expect(result).toBe('no errors');
  });

  it.each(['run.cjs', 'run.mjs'])('runs in Node with ws (%s)', async (script) => {
    const code = await openTable(`Table ${script}`);
    copyFileSync(join(fixtures, script), join(project, script));
    const { stdout } = await run(process.execPath, [join(project, script), test.url, code], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ total: '4.80', lastSeq: 1 });
  });

  it('runs in a browser (Chromium) from its ES modules, with the browser’s fetch and WebSocket', async () => {
    const code = await openTable('Table browser');
    const origin = new URL(test.url).origin;
    browser = await launchChromium();
    const page = await browser.newPage();
    // The modules are served as if from the service's origin (so fetch and WebSocket are same-origin).
    await page.route(`${origin}/sdk-test/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      const file =
        path === '/sdk-test/customer.js'
          ? join(fixtures, 'browser-customer.mjs')
          : path.startsWith('/sdk-test/sdk/')
            ? join(project, 'node_modules', '@ordered', 'sdk', 'dist', 'esm', normalize(path.slice('/sdk-test/sdk/'.length)))
            : path.startsWith('/sdk-test/graphql-ws/')
              ? join(root, 'node_modules', 'graphql-ws', 'dist', normalize(path.slice('/sdk-test/graphql-ws/'.length)))
              : undefined;
      if (!file) return route.fulfill({ status: 404 });
      await route.fulfill({ status: 200, contentType: 'text/javascript', body: readFileSync(file) });
    });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    await page.goto(`${origin}/healthz`);

    // A string, not a function: the test's own transpiler would rewrite a function's import().
    const result = await page.evaluate(`(async () => {
      const importMap = document.createElement('script');
      importMap.type = 'importmap';
      importMap.textContent = JSON.stringify({ imports: { 'graphql-ws/client': '/sdk-test/graphql-ws/client.js' } });
      document.head.append(importMap);
      const { runCustomer } = await import('/sdk-test/customer.js');
      return runCustomer(${JSON.stringify(code)});
    })()`);
    expect(result).toEqual({ total: '7.20', lastSeq: 1, failure: { name: 'OrderedError', code: 'NOT_FOUND' } });
    expect(problems).toEqual([]);
  });
});
