// Greedy CTC decoding of the recogniser's per-step class probabilities, limited to the characters
// a plate may hold: at each step the best of "blank" and the allowed characters wins (a Chinese
// character the model prefers cannot push a plate letter out), repeats collapse, blanks go. Each
// kept character carries its probability, so a reading can be judged rather than guessed. Pure.

export interface CtcReading { text: string; probs: number[] }

/**
 * `probs` is T × C (row-major), class 0 the CTC blank, class k the dictionary's (k−1)th entry.
 * `allowed` maps a class index to the character it stands for.
 */
export function ctcDecode(probs: Float32Array, steps: number, classes: number, allowed: Map<number, string>): CtcReading {
  let text = '';
  const out: number[] = [];
  let prev = -1;
  const idx = [...allowed.keys()];
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let best = 0, bp = probs[row];
    for (const k of idx) if (probs[row + k] > bp) { bp = probs[row + k]; best = k; }
    if (best !== 0 && best !== prev) { text += allowed.get(best)!; out.push(bp); }
    else if (best !== 0 && best === prev) out[out.length - 1] = Math.max(out[out.length - 1], bp);
    prev = best;
  }
  return { text, probs: out };
}

/** Class indices of the given characters in a PaddleOCR dictionary (one entry a line; class = line + 1). */
export function allowedClasses(dictionary: string[], chars: string): Map<number, string> {
  const m = new Map<number, string>();
  dictionary.forEach((entry, i) => { if (entry.length === 1 && chars.includes(entry)) m.set(i + 1, entry); });
  return m;
}
