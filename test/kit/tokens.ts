import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { signToken, type Role } from '@supergraph/common';

/** Tests sign with the same settings the services read from their defaults. */
export const TEST_JWT = {
  JWT_SECRET: 'test-secret-that-is-at-least-32-characters-long',
  JWT_ISSUER: 'supergraph',
  JWT_AUDIENCE: 'supergraph',
};

/** A token like the one `logIn` gives the user: an admin's carries the `admin` scope. */
export const tokenFor = (id: string, role: Role = 'CUSTOMER') => signToken({ id, role }, TEST_JWT);

/** A fresh SUBGRAPH_SIGNING_SECRETS entry, in the format the README suggests. */
export const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** A customer's token whose `exp` is `seconds` from now (rounded down to the second, as JWTs count); returns the token and its expiry in ms. */
export async function tokenExpiringIn(id: string, seconds: number): Promise<{ token: string; expiresAt: number }> {
  const exp = Math.floor(Date.now() / 1000) + seconds;
  const token = await new SignJWT({ role: 'CUSTOMER' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(id)
    .setIssuer(TEST_JWT.JWT_ISSUER)
    .setAudience(TEST_JWT.JWT_AUDIENCE)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(TEST_JWT.JWT_SECRET));
  return { token, expiresAt: exp * 1000 };
}
