import { TokenError, TokenRequest, TokenResponse } from '@klinik-desa/protocol';
import { ClinicError } from '../errors.js';
import type { ApiApp } from './fastify.js';
import { TokenLimitError, type TokenService } from './tokens.js';

/** POST /oauth2/token: OAuth2 client credentials, with RFC 6749's error shape. */
export function registerTokenRoute(app: ApiApp, tokens: TokenService, now: () => Date): void {
  app.post(
    '/oauth2/token',
    {
      schema: {
        tags: ['auth'],
        operationId: 'tokenCreate',
        summary: 'Get an access token (OAuth2 client credentials)',
        description:
          'Form-encoded (application/x-www-form-urlencoded) as in RFC 6749, or JSON. Errors use the RFC 6749 shape plus code, message and requestId.',
        // No token is needed to get one: the client's id and secret are in the body (client_secret_post).
        security: [],
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: TokenRequest,
        response: { 200: TokenResponse, 400: TokenError, 401: TokenError, 429: TokenError },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      const tokenError = (
        status: 400 | 401 | 429,
        error: TokenError['error'],
        code: string,
        message: string,
      ) =>
        reply
          .code(status)
          .header('cache-control', 'no-store')
          .send({ error, error_description: message, code, message, requestId: String(request.id) });
      if (request.validationError) {
        const body = request.body as { grant_type?: unknown } | undefined;
        if (
          body &&
          typeof body === 'object' &&
          body.grant_type !== undefined &&
          body.grant_type !== 'client_credentials'
        ) {
          return tokenError(
            400,
            'unsupported_grant_type',
            'UNSUPPORTED_GRANT_TYPE',
            'only grant_type=client_credentials is supported',
          );
        }
        return tokenError(
          400,
          'invalid_request',
          'VALIDATION',
          'send grant_type=client_credentials, client_id and client_secret',
        );
      }
      try {
        const answer = await tokens.issue(
          request.body.client_id,
          request.body.client_secret,
          request.body.scope,
          now(),
        );
        return reply.header('cache-control', 'no-store').send(answer);
      } catch (error) {
        if (error instanceof ClinicError && error.code === 'INVALID_CLIENT') {
          reply.header('www-authenticate', 'Basic realm="klinik-desa"');
          return tokenError(401, 'invalid_client', error.code, error.message);
        }
        if (error instanceof ClinicError && error.code === 'INVALID_SCOPE') {
          return tokenError(400, 'invalid_scope', error.code, error.message);
        }
        if (error instanceof TokenLimitError) {
          reply.header('retry-after', String(error.retryAfterSeconds));
          return tokenError(429, 'invalid_request', error.code, error.message);
        }
        throw error;
      }
    },
  );
}
