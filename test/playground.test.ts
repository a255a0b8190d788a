import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { login, openSession, placeOrder } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';
import { exampleTabs } from '../src/server/playground/example-tabs';
import { Subscriber, webSocketClient } from './support/graphql-client';

jest.setTimeout(60_000);

const ARTIFACTS = join(__dirname, '..', '.artifacts');

/** Replaces the text of the playground's query or variables editor, as a person pasting would. */
async function setEditor(page: Page, editor: 'query' | 'variables', text: string): Promise<void> {
  const selector = editor === 'query' ? '.graphiql-query-editor .CodeMirror' : '.graphiql-editor-tool .CodeMirror';
  await page.click(selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
  // GraphiQL re-reads the operation (its name, for running) a moment after an edit.
  await page.waitForTimeout(500);
}

async function run(page: Page): Promise<void> {
  await page.click('.graphiql-execute-button');
}

async function resultText(page: Page): Promise<string> {
  return page.$eval('.result-window', (element) => element.textContent ?? '');
}

/** Waits until the result pane shows `text` (the check runs in the page, hence a string). */
async function waitForResult(page: Page, text: string): Promise<void> {
  await page.waitForFunction(`document.querySelector('.result-window')?.textContent?.includes(${JSON.stringify(text)})`);
}

describe('the playground', () => {
  let test: TestApp;
  let browser: Browser;
  let page: Page;
  const requestedUrls: string[] = [];

  beforeAll(async () => {
    test = await startTestApp();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('request', (request) => requestedUrls.push(request.url()));
  });
  afterAll(async () => {
    await browser?.close();
    await test?.stop();
  });

  it('loads from the service alone, runs a query and shows a live subscription event', async () => {
    await page.goto(test.url.replace('/graphql', '/'));
    await page.waitForSelector('.graphiql-execute-button');

    await setEditor(page, 'query', 'mutation { login(username: "demo", password: "demo-password") { userId } }');
    await run(page);
    await waitForResult(page, '"userId": 1');

    const token = await login(test.url);
    const session = await openSession(test.url, token, 'Table 9');
    await setEditor(
      page,
      'query',
      'subscription Live($code: String!) { sessionEvents(code: $code) { __typename seq ... on OrderPlaced { order { total } } } }',
    );
    await setEditor(page, 'variables', JSON.stringify({ code: session.code }));
    await run(page);
    // The subscription is live once its socket has asked for it; the order placed after shows up.
    await page.waitForSelector('.graphiql-execute-button[aria-label*="Stop"]');
    expect((await placeOrder(test.url, session.code)).errors).toBeUndefined();
    await waitForResult(page, 'OrderPlaced');
    expect(await resultText(page)).toContain('"total": "2.40"');

    await page.click('[aria-label="Show Documentation Explorer"]');
    await page.waitForSelector('.graphiql-doc-explorer >> text=Subscription');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true });

    const origins = new Set(requestedUrls.map((url) => new URL(url).hostname));
    expect([...origins]).toEqual(['127.0.0.1']);
  });

  it("runs every operation of its example tabs, in order, as someone following them would", async () => {
    const [logIn, open, subscribe, order, panel] = exampleTabs.map((tab) => tab.query);
    const run = async (query: string, operationName: string, variables: Record<string, unknown> = {}, token?: string) => {
      const response = await fetch(test.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, operationName, variables }),
      });
      const answer = (await response.json()) as { data?: any; errors?: unknown[] };
      expect([operationName, answer.errors]).toEqual([operationName, undefined]);
      return answer.data;
    };
    const { token } = (await run(logIn, 'LogIn')).login;
    const { code } = (await run(open, 'OpenSession', {}, token)).openSession;
    const customer = webSocketClient(test.wsUrl);
    const events = new Subscriber(customer, subscribe, { code }, 'SessionEvents');
    try {
      expect((await run(order, 'Menu', { code })).menu.length).toBeGreaterThan(0);
      const placed = (await run(order, 'PlaceOrder', { code, key: 'order-1' })).placeOrder;
      await events.waitFor(1);
      expect(events.errors).toEqual([]);
      expect((await run(panel, 'Panel', {}, token)).sessions.nodes.map((session: { code: string }) => session.code)).toContain(code);
      expect((await run(panel, 'Orders', { code }, token)).session.orders.map((listed: { id: string }) => listed.id)).toEqual([placed.id]);
      expect((await run(panel, 'Accept', { orderId: placed.id }, token)).setOrderStatus.status).toBe('ACCEPTED');
      expect((await run(panel, 'Close', { code }, token)).closeSession.state).toBe('CLOSED');
      await events.done;
      expect(events.items.map((item) => item.sessionEvents.__typename)).toEqual(['OrderPlaced', 'OrderStatusChanged', 'SessionClosed']);
    } finally {
      events.unsubscribe();
      await customer.dispose();
    }
  });

  it('answers 404 for a file it does not serve, also one named like a property every object has', async () => {
    const base = new URL(test.url).origin;
    for (const name of ['nothing.js', '__proto__', 'constructor', 'toString']) {
      const response = await fetch(`${base}/playground/${name}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toMatch(/node_modules|Error/);
    }
  });
});

