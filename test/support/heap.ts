import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** A full garbage collection, as `--expose-gc` gives it. */
export const collectGarbage = runInNewContext('gc') as () => void;

/** The heap in use once what can be collected has been. */
export function heapUsed(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
