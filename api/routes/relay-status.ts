// POST /remote/rsstatus, the seed's endpoint where relays (its Global Access Servers) post
// their register, unregister and status messages. The relay's token is its credential, so no
// bearer token is asked; every answer is 200 with {result: SUCCESS|FAILURE, reason}, even for a
// body that is not JSON (FAILURE, invalid-message), as a relay reads the result, not the status.
import type { FastifyPluginAsync } from 'fastify';
import { isLeft } from 'fp-ts/lib/Either.js';
import { decodeRsStatusMessage } from '../../domain/relay/rsstatus-message.js';
import type { RsStatusReply } from '../../domain/relay/rsstatus-message.js';
import { routeSchema } from '../openapi/route-schema.js';

export const relayStatusPath = '/remote/rsstatus';

// A status lists the relay's sessions: it may be long, but not without bound.
const bodyLimitBytes = 4 * 1024 * 1024;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const relayStatusRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;
  // Whatever the content type: a body that is not such a message is a FAILURE, not a 400.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: bodyLimitBytes }, (_request, body, done) => done(null, body));

  app.post(
    relayStatusPath,
    { schema: routeSchema({ summary: "A relay's register, unregister or status message (the seed's rsstatus)", tag: 'relays', public: true }) },
    async (request): Promise<RsStatusReply> => {
      const body = typeof request.body === 'string' ? parseJson(request.body) : undefined;
      const message = decodeRsStatusMessage(body);
      if (isLeft(message)) {
        return { result: 'FAILURE', reason: message.left, message: 'expected a JSON object {type: register|unregister|status, name, hostName, token, ...}' };
      }
      return services.relays.handle(message.right, request.ip);
    },
  );
};
