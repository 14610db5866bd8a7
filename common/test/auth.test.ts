import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sessionFromAuthorization, signToken, viewerFromAuthorization } from '../src/auth.ts';

const settings = { JWT_SECRET: 'a-secret-that-is-at-least-32-characters', JWT_ISSUER: 'supergraph', JWT_AUDIENCE: 'supergraph' };
const id = '00000000-0000-4000-8000-000000000001';

describe('viewerFromAuthorization', () => {
  it('treats a missing header as anonymous', async () => {
    expect(await viewerFromAuthorization(undefined, settings)).toBeNull();
  });

  it('reads the user and role from a valid token', async () => {
    const token = await signToken({ id, role: 'ADMIN' }, settings);
    expect(await viewerFromAuthorization(`Bearer ${token}`, settings)).toEqual({ userId: id, role: 'ADMIN' });
  });

  it('takes admins from the scope claim only, so the router and the subgraphs agree on who is one', async () => {
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(id).setIssuer('supergraph').setAudience('supergraph').setExpirationTime('1h').sign(new TextEncoder().encode(settings.JWT_SECRET));
    const roleOnly = await sessionFromAuthorization(`Bearer ${await sign({ role: 'ADMIN' })}`, settings);
    expect(roleOnly.viewer).toEqual({ userId: id, role: 'CUSTOMER' });
    expect([...roleOnly.scopes]).toEqual([]);
    const scoped = await sessionFromAuthorization(`Bearer ${await sign({ role: 'CUSTOMER', scope: 'read  admin ' })}`, settings);
    expect(scoped.viewer).toEqual({ userId: id, role: 'ADMIN' });
    expect([...scoped.scopes].sort()).toEqual(['admin', 'read']);
    const notAString = await sessionFromAuthorization(`Bearer ${await sign({ scope: ['admin'] })}`, settings);
    expect(notAString.viewer).toEqual({ userId: id, role: 'CUSTOMER' });
  });

  it.each([
    ['a non-bearer header', 'Basic dXNlcjpwYXNz'],
    ['garbage', 'Bearer not.a.jwt'],
  ])('rejects %s with UNAUTHENTICATED and HTTP 401', async (_label, header) => {
    await expect(viewerFromAuthorization(header, settings)).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  });

  it('rejects a token for another audience', async () => {
    const token = await signToken({ id, role: 'CUSTOMER' }, { ...settings, JWT_AUDIENCE: 'elsewhere' });
    await expect(viewerFromAuthorization(`Bearer ${token}`, settings)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it.each([
    ['exp', (jwt: SignJWT) => jwt.setSubject(id)],
    ['sub', (jwt: SignJWT) => jwt.setExpirationTime('1h')],
  ])('rejects a token without "%s" with UNAUTHENTICATED', async (claim, complete) => {
    const jwt = new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('supergraph').setAudience('supergraph');
    const token = await complete(jwt).sign(new TextEncoder().encode(settings.JWT_SECRET));
    await expect(viewerFromAuthorization(`Bearer ${token}`, settings)).rejects.toMatchObject({
      message: expect.stringContaining(`"${claim}"`),
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  });

  describe('a token verified before', () => {
    afterEach(() => vi.useRealTimers());

    it('still stops being accepted at its expiry', async () => {
      const exp = Math.floor(Date.now() / 1000) + 60;
      const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(id).setIssuer('supergraph').setAudience('supergraph').setExpirationTime(exp).sign(new TextEncoder().encode(settings.JWT_SECRET));
      expect(await viewerFromAuthorization(`Bearer ${token}`, settings)).toEqual({ userId: id, role: 'CUSTOMER' });

      vi.useFakeTimers({ now: exp * 1000 + 1, toFake: ['Date'] });
      await expect(viewerFromAuthorization(`Bearer ${token}`, settings)).rejects.toMatchObject({ message: 'The token has expired.', extensions: { code: 'UNAUTHENTICATED' } });
    });

    it("is verified again under another service's settings", async () => {
      const token = await signToken({ id, role: 'CUSTOMER' }, settings);
      expect(await viewerFromAuthorization(`Bearer ${token}`, settings)).not.toBeNull();
      const otherSecret = { ...settings, JWT_SECRET: 'another-secret-that-is-at-least-32-characters' };
      await expect(viewerFromAuthorization(`Bearer ${token}`, otherSecret)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    });
  });
});
