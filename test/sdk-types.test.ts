import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SessionsDocument, type CustomerClient, type RepresentativeClient, type SessionEvent } from '../sdk/src';

/**
 * Compile-time checks of the SDK's types. `tsc --noEmit` (part of `npm test`) fails if a
 * `@ts-expect-error` line below stops being an error; the test underneath also compiles a copy
 * without the directives and checks that each of those lines is rejected.
 */
export function typeChecks(representative: RepresentativeClient, customer: CustomerClient, event: SessionEvent): void {
  // @ts-expect-error locationId is an Int: a string is rejected
  void representative.openSession({ locationId: '1', name: 'Table 1' });
  // @ts-expect-error status is an OrderStatus, and DONE is not one
  void representative.setOrderStatus({ orderId: '1', status: 'DONE' });
  // @ts-expect-error an order line needs a quantity
  void customer.placeOrder({ code: 'abc123', items: [{ productId: 1 }] });
  // @ts-expect-error the SDK makes the idempotency key: it is an option, not a variable
  void customer.placeOrder({ code: 'abc123', items: [], idempotencyKey: 'mine' });
  // @ts-expect-error a typed document types its variables: locationId is an Int
  void representative.request(SessionsDocument, { locationId: 'cafe' });
  // @ts-expect-error the code of a session is a string
  void customer.subscribeToSession(123456);

  // What is right compiles, and an event narrows on its __typename.
  void representative.openSession({ locationId: 1, name: 'Table 1' });
  void customer.placeOrder({ code: 'abc123', items: [{ productId: 1, quantity: 2, note: 'no sugar' }] }, { idempotencyKey: 'mine' });
  if (event.__typename === 'OrderPlaced') {
    const total: string = event.order.total;
    void total;
    // @ts-expect-error orderId belongs to OrderStatusChanged, not OrderPlaced
    void event.orderId;
  }
}

describe("the SDK's types", () => {
  it('reject a wrong variable at compile time', async () => {
    const source = readFileSync(__filename, 'utf8');
    const lines = source.split('\n');
    const expected = lines.flatMap((line, index) => (line.trim().startsWith('// @ts-expect-error') ? [index + 2] : []));
    expect(expected.length).toBeGreaterThanOrEqual(7);

    // The same file without the directives, where every line after one must be an error.
    const root = join(__dirname, '..');
    mkdirSync(join(root, '.artifacts'), { recursive: true });
    const dir = mkdtempSync(join(root, '.artifacts', 'sdk-types-'));
    try {
      const copy = join(dir, 'checks.ts');
      const withoutDirectives = lines.map((line) => (line.trim().startsWith('// @ts-expect-error') ? '//' : line)).join('\n');
      writeFileSync(copy, withoutDirectives.replaceAll("'../sdk/src'", `'${join(root, 'sdk', 'src')}'`));
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(root, 'tsconfig.json'), compilerOptions: { noEmit: true }, include: [], files: [copy] }));
      const tsc = require.resolve('typescript/bin/tsc');
      const result = await promisify(execFile)(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')]).then(
        () => '',
        (error: { stdout: string }) => error.stdout,
      );
      const errorLines = [...result.matchAll(/checks\.ts\((\d+),\d+\): error/g)].map((match) => Number(match[1]));
      expect([...new Set(errorLines)]).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
