// Creative signals: whether they are recorded and how exports pseudonymise them (Config's `signals`).
import { bool, secret, setting } from './setting.ts';

export const signalsSettings = {
  /** Record creative signals at all (for every user; consent decides only what an export holds). */
  record: setting('SIGNALS_RECORD', bool.default(true), 'record creative signals (for every user; consent decides what an export holds)'),
  /** HMAC key that turns user and room ids into pseudonyms in exports. */
  pseudonymKey: setting(
    'SIGNALS_PSEUDONYM_KEY',
    secret.optional(),
    'HMAC key turning user and room ids into pseudonyms in exports (≥ 32 characters)',
    { defaultDoc: 'derived from the session secret' },
  ),
};
