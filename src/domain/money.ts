/** Exact money arithmetic: decimal strings in, integer cents inside, decimal strings out. */
const DECIMAL = /^(\d+)\.(\d{2})$/;

export function toCents(amount: string): number {
  const match = DECIMAL.exec(amount);
  if (!match) throw new Error(`Not a two-place decimal amount: "${amount}"`);
  return Number(match[1]) * 100 + Number(match[2]);
}

export function formatCents(cents: number): string {
  const whole = Math.floor(cents / 100);
  const fraction = String(cents % 100).padStart(2, '0');
  return `${whole}.${fraction}`;
}
