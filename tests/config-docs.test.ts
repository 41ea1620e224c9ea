// README.md's settings table is the declarations, row for row: a setting added,
// renamed, re-defaulted or re-described without its row fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { declared, defaultText } from '../server/config/setting.ts';
import { SETTINGS } from '../server/config.ts';

const README = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');

/** The rows of the table under "## Settings", as `| name | default | meaning |` with single spaces. */
function readmeRows(): string[] {
  const section = README.split(/^## /m).find((s) => s.startsWith('Settings\n'));
  if (section === undefined) throw new Error('README.md has no "## Settings" section');
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .map((cells) => `| ${cells.join(' | ')} |`);
}

const declarations = declared(SETTINGS);

describe('settings documentation', () => {
  it('declares each environment variable once, with a default or as optional', () => {
    const names = declarations.map(({ setting }) => setting.env);
    expect(new Set(names).size).toBe(names.length);
    for (const { setting } of declarations) {
      expect(setting.env).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(() => defaultText(setting), setting.env).not.toThrow();
      expect(setting.doc.trim(), setting.env).not.toBe('');
    }
  });

  it("README.md's table lists exactly the declared settings, in order, with their defaults and docs", () => {
    const expected = declarations.map(({ setting }) => `| \`${setting.env}\` | ${defaultText(setting)} | ${setting.doc} |`);
    expect(readmeRows()).toEqual(expected);
  });

  it('shows a default as the value the schema gives when the variable is unset', () => {
    const shown = Object.fromEntries(declarations.map(({ setting }) => [setting.env, defaultText(setting)]));
    expect(shown).toMatchObject({
      PORT: '`3000`',
      TRUST_PROXY: '`false`',
      GEN_PROVIDERS: '`local,openai,comfyui,a1111,fal,replicate,gemini,stability`',
      PROMPT_BLOCKLIST: 'empty',
      REDIS_URL: 'unset',
      NODE_ID: 'random',
    });
  });
});
