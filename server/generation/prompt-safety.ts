// The configured blocklist (PROMPT_BLOCKLIST), checked before any provider
// runs. Terms match whole words or phrases, ignoring case, accents' composed
// forms and punctuation, so "ass" blocks "ass" but not "class".
import { AppError } from '../errors.ts';

/** Lower case, NFKC, and every run of non-letters and non-digits as one space. */
export function normalizePrompt(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export class PromptBlocklist {
  readonly #terms: string[];

  constructor(terms: readonly string[]) {
    this.#terms = [...new Set(terms.map(normalizePrompt).filter(Boolean))];
  }

  /** The first blocked term the prompt contains, or null. */
  find(prompt: string): string | null {
    const padded = ` ${normalizePrompt(prompt)} `;
    return this.#terms.find((term) => padded.includes(` ${term} `)) ?? null;
  }

  /** Throws `forbidden`, naming the term, when the prompt contains one. */
  check(prompt: string): void {
    const term = this.find(prompt);
    if (term !== null) throw new AppError('forbidden', `the prompt contains a blocked term ("${term}")`);
  }
}
