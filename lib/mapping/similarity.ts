// Name similarity for mapping suggestions (product spec §4: names compared without case, accents,
// punctuation or word order). A name becomes a set of tokens; two names score the soft Dice
// coefficient of their token sets, where two tokens count as a (partial) match by the Dice
// coefficient of their character bigrams. So reordered words score 1, a typo in a long word costs
// a little, and an extra or missing word costs a lot. NameIndex finds candidates through an
// inverted index so a search never compares against the whole QBO list.

/** Token pairs less similar than this contribute nothing: "jon"/"john" (0.67) counts, "jon"/"joe" (0.5) not. */
export const TOKEN_PAIR_MIN_SIMILARITY = 0.6;
/**
 * Same letters, words split differently ("Re-design" / "Redesign"): strong, but below 1 so the
 * reason says "similar" rather than "same name" ("Pen Island" / "Penis Land" are not the same).
 */
export const SAME_LETTERS_OTHER_SPACING_SCORE = 0.95;
/** Tokens at least this long are also indexed by their first and last 3 letters, to find typos. */
const AFFIX_INDEX_MIN_TOKEN_LENGTH = 4;
const AFFIX_LENGTH = 3;

/** Letters NFD does not decompose into a base letter plus marks. */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  đ: "d",
  ð: "d",
  ł: "l",
  ı: "i",
  þ: "th",
};
const LETTER_FOLD_PATTERN = new RegExp(`[${Object.keys(LETTER_FOLDS).join("")}]`, "g");

/** Words that do not tell two names apart ("Smith & Sons" = "Smith and Sons" = "Smith Sons"). */
const FILLER_TOKENS: ReadonlySet<string> = new Set(["and", "the"]);

/**
 * Legal-form endings dropped when matching customers, so "Acme Corp" meets "ACME Corporation".
 * Dropped wherever they occur (on both sides alike), but never when nothing else would remain.
 */
export const COMPANY_SUFFIX_TOKENS: ReadonlySet<string> = new Set([
  "inc", "incorporated", "llc", "ltd", "limited", "co", "corp", "corporation", "company",
  "plc", "llp", "lp", "gmbh", "ag", "sa", "sarl", "bv", "nv", "pty", "pte", "srl", "spa",
]);

export interface MatchKeyOptions {
  dropCompanySuffixes?: boolean;
}

/** Lowercase, accents and special letters folded, punctuation turned into spaces. */
export function normaliseForMatch(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(LETTER_FOLD_PATTERN, (letter) => LETTER_FOLDS[letter] ?? letter)
    .replace(/&/g, " and ")
    // Apostrophes join rather than split: "O'Brien" = "OBrien".
    .replace(/['’`´]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The words of a name in their original order, after normalisation (see MatchKey for sets). */
export function matchTokens(text: string, options: MatchKeyOptions = {}): string[] {
  const normalised = normaliseForMatch(text);
  if (normalised === "") return [];
  const merged: string[] = [];
  // Runs of single letters are initials: "J. P. Morgan" = "JP Morgan".
  let inInitialsRun = false;
  for (const token of normalised.split(" ")) {
    const isInitial = token.length === 1 && /\p{L}/u.test(token);
    if (isInitial && inInitialsRun) {
      merged[merged.length - 1] += token;
    } else {
      merged.push(token);
    }
    inInitialsRun = isInitial;
  }
  return withoutDroppable(merged, options);
}

function withoutDroppable(tokens: string[], options: MatchKeyOptions): string[] {
  const drop = (token: string) =>
    FILLER_TOKENS.has(token) || (options.dropCompanySuffixes === true && COMPANY_SUFFIX_TOKENS.has(token));
  const kept = tokens.filter((token) => !drop(token));
  return kept.length > 0 ? kept : tokens;
}

/** A name prepared for comparison by a NameMatcher. */
export interface MatchKey {
  /** Distinct token ids, ascending. */
  readonly tokenIds: readonly number[];
  /** Distinct tokens sorted and joined: equal for names differing only in case, accents, punctuation or word order. */
  readonly sortedKey: string;
  /** Tokens in their order, joined without spaces: equal for "Re-design" and "Redesign". */
  readonly compactKey: string;
}

/**
 * Interns tokens and keeps their bigrams. One matcher serves one suggestion run, so what it
 * holds is dropped with the run.
 */
export class NameMatcher {
  private readonly tokenIdByText = new Map<string, number>();
  private readonly tokenTexts: string[] = [];
  private readonly tokenBigrams: Float64Array[] = [];

  key(text: string, options: MatchKeyOptions = {}): MatchKey {
    const tokens = matchTokens(text, options);
    const distinct = [...new Set(tokens)].sort();
    return {
      tokenIds: distinct.map((token) => this.intern(token)).sort((a, b) => a - b),
      sortedKey: distinct.join(" "),
      compactKey: tokens.join(""),
    };
  }

  tokenText(tokenId: number): string {
    return this.tokenTexts[tokenId] ?? "";
  }

  /**
   * Soft Dice of the two token sets, in [0, 1]; 1 for the same words in any order. With
   * `minScore`, a pair that cannot reach it is given up early and scores some value below it.
   */
  similarity(a: MatchKey, b: MatchKey, minScore = 0): number {
    const sizeA = a.tokenIds.length;
    const sizeB = b.tokenIds.length;
    if (sizeA === 0 || sizeB === 0) return 0;
    if (a.sortedKey === b.sortedKey) return 1;
    if (a.compactKey === b.compactKey) return SAME_LETTERS_OTHER_SPACING_SCORE;
    const total = sizeA + sizeB;
    // Every token pairs with at most one other, each pair worth ≤ 1.
    if ((2 * Math.min(sizeA, sizeB)) / total < minScore) return 0;

    // Equal tokens pair first (greedy takes pairs worth 1 before any other), found by merging the
    // sorted id lists; only the leftovers need bigram comparisons.
    const idsA = a.tokenIds;
    const idsB = b.tokenIds;
    const leftA = this.scratch(0, sizeA);
    const leftB = this.scratch(1, sizeB);
    let countA = 0;
    let countB = 0;
    let exact = 0;
    let i = 0;
    let j = 0;
    while (i < sizeA && j < sizeB) {
      const x = idsA[i]!;
      const y = idsB[j]!;
      if (x === y) {
        exact += 1;
        i += 1;
        j += 1;
      } else if (x < y) {
        leftA[countA++] = x;
        i += 1;
      } else {
        leftB[countB++] = y;
        j += 1;
      }
    }
    for (; i < sizeA; i += 1) leftA[countA++] = idsA[i]!;
    for (; j < sizeB; j += 1) leftB[countB++] = idsB[j]!;
    // The matched sum a pair needs; the epsilon keeps a score exactly at minScore from being cut by rounding.
    const needed = (minScore * total) / 2 - 1e-9;
    const fuzzySlots = Math.min(countA, countB);
    if (exact + fuzzySlots < needed) return 0;
    if (fuzzySlots === 0) return (2 * exact) / total;

    // Row by row, give up once even perfect remaining rows could not reach minScore: most
    // candidates share one word and nothing else, and fail after the first row.
    const rowsOnA = countA <= countB;
    const rows = rowsOnA ? leftA : leftB;
    const columns = rowsOnA ? leftB : leftA;
    const rowCount = rowsOnA ? countA : countB;
    const columnCount = rowsOnA ? countB : countA;
    // Allocated on the first useful pair only: most candidates have none, and this runs per candidate.
    let pairs: { similarity: number; i: number; j: number }[] | null = null;
    let bestRowsSum = 0;
    for (let p = 0; p < rowCount; p += 1) {
      let rowBest = 0;
      for (let q = 0; q < columnCount; q += 1) {
        const similarity = this.tokenSimilarity(rows[p]!, columns[q]!);
        if (similarity < TOKEN_PAIR_MIN_SIMILARITY) continue;
        (pairs ??= []).push({ similarity, i: p, j: q });
        if (similarity > rowBest) rowBest = similarity;
      }
      bestRowsSum += rowBest;
      if (exact + bestRowsSum + (rowCount - p - 1) < needed) return 0;
    }
    if (pairs === null) return (2 * exact) / total;

    // Greedy one-to-one pairing, best pairs first: each word of one name matches at most one of the other.
    pairs.sort((p, q) => q.similarity - p.similarity || p.i - q.i || p.j - q.j);
    const usedA = new Uint8Array(rowCount);
    const usedB = new Uint8Array(columnCount);
    let matched = exact;
    for (const pair of pairs) {
      if (usedA[pair.i] === 1 || usedB[pair.j] === 1) continue;
      usedA[pair.i] = 1;
      usedB[pair.j] = 1;
      matched += pair.similarity;
    }
    return (2 * matched) / total;
  }

  private readonly scratchBuffers = [new Int32Array(16), new Int32Array(16)];

  /** Reused buffers for leftover token ids: similarity runs for every candidate, allocation-free. */
  private scratch(slot: 0 | 1, size: number): Int32Array {
    if (this.scratchBuffers[slot]!.length < size) this.scratchBuffers[slot] = new Int32Array(size * 2);
    return this.scratchBuffers[slot]!;
  }

  private intern(token: string): number {
    const known = this.tokenIdByText.get(token);
    if (known !== undefined) return known;
    const id = this.tokenTexts.length;
    this.tokenIdByText.set(token, id);
    this.tokenTexts.push(token);
    this.tokenBigrams.push(bigramCodes(token));
    return id;
  }

  private tokenSimilarity(a: number, b: number): number {
    // Recomputed rather than cached: a merge over ~10 sorted bigrams is cheaper than a Map lookup.
    return a === b ? 1 : sortedDice(this.tokenBigrams[a]!, this.tokenBigrams[b]!);
  }
}

/** Character bigrams of " token " (padded, so first and last letters weigh in), as sorted numbers. */
function bigramCodes(token: string): Float64Array {
  const padded = ` ${token} `;
  const codes = new Float64Array(padded.length - 1);
  for (let i = 0; i < padded.length - 1; i += 1) {
    codes[i] = padded.charCodeAt(i) * 65_536 + padded.charCodeAt(i + 1);
  }
  return codes.sort();
}

/** Dice coefficient of two sorted bigram multisets. */
function sortedDice(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      common += 1;
      i += 1;
      j += 1;
    } else if (x < y) {
      i += 1;
    } else {
      j += 1;
    }
  }
  return (2 * common) / (a.length + b.length);
}

/** Similarity of two names in [0, 1], for one-off comparisons (tests, tools). */
export function nameSimilarity(a: string, b: string, options: MatchKeyOptions = {}): number {
  const matcher = new NameMatcher();
  return matcher.similarity(matcher.key(a, options), matcher.key(b, options));
}

export interface NameIndexHit<T> {
  value: T;
  score: number;
}

/**
 * Names to search, reached through an inverted index: by whole token, by the first and last
 * AFFIX_LENGTH letters of longer tokens, and by the sorted and compact keys. A search scores only
 * entries sharing one of those with the query.
 *
 * Why that loses no strong match: a name pair scoring s has a token pair scoring at least s (soft
 * Dice is a weighted mean of pair scores), and two different tokens whose bigram Dice is ≥ 0.85
 * share their first or last three letters unless both are over ~25 letters with typos at both
 * ends (each edit removes two of the n+1 bigrams). Searches with minScore ≥ 0.85 are therefore
 * complete for realistic names; lower thresholds may miss weak matches, which nobody links to.
 */
export class NameIndex<T> {
  private readonly entries: { value: T; key: MatchKey }[] = [];
  private readonly byToken = new Map<number, number[]>();
  private readonly byAffix = new Map<string, number[]>();
  private readonly byWholeKey = new Map<string, number[]>();
  private seenStamp = new Uint32Array(0);
  private searchCount = 0;

  constructor(private readonly matcher: NameMatcher) {}

  get size(): number {
    return this.entries.length;
  }

  add(value: T, key: MatchKey): void {
    if (key.tokenIds.length === 0) return;
    const entry = this.entries.length;
    this.entries.push({ value, key });
    for (const tokenId of key.tokenIds) {
      pushTo(this.byToken, tokenId, entry);
      for (const affix of this.affixesOf(tokenId)) pushTo(this.byAffix, affix, entry);
    }
    pushTo(this.byWholeKey, `s:${key.sortedKey}`, entry);
    pushTo(this.byWholeKey, `c:${key.compactKey}`, entry);
  }

  /** Entries scoring at least `minScore` against `query`, best first; equal scores keep insertion order. */
  search(query: MatchKey, minScore: number): NameIndexHit<T>[] {
    if (query.tokenIds.length === 0) return [];
    if (this.seenStamp.length < this.entries.length) this.seenStamp = new Uint32Array(this.entries.length);
    this.searchCount += 1;
    const stamp = this.searchCount;
    const candidates: number[] = [];
    const visit = (postings: number[] | undefined) => {
      if (postings === undefined) return;
      for (const entry of postings) {
        if (this.seenStamp[entry] === stamp) continue;
        this.seenStamp[entry] = stamp;
        candidates.push(entry);
      }
    };
    visit(this.byWholeKey.get(`s:${query.sortedKey}`));
    visit(this.byWholeKey.get(`c:${query.compactKey}`));
    for (const tokenId of query.tokenIds) {
      visit(this.byToken.get(tokenId));
      for (const affix of this.affixesOf(tokenId)) visit(this.byAffix.get(affix));
    }
    const hits: { entry: number; score: number }[] = [];
    for (const entry of candidates) {
      const score = this.matcher.similarity(query, this.entries[entry]!.key, minScore);
      if (score >= minScore) hits.push({ entry, score });
    }
    hits.sort((a, b) => b.score - a.score || a.entry - b.entry);
    return hits.map((hit) => ({ value: this.entries[hit.entry]!.value, score: hit.score }));
  }

  private affixesOf(tokenId: number): string[] {
    const token = this.matcher.tokenText(tokenId);
    if (token.length < AFFIX_INDEX_MIN_TOKEN_LENGTH) return [];
    return [`<${token.slice(0, AFFIX_LENGTH)}`, `>${token.slice(-AFFIX_LENGTH)}`];
  }
}

function pushTo<K>(map: Map<K, number[]>, key: K, entry: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [entry]);
  else list.push(entry);
}
