/**
 * Unknown keys in the package's own options objects (`createWx`, `createReliableSocket`, `createTestServer`, the
 * faults, the test kit's waits...): a misspelt option would otherwise be ignored without a word, and the default
 * it leaves in place shows up later as a puzzling behaviour. Each such object is checked against the keys it knows,
 * and the error names the first unknown key and the closest known one. WeChat's own API (`connectSocket`'s options and
 * the like) keeps ignoring unknown keys, as WeChat does (contract §1). No import: the core runs in browsers.
 */

/** The first key of `options` that is not in `known`, or `undefined` when every key is known. */
export function firstUnknownKey(options: object, known: readonly string[]): string | undefined {
  return Object.keys(options).find((key) => !known.includes(key));
}

/**
 * What is wrong with an unknown key: `unknown option "platfrom" (did you mean "platform"?)`, or the known keys when
 * none is near. `path` prefixes the names of a nested object's keys (`'reconnect.'`).
 */
export function unknownOption(key: string, known: readonly string[], path = ''): string {
  const near = closest(key, known);
  const hint = near === undefined ? `known: ${known.join(', ')}` : `did you mean "${path}${near}"?`;
  return `unknown option "${path}${key}" (${hint})`;
}

/**
 * The known name nearest to `name` by edit distance (letters compared without case, a swap of two neighbours counts
 * as one edit), if it is near enough to be a misspelling: at most a third of the name's length, and at least 2.
 */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of adjacent characters. */
function editDistance(a: string, b: string): number {
  // Three rows of the dynamic programme: two back (for swaps), one back, and the current one.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        distance = Math.min(distance, before[j - 2]! + 1);
      current[j] = distance;
    }
    [before, previous] = [previous, current];
  }
  return previous[b.length]!;
}
