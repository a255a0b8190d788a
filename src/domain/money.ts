/** Exact money arithmetic: decimal strings in, integer cents inside, decimal strings out. */
const DECIMAL = /^(\d+)\.(\d{2})$/;

/** The largest amount the API and the database hold: 99999999.99 (the Money scalar, numeric(10,2)). */
export const MAX_CENTS = 99_999_999_99;

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
