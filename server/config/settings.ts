// Every setting Atelier reads, grouped as Config is, in README order.
//
// To add a setting:
// 1. declare it in its area's file: `key: setting('ENV_NAME', schema.default(value), 'one-line doc')`.
//    The key is its name in Config (inside a group such as `limits`, the group's), the schema parses
//    the variable's text (see the helpers in setting.ts) and holds the default, and the doc is the
//    meaning column of README.md's table. Config's type follows from the declaration.
// 2. add its row to README.md's settings table at the same place; tests/config-docs.test.ts fails,
//    showing the expected row, until the table matches the declarations.
// 3. test its default, a good value and a refused one (the error names the variable).
// A value that depends on another setting is checked or resolved in loadConfig (server/config.ts).
import { accountSettings } from './account-settings.ts';
import { gallerySettings } from './gallery-settings.ts';
import { generationSettings } from './generation-settings.ts';
import { limitSettings } from './limit-settings.ts';
import { liveSettings } from './live-settings.ts';
import { serverSettings } from './server-settings.ts';
import type { EnvName, Settings, Values } from './setting.ts';
import { signalsSettings } from './signals-settings.ts';
import { socialSettings } from './social-settings.ts';
import { storageSettings } from './storage-settings.ts';
import { timelineSettings } from './timeline-settings.ts';

export const SETTINGS = {
  ...serverSettings,
  ...storageSettings,
  limits: limitSettings,
  generation: generationSettings,
  gallery: gallerySettings,
  social: socialSettings,
  live: liveSettings,
  signals: signalsSettings,
  timeline: timelineSettings,
  accounts: accountSettings,
} satisfies Settings;

/** Config as the declarations parse it, before loadConfig resolves the values that depend on others. */
export type DeclaredConfig = Values<typeof SETTINGS>;

/** The environment loadConfig reads: every declared variable, as text. */
export type Env = { [Name in EnvName<typeof SETTINGS>]?: string };
