import { forbidden, unauthenticated, type Viewer } from '@supergraph/common';

/**
 * Orders are private: only the user who placed them and admins may read
 * them. An anonymous caller is asked to sign in rather than told it is
 * forbidden. Ids are compared case-insensitively because a federation
 * representation may spell a UUID in upper case.
 */
export function assertMayReadOrders(viewer: Viewer, ownerId: string, field?: string): void {
  if (!viewer) throw unauthenticated();
  if (viewer.role === 'ADMIN' || viewer.userId.toLowerCase() === ownerId.toLowerCase()) return;
  throw forbidden('Orders are visible only to the user who placed them and to admins.', field);
}
