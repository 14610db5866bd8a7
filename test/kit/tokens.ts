import { randomBytes } from 'node:crypto';
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
