import pino, { type Logger } from 'pino';
import { credentialPattern } from './core/secrets.ts';

// Keys, passwords, tokens and secrets never reach the logs, wherever they appear.
export const redactPaths = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.key',
  '*.secret',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.refreshToken',
  '*.apiKey',
  '*.api_key',
];

// Query parameters whose value is a credential, by name (case, `_` and `-` ignored): an API key
// sent as `?api_key=` is refused, but the request line is still logged; and some Storefront
// endpoints take their inputs from the query string.
const SECRET_PARAM = /password|passwd|token|secret|apikey|^key$|^auth|signature|^sig$|session|^code$/;
// Our own credentials, recognised by their form wherever they sit in a URL (a path segment, a
// parameter of any name).
const SECRET_VALUE = credentialPattern();

const REDACTED = '[redacted]';

/** The URL with every credential in it replaced, for logging. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  const path = (at < 0 ? url : url.slice(0, at)).replace(SECRET_VALUE, REDACTED);
  if (at < 0) return path;
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let plain = name;
      try {
        plain = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        /* a malformed escape: judged as written */
      }
      if (eq >= 0 && SECRET_PARAM.test(plain.toLowerCase().replace(/[^a-z0-9]/g, ''))) return `${name}=${REDACTED}`;
      return pair.replace(SECRET_VALUE, REDACTED);
    })
    .join('&');
  return `${path}?${query}`;
}

type LoggedRequest = { method?: string; url?: string; host?: string; ip?: string; headers?: Record<string, unknown>; socket?: { remotePort?: number } };

// Fastify's request serializer, with the URL redacted (a logger's own serializers replace Fastify's).
const serializers = {
  req: (req: LoggedRequest) => ({
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }),
};

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: redactPaths, censor: REDACTED }, serializers }, destination);
}
