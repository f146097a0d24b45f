// Pure rules of the Leads inbox: how a lead's origin reads, and the reply link.
type LeadLike = {
  origin: 'adf' | 'email' | 'form' | 'api';
  source: string;
  provider?: string | null;
  title: string;
  replyEmail: string | null;
  vehicleOfInterest?: { year?: number | null; make?: string | null; model?: string | null } | null;
};

export const originNames: Record<LeadLike['origin'], string> = { adf: 'ADF (HTTP)', email: 'E-mail', form: 'Form', api: 'API' };

/** "ADF · AutoTrader", "E-mail · Cars.com", "Form · test drive", "API · phone". */
export function originLabel(l: LeadLike): string {
  if (l.origin === 'adf') return `ADF · ${l.provider || 'unknown provider'}`;
  if (l.origin === 'email') return l.provider ? `E-mail · ${l.provider}` : 'E-mail';
  if (l.origin === 'form') return l.source === 'test_drive' ? 'Form · test drive' : 'Form · contact';
  return `API · ${l.source.replace(/_/g, ' ')}`;
}

export function vehicleText(v: LeadLike['vehicleOfInterest']): string {
  return v ? [v.year, v.make, v.model].filter(Boolean).join(' ') : '';
}

/** A mailto: link answering the lead, or null without an address to answer. */
export function replyHref(l: LeadLike): string | null {
  if (!l.replyEmail) return null;
  const vehicle = vehicleText(l.vehicleOfInterest);
  const first = l.title.includes('@') ? '' : ` ${l.title.split(/\s+/)[0]}`;
  const subject = vehicle ? `Your enquiry about the ${vehicle}` : 'Your enquiry';
  const body = `Hello${first},\n\nThank you for your enquiry`;
  return `mailto:${encodeURIComponent(l.replyEmail).replace(/%40/g, '@')}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
}
