import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { OriginalLocations } from './lib/original-location';

/**
 * `node dist/bench/cpu-profile-top.js <file.cpuprofile> [rows] [--last=<seconds>]`: where a
 * CPU profile of the service (taken with `npm run bench -- --cpu-prof`) spent its time, by
 * self time: per package or source file, and per function. Idle time is left out of the
 * percentages; code of the bundled service is told apart by its source map. `--last` keeps
 * only the process's last seconds (a profile ends when its process does: the last seconds of
 * a service stopped by the restart scenario are its stop).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PROJECT = process.cwd();

function area(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'native'})`;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return 'node internals';
  if (url.startsWith('file://')) return relative(PROJECT, url.slice('file://'.length));
  if (url.startsWith('/')) return relative(PROJECT, url);
  return url;
}

function main(): void {
  const args = process.argv.slice(2);
  const lastSeconds = Number(args.find((arg) => arg.startsWith('--last='))?.slice('--last='.length) ?? Infinity);
  const [file, rowsArg] = args.filter((arg) => !arg.startsWith('--'));
  if (!file || !(lastSeconds > 0)) throw new Error('usage: cpu-profile-top <file.cpuprofile> [rows] [--last=<seconds>]');
  const rows = Number(rowsArg ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const deltas = profile.timeDeltas;
  const total = deltas.reduce((sum, delta) => sum + delta, 0);
  const from = total - lastSeconds * 1e6;
  const locations = new OriginalLocations();
  const selfMicros = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, index) => {
    at += deltas[index] ?? 0;
    if (at >= from) selfMicros.set(id, (selfMicros.get(id) ?? 0) + (deltas[index] ?? 0));
  });

  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const [id, micros] of selfMicros) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const { functionName } = frame;
    const { url, lineNumber } = locations.of(frame.url, frame.lineNumber, frame.columnNumber);
    if (functionName === '(idle)') {
      idle += micros;
      continue;
    }
    busy += micros;
    const where = area(url, functionName);
    byArea.set(where, (byArea.get(where) ?? 0) + micros);
    const name = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  }
  const print = (title: string, entries: Map<string, number>) => {
    process.stdout.write(`\n${title}\n`);
    for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
      process.stdout.write(`${((micros / busy) * 100).toFixed(1).padStart(6)} %  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}\n`);
    }
  };
  process.stdout.write(`${file}: busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s\n`);
  print('self time by package or file', byArea);
  print('self time by function', byFunction);
}

main();
