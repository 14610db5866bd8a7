import type { Role } from '@supergraph/common';

/** The `scope` claim a user's tokens carry: what the schema's `@requiresScopes` checks. */
export const tokenScopes = (role: Role): string[] => (role === 'ADMIN' ? ['admin'] : []);
