import {
  Account,
  AccountCreate,
  AccountPasswordSet,
  AccountPathParams,
  OwnPasswordChange,
  Page,
  PageQuery,
  SignInRequest,
  SignInResponse,
} from '@klinik-desa/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accessOf, checkGrant, covers } from '../../domain/access.js';
import { hashPassword, verifyPassword } from '../../domain/passwords.js';
import { ClinicError, notFound } from '../../errors.js';
import { toAccount } from '../../store/accounts-store.js';
import type { AccountStore } from '../../store/store.js';
import type { AuditTrail } from '../audit.js';
import { sendError } from '../errors.js';
import type { ApiApp } from '../fastify.js';
import { SIGN_IN_PAGE, SIGN_IN_PAGE_CSP } from '../pages/sign-in-page.js';
import {
  SESSION_COOKIE,
  SESSION_PREFIX,
  type SessionService,
  SignInLimitError,
  sessionCookie,
} from '../sessions.js';
import { sha256 } from '../tokens.js';
import { COMMON_ERRORS, errorResponses, IdempotencyHeader, type RouteContext, security } from './shared.js';

const AccountPage = Page(Account, 'Account');

/** The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure over https. */
function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeSeconds: number,
) {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`,
  );
}

/** People's accounts: administrators make and list them. */
export function registerAccountRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: { store: AccountStore },
): void {
  const { store } = options;
  const { at, audit, access } = ctx;
  const tags = ['accounts'];

  app.post(
    '/accounts',
    {
      config: { scope: 'client.admin' },
      schema: {
        tags,
        operationId: 'accountsCreate',
        summary: "Create a person's account: a username, a role and the clinics or puskesmas it acts for",
        description:
          'The password is kept only as a scrypt hash. Clinics are granted as for API clients: only within the caller’s own; a puskesmas only by an administrator of every clinic or of that puskesmas.',
        security: security('client.admin'),
        headers: IdempotencyHeader,
        body: AccountCreate,
        response: { 201: Account, ...errorResponses(...COMMON_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      const granted = accessOf(request.body.clinics);
      checkGrant(access(request), granted);
      const record = {
        username: request.body.username,
        displayName: request.body.displayName,
        role: request.body.role,
        access: granted,
        passwordHash: await hashPassword(request.body.password),
        createdAt: at(),
      };
      await store.createAccount(record);
      await audit(request, 'create', 'account', record.username);
      const { passwordHash: _, access: __, ...shown } = record;
      return reply.code(201).send({ ...shown, clinics: request.body.clinics, disabledAt: null });
    },
  );

  app.get(
    '/accounts',
    {
      config: { scope: 'client.admin' },
      schema: {
        tags,
        operationId: 'accountsList',
        summary: "List people's accounts (never their passwords)",
        description:
          'The accounts that share a clinic (or the puskesmas) with the caller, in username order.',
        security: security('client.admin'),
        querystring: PageQuery,
        response: { 200: AccountPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => store.listAccounts(request.query, access(request)),
  );

  registerAccountChanges(app, ctx, store);
}

/** The session token a request came with, from its Bearer header or its cookie. */
function requestToken(request: FastifyRequest): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  return bearer ?? sessionCookie(request.headers.cookie);
}

/** An operator disables, enables and re-passwords accounts; a person changes their own password. */
function registerAccountChanges(app: ApiApp, ctx: RouteContext, store: AccountStore): void {
  const { at, audit, access } = ctx;
  const tags = ['accounts'];
  // Only an administrator of everything the account acts for may change it: an operator of one
  // puskesmas cannot disable a national operator or another puskesmas's staff.
  const target = async (request: FastifyRequest, username: string) => {
    const account = await store.getAccount(username);
    if (!account) throw notFound('account', username);
    if (!covers(access(request), account.access)) {
      throw new ClinicError(
        'FORBIDDEN',
        `account ${username} acts for clinics outside yours: only an administrator of all of them may change it`,
      );
    }
    return account;
  };
  const forDisabling = (disable: boolean) => ({
    config: { scope: 'client.admin' as const },
    schema: {
      tags,
      operationId: disable ? 'accountsDisable' : 'accountsEnable',
      summary: disable
        ? "Disable a person's account: it cannot sign in and its sessions end at once"
        : 'Enable a disabled account again (its old sessions stay ended once expired; the person signs in again)',
      description: disable
        ? 'A session of a disabled account is answered 401 saying the account is disabled. Only an administrator of every clinic the account acts for may disable it.'
        : 'Only an administrator of every clinic the account acts for may enable it.',
      security: security('client.admin'),
      params: AccountPathParams,
      response: { 200: Account, ...errorResponses(...COMMON_ERRORS, 404) },
    },
  });
  for (const disable of [true, false]) {
    app.post(
      `/accounts/:username/${disable ? 'disable' : 'enable'}`,
      forDisabling(disable),
      async (request) => {
        const account = await target(request, request.params.username);
        const when = disable ? (account.disabledAt ?? at()) : null;
        await store.setAccountDisabled(account.username, when);
        await audit(request, disable ? 'disable' : 'enable', 'account', account.username);
        return toAccount({ ...account, disabledAt: when });
      },
    );
  }

  app.put(
    '/accounts/:username/password',
    {
      config: { scope: 'client.admin' },
      schema: {
        tags,
        operationId: 'accountsSetPassword',
        summary: "Set a person's password (a forgotten one): every session of the account ends",
        description:
          'The password is kept only as a scrypt hash. Only an administrator of every clinic the account acts for may set it.',
        security: security('client.admin'),
        params: AccountPathParams,
        body: AccountPasswordSet,
        response: { 204: z.null().describe('Set'), ...errorResponses(...COMMON_ERRORS, 404, 422) },
      },
    },
    async (request, reply) => {
      const account = await target(request, request.params.username);
      await store.setAccountPassword(account.username, await hashPassword(request.body.password), at());
      await audit(request, 'set-password', 'account', account.username);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/account/password',
    {
      // Every role has clinic.read: the route is for any person signed in, and only for them.
      config: { scope: 'clinic.read' },
      schema: {
        tags,
        operationId: 'ownPasswordChange',
        summary: 'Change your own password, with the one you have: your other sessions end',
        description:
          'For a person signed in (a session), not an API client. A wrong old password is 403 and changes nothing.',
        security: security('clinic.read'),
        body: OwnPasswordChange,
        response: { 204: z.null().describe('Changed'), ...errorResponses(...COMMON_ERRORS, 422) },
      },
    },
    async (request, reply) => {
      const clientId = request.auth?.clientId ?? '';
      const token = requestToken(request);
      if (!clientId.startsWith('account.') || !token?.startsWith(SESSION_PREFIX)) {
        throw new ClinicError(
          'FORBIDDEN',
          'only a person signed in changes their own password here; an API client is revoked (POST /clients/{id}/revoke) and made again',
        );
      }
      const username = clientId.slice('account.'.length);
      const account = await store.getAccount(username);
      if (!account) throw notFound('account', username);
      if (!(await verifyPassword(request.body.oldPassword, account.passwordHash))) {
        await audit(request, 'change-password-refused', 'account', username);
        throw new ClinicError('FORBIDDEN', 'the old password is wrong: nothing was changed');
      }
      await store.setAccountPassword(
        username,
        await hashPassword(request.body.newPassword),
        at(),
        sha256(token),
      );
      await audit(request, 'change-password', 'account', username);
      return reply.code(204).send(null);
    },
  );
}

/** Signing in and out, and the sign-in page. */
export function registerSessionRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: { sessions: SessionService; auditTrail: AuditTrail; now: () => Date },
): void {
  const { sessions, now } = options;
  const { at } = ctx;
  const tags = ['accounts'];
  // Sign-in lines name the account; there is no client yet to name.
  const auditAccount = (request: FastifyRequest, action: string, username: string) =>
    options.auditTrail.record(
      {
        clientId: `account.${username}`,
        action,
        resourceType: 'session',
        resourceId: null,
        patientId: null,
        clinicId: null,
        requestId: String(request.id),
      },
      at(),
    );

  app.post(
    '/sign-in',
    {
      schema: {
        tags,
        operationId: 'signIn',
        summary: 'Sign a person in: a session, as an HttpOnly cookie and as a Bearer token',
        description:
          'The session ends when unused for idleSeconds, and at expiresAt whatever happens. Wrong passwords are limited per username and address (429 with Retry-After); the limit lifts by itself.',
        security: [],
        body: SignInRequest,
        response: { 200: SignInResponse, ...errorResponses(400, 401, 429, 503) },
      },
    },
    async (request, reply) => {
      const username = request.body.username.trim().toLowerCase();
      try {
        const signedIn = await sessions.signIn(username, request.body.password, request.ip, now());
        const maxAge = Math.floor((Date.parse(signedIn.expiresAt) - now().getTime()) / 1000);
        setSessionCookie(request, reply, signedIn.token, maxAge);
        auditAccount(request, 'sign-in', username);
        return reply.header('cache-control', 'no-store').send({
          sessionToken: signedIn.token,
          account: signedIn.account,
          expiresAt: signedIn.expiresAt,
          idleSeconds: sessions.idleSeconds,
        });
      } catch (error) {
        if (error instanceof SignInLimitError) {
          auditAccount(request, 'sign-in-limited', username);
          return sendError(request, reply, error.code, error.message, {
            retryAfterSeconds: error.retryAfterSeconds,
          });
        }
        if (error instanceof ClinicError && error.code === 'UNAUTHENTICATED') {
          auditAccount(request, 'sign-in-failed', username);
        }
        throw error;
      }
    },
  );

  app.post(
    '/sign-out',
    {
      schema: {
        tags,
        operationId: 'signOut',
        summary: 'End the session (from the cookie or the Bearer token); the cookie is cleared',
        description: 'Answers 204 also when the session had already ended.',
        security: [],
        response: { 204: z.null().describe('Signed out'), ...errorResponses(400, 429, 503) },
      },
    },
    async (request, reply) => {
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const token = bearer ?? sessionCookie(request.headers.cookie);
      if (token?.startsWith(SESSION_PREFIX)) {
        // A disabled account's session is refused by verify; signing it out still ends it.
        const session = await sessions.verify(token, now()).catch((error: unknown) => {
          if (error instanceof ClinicError && error.code === 'UNAUTHENTICATED') return undefined;
          throw error;
        });
        await sessions.signOut(token);
        if (session) auditAccount(request, 'sign-out', session.clientId.slice('account.'.length));
      }
      setSessionCookie(request, reply, '', 0);
      return reply.code(204).send(null);
    },
  );

  for (const path of ['/masuk', '/sign-in.html']) {
    app.get(path, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', SIGN_IN_PAGE_CSP)
        .header('cache-control', 'no-store')
        .header('x-frame-options', 'DENY')
        .serializer((x: unknown) => x as string)
        .send(SIGN_IN_PAGE),
    );
  }
}
