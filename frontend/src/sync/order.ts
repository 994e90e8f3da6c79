/** Order keys for placing an item between neighbours (fractional indexing, as the server). */
import { generateKeyBetween } from 'fractional-indexing';
import { compareKeys } from './state';

export function keyBetween(before: string | null | undefined, after: string | null | undefined): string {
  const a = before ?? null;
  const b = after ?? null;
  if (a !== null && b !== null && compareKeys(a, b) >= 0) {
    // Two rows share a key (possible after concurrent moves): any key after `a` keeps the
    // moved item next to it, which is what the user asked for.
    return generateKeyBetween(a, null);
  }
  return generateKeyBetween(a, b);
}

/**
 * The key that puts an item at `index` of `siblings` (sorted, the item itself excluded).
 */
export function keyAtIndex(siblings: readonly Record<string, unknown>[], index: number): string {
  const clamped = Math.max(0, Math.min(index, siblings.length));
  const prev = clamped > 0 ? String(siblings[clamped - 1]!.order_key ?? '') || null : null;
  const next = clamped < siblings.length ? String(siblings[clamped]!.order_key ?? '') || null : null;
  return keyBetween(prev, next);
}
