import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { round } from './stats';

const ROUNDS = 10;
const ITERATIONS = 20_000;
const SAMPLE = { id: '5f0c3a9e-8d2b-4c1a-9e7f-2b6d1c0a4e3f', items: [{ productId: 1, quantity: 2, name: 'Flat white', priceCents: 380 }], seq: 42 };

/**
 * How long one core of this machine takes for a fixed piece of work (JSON and hashing, as
 * a request's), the best of ten rounds of about 0.1 s: lower is faster. Machines of one kind
 * differ by up to a factor of two, and one machine's speed moves from run to run: comparing
 * one run's figures with another's needs an idea of it.
 */
export function cpuSpeedMs(): number {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = performance.now();
    let digest = '';
    for (let i = 0; i < ITERATIONS; i += 1) {
      const text = JSON.stringify({ ...SAMPLE, seq: i, digest });
      digest = createHash('sha256').update(JSON.parse(text).id + text).digest('hex').slice(0, 8);
    }
    best = Math.min(best, performance.now() - started);
  }
  return round(best, 0);
}
