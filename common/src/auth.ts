import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { appError, unauthenticated } from './appError.ts';
import type { SharedConfig } from './sharedConfig.ts';

export type Role = 'CUSTOMER' | 'ADMIN';

/** Who is calling. `null` means anonymous. Admins may read every user's orders. */
export type Viewer = { userId: string; role: Role } | null;

export type JwtSettings = Pick<SharedConfig, 'JWT_SECRET' | 'JWT_ISSUER' | 'JWT_AUDIENCE'>;

const TOKEN_LIFETIME = '1h';

export async function signToken(user: { id: string; role: Role }, settings: JwtSettings): Promise<string> {
  return new SignJWT({ role: user.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuer(settings.JWT_ISSUER)
    .setAudience(settings.JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(TOKEN_LIFETIME)
    .sign(new TextEncoder().encode(settings.JWT_SECRET));
}

/** A bad token fails the whole HTTP request with 401; Apollo strips `http` from the response body. */
const badToken = (message: string) => appError('UNAUTHENTICATED', message, { details: { http: { status: 401 } } });

/**
 * Reads the viewer from an `Authorization` header. No header means anonymous;
 * a header that is present but not a valid bearer token is an error rather
 * than a silent downgrade to anonymous, so clients learn their token is bad.
 */
export async function viewerFromAuthorization(header: string | undefined, settings: JwtSettings): Promise<Viewer> {
  if (header === undefined || header === '') return null;
  const match = /^Bearer (\S+)$/i.exec(header);
  if (!match?.[1]) throw badToken('The Authorization header must be "Bearer <token>".');
  try {
    const { payload } = await jwtVerify(match[1], new TextEncoder().encode(settings.JWT_SECRET), {
      issuer: settings.JWT_ISSUER,
      audience: settings.JWT_AUDIENCE,
      algorithms: ['HS256'],
    });
    if (!payload.sub) throw badToken('The token has no subject.');
    return { userId: payload.sub, role: payload.role === 'ADMIN' ? 'ADMIN' : 'CUSTOMER' };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw badToken('The token has expired.');
    if (error instanceof joseErrors.JOSEError) throw badToken('The token is malformed or its signature is invalid.');
    throw error;
  }
}

/** Resolver guard: the signed-in user's id, or UNAUTHENTICATED. */
export function requireViewer(viewer: Viewer): string {
  if (!viewer) throw unauthenticated();
  return viewer.userId;
}
