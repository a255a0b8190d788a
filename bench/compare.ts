import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { formatValue, type Figure } from './report';

/**
 * `npm run bench:compare -- <git ref> [--rounds=N] [bench options]`: the service of another
 * commit against this checkout's, in runs that take turns (the other first), so that both
 * meet the same moods of the machine: on these VMs one run differs from the next by 10–20 %,
 * more than most changes. The other commit is built in a git worktree under
 * bench/results/compare/ (with this checkout's node_modules), which is removed at the end.
 * Prints each figure with the values of every round side by side.
 */
const PROJECT = join(__dirname, '..', '..');
const RUN = join(PROJECT, 'dist', 'bench', 'run.js');

function main(): void {
  const args = process.argv.slice(2);
  const ref = args.find((arg) => !arg.startsWith('--'));
  if (!ref) throw new Error('usage: npm run bench:compare -- <git ref> [--rounds=N] [bench options, e.g. --only=throughput]');
  const rounds = Number(args.find((arg) => arg.startsWith('--rounds='))?.slice('--rounds='.length) ?? 2);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number from 1');
  const benchArgs = args.filter((arg) => arg !== ref && !arg.startsWith('--rounds='));

  const commit = git('rev-parse', '--short', `${ref}^{commit}`);
  const checkout = join(PROJECT, 'bench', 'results', 'compare', commit);
  buildCheckout(commit, checkout);
  try {
    const runs: { theirs: Figure[][]; ours: Figure[][] } = { theirs: [], ours: [] };
    for (let round = 1; round <= rounds; round += 1) {
      runs.theirs.push(bench(`${commit} (round ${round})`, [...benchArgs, `--service=${checkout}`]));
      runs.ours.push(bench(`this checkout (round ${round})`, benchArgs));
    }
    process.stdout.write(`\n${sideBySide(commit, runs.theirs, runs.ours)}\n`);
  } finally {
    git('worktree', 'remove', '--force', checkout);
  }
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: PROJECT, encoding: 'utf8' }).trim();
}

/** A worktree of `commit` with its service built as that commit builds it, sharing this checkout's node_modules. */
function buildCheckout(commit: string, checkout: string): void {
  // Left over from a run that was stopped: remove it, and forget it if its folder is gone.
  if (existsSync(checkout)) git('worktree', 'remove', '--force', checkout);
  rmSync(checkout, { recursive: true, force: true });
  git('worktree', 'prune');
  git('worktree', 'add', '--detach', checkout, commit);
  symlinkSync(join(PROJECT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  process.stderr.write(`[compare] building ${commit} in ${checkout}\n`);
  // Its own build script: since 2 December 2026 that also bundles the service (dist/ordered.js).
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: checkout, stdio: ['ignore', 2, 2] });
}

/** One bench run; its figures from the results file it names on its last line. */
function bench(label: string, args: string[]): Figure[] {
  process.stderr.write(`[compare] ${label}: node dist/bench/run.js ${args.join(' ')}\n`);
  const run = spawnSync(process.execPath, [RUN, ...args], { cwd: PROJECT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`the bench run for ${label} failed (exit ${run.status})`);
  const file = /figures in (\S+?\.json)/.exec(run.stdout)?.[1];
  if (!file) throw new Error(`the bench run for ${label} named no results file`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { figures: Figure[] }).figures;
}

/**
 * One row per figure (matched by scenario and position: a figure's name carries its own
 * details), the other commit's values, then this checkout's.
 */
function sideBySide(commit: string, theirs: Figure[][], ours: Figure[][]): string {
  const rows = theirs[0].map((figure, index) => {
    const values = (runs: Figure[][]) => runs.map((run) => (run[index] ? formatValue(run[index].value, run[index].unit) : '—')).join(' · ');
    const name = figure.name.replace(/ \(.*$/, '');
    return `| ${figure.scenario} | ${name} | ${values(theirs)} | ${values(ours)} |`;
  });
  return [`| scenario | figure | ${commit} | this checkout |`, '|---|---|---|---|', ...rows].join('\n');
}

try {
  main();
} catch (error) {
  process.stderr.write(`bench:compare failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
