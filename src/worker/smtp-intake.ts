import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Logger } from 'pino';
import type { Database } from '../storage/db.ts';
import type { Ctx } from '../core/context.ts';
import { AppError } from '../core/errors.ts';
import { resolveIntakeToken, touchIntakeToken, type IntakeTokenRow } from '../core/intake-tokens.ts';
import { importAdf } from '../core/lead-intake.ts';

// ADF leads by e-mail: the usual delivery (a plain-text message whose body is the document, sent
// to one address per dealer). An SMTP listener in the server process accepts mail for
// <token>@SMTP_DOMAIN only, refusing other recipients at RCPT time, so a sender learns at once
// that an address is wrong and nothing is accepted that would then be dropped. Receive-only: no
// relaying, no authentication (the token in the address is the credential). Put it behind the
// MX (or a relay) that handles TLS and spam; it listens on 127.0.0.1 unless SMTP_HOST says otherwise.

/** Largest message accepted; an ADF document itself may be at most the HTTP body limit. */
export const SMTP_MAX_BYTES = 10 * 1024 * 1024;

export type SmtpIntake = { port: number; close(): Promise<void> };

type Session = SMTPServerSession & { tokens?: IntakeTokenRow[] };

export async function startSmtpIntake(opts: { database: Database; logger: Logger; host: string; port: number; domain: string }): Promise<SmtpIntake> {
  const { database, logger } = opts;
  const log = logger.child({ component: 'smtp-intake' });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: SMTP_MAX_BYTES,
    banner: 'Motors CRM ADF lead intake',
    logger: false,
    onRcptTo(address: SMTPServerAddress, session: Session, callback: (err?: Error | null) => void) {
      const [local, domain] = splitAddress(address.address);
      if (!local || domain !== opts.domain) return callback(smtpError(550, `5.1.1 <${address.address}>: this server only accepts mail for @${opts.domain}`));
      resolveIntakeToken(database.db, local).then(
        (token) => {
          session.tokens = [...(session.tokens ?? []), token];
          callback();
        },
        (err) =>
          callback(err instanceof AppError ? smtpError(550, `5.1.1 <${address.address}>: no such intake address (unknown or revoked)`) : smtpError(451, '4.3.0 temporarily unavailable, retry later')),
      );
    },
    onData(stream, session: Session, callback: (err?: Error | null) => void) {
      simpleParser(stream, { skipImageLinks: true })
        .then(async (mail) => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) throw smtpError(552, `5.3.4 message larger than ${SMTP_MAX_BYTES} bytes`);
          const { document, charset, warnings } = adfOfMail(mail);
          for (const token of session.tokens ?? []) {
            await database.db.transaction((tx) => {
              const ctx: Ctx = {
                tenantId: token.tenantId,
                environment: token.environment,
                scopes: ['leads:write'],
                actor: { type: 'system', id: `intake:${token.id}` },
                requestId: `smtp-${session.id}`,
                db: tx,
              };
              return importAdf(ctx, { document, charset, channel: 'email', warnings });
            });
            touchIntakeToken(database.db, token).catch(() => {});
          }
          callback();
        })
        .catch((err: Error & { responseCode?: number }) => {
          if (err.responseCode) return callback(err);
          log.error({ err }, 'ADF e-mail could not be stored');
          // A temporary failure: the sending MTA keeps the message and retries, so nothing is lost.
          callback(smtpError(451, '4.3.0 could not store the lead, retry later'));
        });
    },
  });
  server.on('error', (err) => log.warn({ err }, 'SMTP connection error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
  log.info({ host: opts.host, port, domain: opts.domain }, 'ADF e-mail intake listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf('@');
  return at < 0 ? ['', ''] : [address.slice(0, at).toLowerCase(), address.slice(at + 1).toLowerCase()];
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

const adfAttachment = /\.(xml|adf)$/i;
const xmlTypes = new Set(['text/xml', 'application/xml', 'application/adf+xml', 'text/x-adf']);

/**
 * The ADF document of a message: an .xml/.adf or XML-typed attachment first (some providers
 * attach it), else the text body, else the HTML body (importAdf unescapes XML shown as text).
 */
export function adfOfMail(mail: ParsedMail): { document: Buffer | string; charset?: string; warnings: string[] } {
  const attachment = mail.attachments.find((a) => adfAttachment.test(a.filename ?? '') || xmlTypes.has(a.contentType.toLowerCase()));
  if (attachment) return { document: attachment.content, warnings: [] };
  const html = typeof mail.html === 'string' ? mail.html : '';
  const looksAdf = (s: string) => /<\s*(adf|prospect)[\s>]|&lt;\s*(\?xml|adf)/i.test(s);
  // mailparser makes `text` from an HTML-only message, which drops unescaped XML tags: read the HTML itself then.
  if (mail.text && looksAdf(mail.text) && !(html && !mail.textAsHtml && looksAdf(html) && !/<\s*adf[\s>]/i.test(mail.text))) return { document: mail.text, warnings: [] };
  if (html && looksAdf(html)) return { document: html, warnings: ['the ADF document came in an HTML e-mail'] };
  if (mail.text?.trim()) return { document: mail.text, warnings: [] };
  if (html.trim()) return { document: html, warnings: ['the e-mail had only an HTML body'] };
  const subject = mail.subject ? `Subject: ${mail.subject}\n` : '';
  return { document: `${subject}(empty message)`, warnings: ['the e-mail had no text body and no ADF attachment'] };
}
