import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Target {
  /** The figure must be at least (≥) or at most (≤) the value. */
  kind: 'atLeast' | 'atMost';
  value: number;
}

/** One line of the table: a measured figure, and its target if it has one. */
export interface Figure {
  scenario: string;
  name: string;
  /** null: not measured (see note). */
  value: number | null;
  unit: string;
  target?: Target;
  /** true / false against the target; null when not measured; absent for figures without a target. */
  met?: boolean | null;
  note?: string;
}

export function figure(scenario: string, name: string, value: number | null, unit: string, target?: Target, note?: string): Figure {
  const measured = value !== null && Number.isFinite(value);
  return {
    scenario,
    name,
    value: measured ? value : null,
    unit,
    ...(target ? { target, met: measured ? (target.kind === 'atLeast' ? (value as number) >= target.value : (value as number) <= target.value) : null } : {}),
    ...(note ? { note } : {}),
  };
}

export const atLeast = (value: number): Target => ({ kind: 'atLeast', value });
export const atMost = (value: number): Target => ({ kind: 'atMost', value });

function formatNumber(value: number): string {
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return String(Math.round(value * 100) / 100);
}

export function formatValue(value: number | null, unit: string): string {
  if (value === null) return 'not measured';
  return unit ? `${formatNumber(value)} ${unit}` : formatNumber(value);
}

function formatTarget(target: Target | undefined, unit: string): string {
  if (!target) return '';
  return `${target.kind === 'atLeast' ? '≥' : '≤'} ${formatValue(target.value, unit)}`;
}

function formatMet(item: Figure): string {
  if (item.met === undefined) return '';
  if (item.met === null) return 'not measured';
  return item.met ? 'met' : '**missed**';
}

/** The figures as one Markdown table (what the README's Performance section shows). */
export function table(figures: Figure[]): string {
  const ordered = [...figures].sort((a, b) => scenarioNumber(a) - scenarioNumber(b));
  const rows = [
    '| scenario | figure | measured | target | met |',
    '|---|---|---:|---:|---|',
    ...ordered.map((item) => {
      const name = item.note ? `${item.name} (${item.note})` : item.name;
      return `| ${item.scenario} | ${name} | ${formatValue(item.value, item.unit)} | ${formatTarget(item.target, item.unit)} | ${formatMet(item)} |`;
    }),
  ];
  return rows.join('\n');
}

/** Scenarios are labelled "1 throughput", "2 latency" …: the table follows that order. */
function scenarioNumber(item: Figure): number {
  const number = Number.parseInt(item.scenario, 10);
  return Number.isNaN(number) ? Infinity : number;
}

export interface Results {
  meta: Record<string, unknown>;
  figures: Figure[];
  /** Each scenario's details: distributions, counts, CPU breakdown. */
  scenarios: Record<string, unknown>;
}

/** Writes bench/results/<time>-<mode>.json, and for a complete full run bench/results/latest.json too. */
export function writeResults(resultsDir: string, results: Results, asLatest: boolean): string[] {
  mkdirSync(resultsDir, { recursive: true });
  const stamp = String(results.meta.startedAt).replace(/[:.]/g, '-');
  const files = [join(resultsDir, `${stamp}-${results.meta.mode}.json`)];
  if (asLatest) files.push(join(resultsDir, 'latest.json'));
  const text = `${JSON.stringify(results, null, 2)}\n`;
  for (const file of files) writeFileSync(file, text);
  return files;
}
