import type { Logger } from 'pino';
import { transportFor, type SmtpRelay } from './adf-send.ts';

// Mail to staff through the operator's relay (SMTP_RELAY_URL), the same one ADF forwarding uses.

/** Mails a password reset link. Never throws: a failure is logged (the form answers the same either way). */
export async function mailPasswordReset(relay: SmtpRelay, to: string, url: string, expiresAt: Date, log: Pick<Logger, 'warn'>): Promise<boolean> {
  const minutes = Math.max(1, Math.round((expiresAt.getTime() - Date.now()) / 60_000));
  try {
    await (await transportFor(relay, 10_000)).sendMail({
      from: relay.from,
      to,
      subject: 'Reset your Motors CRM password',
      text: [
        'Someone (hopefully you) asked to reset the password of your Motors CRM account.',
        '',
        `Open this link within ${minutes} minutes to choose a new password:`,
        url,
        '',
        'It works once. If you did not ask for it, ignore this mail: your password stays as it is.',
      ].join('\n'),
    });
    return true;
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'password reset mail failed');
    return false;
  }
}
