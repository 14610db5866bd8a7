import { createSecretKey, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { LRUCache } from 'lru-cache';
import { appError, unauthenticated } from './appError.ts';
import type { SharedConfig } from './sharedConfig.ts';

export type Role = 'CUSTOMER' | 'ADMIN';

/** Who is calling. `null` means anonymous. */
export type Viewer = { userId: string; role: Role } | null;

export type JwtSettings = Pick<SharedConfig, 'JWT_SECRET' | 'JWT_ISSUER' | 'JWT_AUDIENCE'>;

const TOKEN_LIFETIME = '1h';

/**
 * What makes an admin: this scope in the token's standard `scope` claim
 * (space-separated, RFC 8693). The router checks scopes against the
 * schema's `@requiresScopes`, and subgraphs derive `role` from the same
 * claim, so the two can never disagree about who is an admin.
 */
export const ADMIN_SCOPE = 'admin';

export async function signToken(user: { id: string; role: Role }, settings: JwtSettings): Promise<string> {
  return new SignJWT(user.role === 'ADMIN' ? { scope: ADMIN_SCOPE } : {})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuer(settings.JWT_ISSUER)
    .setAudience(settings.JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(TOKEN_LIFETIME)
    .sign(keyOf(settings.JWT_SECRET));
}

const keys = new Map<string, KeyObject>();
/** jose turns raw secret bytes into a key on every call; one key per secret does it once. */
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

/**
 * Sessions of tokens already verified, per settings (a service's config,
 * read once): a client sends the same token with every request, and the
 * router and each subgraph verify it again each time. A token's claims
 * cannot change without its signature changing, so the cache is keyed by the
 * whole token; expiry is checked on every use.
 */
const verified = new WeakMap<JwtSettings, LRUCache<string, Session>>();
const VERIFIED_TOKENS = 10_000;

/** A bad token fails the whole HTTP request with 401; Apollo strips `http` from the response body. */
const badToken = (message: string) => appError('UNAUTHENTICATED', message, { details: { http: { status: 401 } } });

/** A verified caller and when their token stops being valid (ms since the epoch; null when anonymous). */
export interface Session {
  viewer: Viewer;
  expiresAt: number | null;
  /** The token's `scope` claim; empty when anonymous. */
  scopes: ReadonlySet<string>;
}

const scopesOf = (claim: unknown): ReadonlySet<string> => new Set(typeof claim === 'string' ? claim.split(' ').filter(Boolean) : []);

/**
 * Reads the caller from an `Authorization` header. No header means anonymous;
 * a header that is present but not a valid bearer token is an error rather
 * than a silent downgrade to anonymous, so clients learn their token is bad.
 * A token must expire (`exp`): one that never does cannot be taken back.
 */
export async function sessionFromAuthorization(header: string | undefined, settings: JwtSettings): Promise<Session> {
  if (header === undefined || header === '') return { viewer: null, expiresAt: null, scopes: new Set() };
  const match = /^Bearer (\S+)$/i.exec(header);
  if (!match?.[1]) throw badToken('The Authorization header must be "Bearer <token>".');
  const token = match[1];
  let sessions = verified.get(settings);
  if (!sessions) verified.set(settings, (sessions = new LRUCache({ max: VERIFIED_TOKENS })));
  const known = sessions.get(token);
  if (known) {
    if (known.expiresAt! > Date.now()) return known;
    sessions.delete(token);
    throw badToken('The token has expired.');
  }
  const session = await verifyToken(token, settings);
  sessions.set(token, session);
  return session;
}

async function verifyToken(token: string, settings: JwtSettings): Promise<Session> {
  try {
    const { payload } = await jwtVerify(token, keyOf(settings.JWT_SECRET), {
      issuer: settings.JWT_ISSUER,
      audience: settings.JWT_AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'sub'],
    });
    const scopes = scopesOf(payload.scope);
    return { viewer: { userId: payload.sub!, role: scopes.has(ADMIN_SCOPE) ? 'ADMIN' : 'CUSTOMER' }, expiresAt: payload.exp! * 1000, scopes };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw badToken('The token has expired.');
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.reason === 'missing') {
      throw badToken(`The token has no "${error.claim}" claim; tokens must name their subject and expire.`);
    }
    if (error instanceof joseErrors.JOSEError) throw badToken('The token is malformed or its signature is invalid.');
    throw error;
  }
}

/** The viewer of an `Authorization` header; see `sessionFromAuthorization`. */
export async function viewerFromAuthorization(header: string | undefined, settings: JwtSettings): Promise<Viewer> {
  return (await sessionFromAuthorization(header, settings)).viewer;
}

/** Resolver guard: the signed-in user's id, or UNAUTHENTICATED. */
export function requireViewer(viewer: Viewer): string {
  if (!viewer) throw unauthenticated();
  return viewer.userId;
}
