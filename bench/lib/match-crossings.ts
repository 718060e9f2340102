// Matching counted line crossings to hand-listed ones by time, shared by eval:analytics and eval:counting.

/** A count matches a hand-listed crossing within this many seconds (a 5 fps frame, the counter's wait of a frame, hand rounding). */
export const MATCH_S = 0.6;

export interface Matching { matched: number; missed: number[]; extra: number[] }

/** Pairs counted with hand-listed times, closest pairs first, each used once. */
export function matchTimes(hand: number[], counted: number[], tolerance = MATCH_S): Matching {
  const pairs: { h: number; c: number; d: number }[] = [];
  hand.forEach((ht, h) => counted.forEach((ct, c) => { const d = Math.abs(ht - ct); if (d <= tolerance) pairs.push({ h, c, d }); }));
  pairs.sort((a, b) => a.d - b.d);
  const usedH = new Set<number>(), usedC = new Set<number>();
  for (const { h, c } of pairs) {
    if (usedH.has(h) || usedC.has(c)) continue;
    usedH.add(h);
    usedC.add(c);
  }
  return { matched: usedH.size, missed: hand.filter((_, i) => !usedH.has(i)), extra: counted.filter((_, i) => !usedC.has(i)) };
}
