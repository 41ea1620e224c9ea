// Session tokens and the signer's memory of verified ones: a token verified
// once is not verified again, but nothing else gets in under its name.
import { describe, expect, it } from 'vitest';
import { TokenSigner, VERIFIED_TOKENS_KEPT } from '../../server/auth/tokens.ts';
import { LEGACY_TOKEN_MAX_AGE_MS } from '../../server/store/sessions.ts';

const SECRET = 'a secret of at least thirty-two characters';
const SESSION = 'AAAAAAAAAAAAAAAAAAAAAA';
const OTHER = 'BBBBBBBBBBBBBBBBBBBBBB';

describe('TokenSigner', () => {
  it('a verified token names its session every time; tokens altered after it was verified are refused', () => {
    const tokens = new TokenSigner(SECRET);
    const token = tokens.sign(SESSION);
    expect(tokens.parse(token)).toEqual({ kind: 'session', sessionId: SESSION });
    expect(tokens.parse(token)).toEqual({ kind: 'session', sessionId: SESSION });
    const [version, , mac] = token.split('.');
    // Another session under the verified token's MAC, the MAC changed, another deployment's token of the same session.
    expect(tokens.parse(`${version}.${OTHER}.${mac}`)).toBeNull();
    expect(tokens.parse(`${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`)).toBeNull();
    expect(tokens.parse(new TokenSigner('another deployment’s secret, 32+ characters').sign(SESSION))).toBeNull();
    expect(tokens.parse(token)).toEqual({ kind: 'session', sessionId: SESSION });
  });

  it('a first-format token verified once is still refused once past its maximum age, or before it was issued', () => {
    const tokens = new TokenSigner(SECRET);
    const issuedAt = Date.now();
    const token = tokens.signLegacy('ann', issuedAt);
    expect(tokens.parse(token, issuedAt)).toMatchObject({ kind: 'legacy', userId: 'ann', issuedAt });
    expect(tokens.parse(token, issuedAt + LEGACY_TOKEN_MAX_AGE_MS)).toMatchObject({ kind: 'legacy', userId: 'ann' });
    expect(tokens.parse(token, issuedAt + LEGACY_TOKEN_MAX_AGE_MS + 1)).toBeNull();
    expect(tokens.parse(token, issuedAt - 60_001)).toBeNull();
    // A token past its age when first seen is not kept either.
    const old = tokens.signLegacy('bob', issuedAt - LEGACY_TOKEN_MAX_AGE_MS - 1);
    expect(tokens.parse(old, issuedAt)).toBeNull();
    expect(tokens.parse(old, issuedAt - 2)).toMatchObject({ kind: 'legacy', userId: 'bob' });
    expect(tokens.parse(old, issuedAt)).toBeNull();
  });

  it(`keeps at most ${VERIFIED_TOKENS_KEPT} tokens, and one pushed out still verifies`, () => {
    const tokens = new TokenSigner(SECRET);
    const first = tokens.sign(SESSION);
    expect(tokens.parse(first)).not.toBeNull();
    for (let i = 0; i < VERIFIED_TOKENS_KEPT; i++) tokens.parse(tokens.sign(`${String(i).padStart(22, 'x')}`));
    expect(tokens.verifiedKept).toBe(VERIFIED_TOKENS_KEPT);
    expect(tokens.parse(first)).toEqual({ kind: 'session', sessionId: SESSION });
  });
});
