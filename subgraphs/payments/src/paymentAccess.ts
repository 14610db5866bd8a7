import { forbidden, unauthenticated, type Viewer } from '@supergraph/common';

/**
 * A payment is as private as its order: only the customer who placed the
 * order and admins may read it. Ids are compared case-insensitively because
 * a federation representation may spell a UUID in upper case.
 */
export function assertMayReadPayment(viewer: Viewer, userId: string, field?: string): void {
  if (!viewer) throw unauthenticated();
  if (viewer.role === 'ADMIN' || viewer.userId.toLowerCase() === userId.toLowerCase()) return;
  throw forbidden('Payments are visible only to the user who placed the order and to admins.', field);
}
