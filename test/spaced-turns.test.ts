import DataLoader from 'dataloader';
import { spacedTurns } from '../src/spaced-turns';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('batches in spaced turns', () => {
  it('runs the first batch after a quiet spell at the end of its turn, waiting for no timer', async () => {
    const schedule = spacedTurns(100);
    const order: string[] = [];
    schedule(() => order.push('batch'));
    await new Promise((resolve) => setImmediate(() => resolve(order.push('next turn'))));
    expect(order).toEqual(['batch', 'next turn']);
  });

  it('holds a batch begun soon after the last one back, so that a DataLoader gives the loads of several turns one batch', async () => {
    const batches: string[][] = [];
    const loader = new DataLoader<string, string>(
      async (keys) => {
        batches.push([...keys]);
        return keys;
      },
      { cache: false, batchScheduleFn: spacedTurns(500) },
    );
    const loads = [loader.load('a')];
    await nextTurn();
    await nextTurn();
    for (const key of ['b', 'c', 'd']) {
      loads.push(loader.load(key));
      await nextTurn();
    }
    expect(await Promise.all(loads)).toEqual(['a', 'b', 'c', 'd']);
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
  });
});
