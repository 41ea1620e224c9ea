// What a setting is: one environment variable, its zod schema (with its
// default), the key it lands on in Config, and its one-line doc. Everything
// else (the Config type, the environment schema, README's table) derives from
// the declarations made with `setting()`.
import { z } from 'zod';

export interface SettingOptions {
  /** README's default column when the schema's default does not say it (a derived or generated value). */
  defaultDoc?: string;
}

export class Setting<Env extends string = string, Schema extends z.ZodType = z.ZodType> {
  readonly env: Env;
  readonly schema: Schema;
  readonly doc: string;
  readonly defaultDoc: string | undefined;

  constructor(env: Env, schema: Schema, doc: string, options: SettingOptions) {
    this.env = env;
    this.schema = schema;
    this.doc = doc;
    this.defaultDoc = options.defaultDoc;
  }
}

/** Declares one setting. Its schema parses the variable's text and must give a default or be optional. */
export function setting<Env extends string, Schema extends z.ZodType>(
  env: Env,
  schema: Schema,
  doc: string,
  options: SettingOptions = {},
): Setting<Env, Schema> {
  return new Setting(env, schema, doc, options);
}

/** A group of settings; the keys are Config's keys, a nested group is a nested object (`limits`, `generation`). */
export interface Settings {
  readonly [key: string]: Setting | Settings;
}

/** The values a group of settings parses to. */
export type Values<S extends Settings> = {
  -readonly [K in keyof S]: S[K] extends Setting<string, infer Schema> ? z.output<Schema> : S[K] extends Settings ? Values<S[K]> : never;
};

/** The environment variable names a group declares. */
export type EnvName<S extends Settings> = {
  [K in keyof S]: S[K] extends Setting<infer Env> ? Env : S[K] extends Settings ? EnvName<S[K]> : never;
}[keyof S];

export interface Declared {
  /** Where the value lands in Config, e.g. ['limits', 'maxMessageBytes']. */
  path: string[];
  setting: Setting;
}

/** Every setting of a group, depth first, in declaration order. */
export function declared(group: Settings, at: string[] = []): Declared[] {
  return Object.entries(group).flatMap(([key, value]) =>
    value instanceof Setting ? [{ path: [...at, key], setting: value }] : declared(value, [...at, key]),
  );
}

/** What README's default column says for a setting. */
export function defaultText(s: Setting): string {
  if (s.defaultDoc !== undefined) return s.defaultDoc;
  const parsed = s.schema.safeParse(undefined);
  if (!parsed.success) throw new Error(`${s.env} has neither a default nor a defaultDoc`);
  const value: unknown = parsed.data;
  if (value === undefined) return 'unset';
  if (Array.isArray(value)) return value.length === 0 ? 'empty' : `\`${value.join(',')}\``;
  return `\`${String(value)}\``;
}

// Schemas the declarations share: every value arrives as text.

export const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);

export const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

export const optionalUrl = (protocols: string[]) =>
  z
    .url()
    .refine((u) => protocols.some((p) => u.startsWith(p)), `must start with ${protocols.join(' or ')}`)
    .optional();

/** A comma-separated list; blanks dropped. */
export const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** A key or token: long enough that guessing it is hopeless. */
export const secret = z.string().min(32, 'at least 32 characters');
