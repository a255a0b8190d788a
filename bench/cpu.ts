import { readFileSync, readdirSync } from 'node:fs';
import { round } from './lib/stats';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface CpuGroups {
  service: number[];
  siblingDoubles: number[];
  load: number[];
}

interface Snapshot {
  at: number;
  /** CPU seconds per group of processes. */
  seconds: Record<string, number>;
  machineBusy: number;
  machineTotal: number;
}

/** Where the machine's CPU went during a scenario: percent of one core per group of processes (200 % = both cores). */
export type CpuBreakdown = Record<string, number> & { otherPercent: number; machineBusyPercent: number };

/**
 * Reads /proc to tell how much CPU each part took over an interval: the service, the sibling
 * doubles, the load processes, this orchestrator, PostgreSQL and Redis (all their processes,
 * so other work on the same servers counts too), and the machine as a whole.
 */
export class CpuMeter {
  constructor(private readonly groups: () => CpuGroups) {}

  snapshot(): Snapshot {
    const { service, siblingDoubles, load } = this.groups();
    const byName = processesByName(['postgres', 'redis-server']);
    const [busy, total] = machineTicks();
    return {
      at: performance.now(),
      seconds: {
        service: cpuSeconds(service),
        siblingDoubles: cpuSeconds(siblingDoubles),
        load: cpuSeconds(load),
        orchestrator: cpuSeconds([process.pid]),
        postgres: cpuSeconds(byName.postgres),
        redis: cpuSeconds(byName['redis-server']),
      },
      machineBusy: busy,
      machineTotal: total,
    };
  }

  /** Percent of one core per group between two snapshots. */
  static between(start: Snapshot, end: Snapshot): CpuBreakdown {
    const elapsed = (end.at - start.at) / 1000;
    const breakdown: Record<string, number> = {};
    for (const [group, seconds] of Object.entries(end.seconds)) {
      breakdown[`${group}Percent`] = round(Math.max(0, (seconds - (start.seconds[group] ?? 0)) / elapsed) * 100, 0);
    }
    const cores = machineCores();
    const busy = round(((end.machineBusy - start.machineBusy) / Math.max(1, end.machineTotal - start.machineTotal)) * cores * 100, 0);
    const ours = Object.values(breakdown).reduce((sum, percent) => sum + percent, 0);
    // What else ran on the machine meanwhile (other people's tests, the kernel's own work), by difference.
    return { ...breakdown, otherPercent: Math.max(0, busy - ours), machineBusyPercent: busy };
  }
}

function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): utime is the 14th field, stime the 15th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process is gone.
    }
  }
  return ticks / TICKS_PER_SECOND;
}

function processesByName(names: string[]): Record<string, number[]> {
  const found: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      const name = names.find((candidate) => comm === candidate || (candidate === 'postgres' && comm.startsWith('postgres')));
      if (name) found[name].push(Number(entry));
    } catch {
      // The process is gone.
    }
  }
  return found;
}

function machineTicks(): [busy: number, total: number] {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = fields[3] + (fields[4] ?? 0);
  return [total - idle, total];
}

/**
 * The most pieces of work a second the machine's cores allow, busy all the time, if each piece
 * costs the CPU it did over `windowMs` (the window `cpu` was measured in), counting every
 * process on the machine; and what the service, PostgreSQL and the load took of it.
 */
export function ceilingFromCpu(cpu: CpuBreakdown, windowMs: number, pieces: number) {
  const msPerPiece = (percent: number) => round(((percent / 100) * windowMs) / pieces, 3);
  const machineMs = msPerPiece(cpu.machineBusyPercent);
  const cores = machineCores();
  return {
    machineMs,
    serviceMs: msPerPiece(cpu.servicePercent),
    postgresMs: msPerPiece(cpu.postgresPercent),
    loadMs: msPerPiece(cpu.loadPercent),
    cores,
    perSecond: round((cores * 1000) / machineMs, 0),
  };
}

function machineCores(): number {
  return readFileSync('/proc/stat', 'utf8').split('\n').filter((line) => /^cpu\d+ /.test(line)).length;
}
