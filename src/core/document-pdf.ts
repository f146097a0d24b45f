import type { Ctx } from './context.ts';
import { getDealership, type DealershipView } from './dealership.ts';
import { getInvoice, type InvoiceView } from './invoices.ts';
import { getQuote, type QuoteView } from './quotes.ts';
import { getCustomer, type CustomerView } from './customers.ts';
import { minorUnitDigits } from './money.ts';

// Invoices and quotes as printable documents: an A4/Letter PDF with the dealership (name,
// address, phone, tax id), the customer, the document's number and dates, its lines with their
// taxes, the totals, what was paid and what is due, and the payment terms. Rendered by pdfkit
// (loaded at the first PDF: most processes never render one) with its built-in Helvetica, which
// covers Western European text (WinAnsi); other scripts print as their closest WinAnsi letters.

export type PdfDocumentKind = 'invoice' | 'quote';
type Doc = (InvoiceView & { kind: 'invoice' }) | (QuoteView & { kind: 'quote' });

/** The Letter page in the US and Canada, A4 everywhere else (by the dealership's country). */
const pageSize = (d: DealershipView) => (['US', 'CA'].includes(d.address?.country ?? 'US') ? 'LETTER' : 'A4');

export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
  const digits = minorUnitDigits(currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(minor / 10 ** digits);
}

const formatDate = (iso: string | null | undefined) =>
  iso ? new Date(`${iso.slice(0, 10)}T12:00:00Z`).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }) : '—';

// WinAnsi holds Latin-1 and a few more; anything else is reduced to its base letters or '?'.
const printable = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, (m, i, all) => (/[A-Za-z]/.test(all[i - 1] ?? '') ? '' : m))
    .normalize('NFC')
    .replace(/[^\u0009\u000a\u0020-\u007e\u00a0-\u00ff\u20ac\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026]/g, '?');

const addressLines = (a: { line1?: string; line2?: string; street?: string; city?: string; region?: string | null; postalCode?: string; country?: string } | null | undefined) =>
  a ? [a.street ?? a.line1, a.line2, [a.city, [a.region, a.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', '), a.country].filter((l): l is string => Boolean(l)) : [];

export async function documentPdf(ctx: Ctx, kind: PdfDocumentKind, id: string): Promise<{ pdf: Buffer; filename: string }> {
  const doc: Doc = kind === 'invoice' ? { ...(await getInvoice(ctx, id)), kind } : { ...(await getQuote(ctx, id)), kind };
  // A customer deleted since (soft-deleted, with only settled documents left) prints as "—".
  const [dealership, customer] = await Promise.all([getDealership(ctx.db, ctx.tenantId), doc.customerId ? getCustomer(ctx, doc.customerId).catch(() => null) : null]);
  return { pdf: await renderPdf(doc, dealership, customer), filename: `${doc.number}.pdf` };
}

async function renderPdf(doc: Doc, dealer: DealershipView, customer: CustomerView | null): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const title = doc.kind === 'invoice' ? 'Invoice' : 'Quote';
  const pdf = new PDFDocument({ size: pageSize(dealer), margin: 50, info: { Title: printable(`${title} ${doc.number}`), Author: printable(dealer.name), Creator: 'Motors CRM' } });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const money = (minor: number) => formatMoney(minor, doc.currency);
  const text = (s: string) => printable(s);
  const left = pdf.page.margins.left;
  const width = pdf.page.width - left - pdf.page.margins.right;

  // Header: the dealership on the left, the document on the right.
  const top = pdf.y;
  pdf
    .font('Helvetica-Bold')
    .fontSize(16)
    .text(text(dealer.name), left, top, { width: width * 0.6 });
  pdf.font('Helvetica').fontSize(9);
  for (const line of [...addressLines(dealer.address), dealer.phone, dealer.taxId ? `Tax ID: ${dealer.taxId}` : null]) if (line) pdf.text(text(line), { width: width * 0.6 });
  const afterDealer = pdf.y;
  pdf
    .font('Helvetica-Bold')
    .fontSize(20)
    .text(title.toUpperCase(), left + width * 0.6, top, { width: width * 0.4, align: 'right' });
  pdf.font('Helvetica').fontSize(9);
  const facts: [string, string][] = [
    ['Number', doc.number],
    ['Status', doc.kind === 'invoice' ? doc.displayStatus : doc.status],
    ['Issued', formatDate(doc.issueDate)],
    doc.kind === 'invoice' ? ['Due', formatDate(doc.dueDate)] : ['Valid until', formatDate(doc.validUntil)],
  ];
  for (const [k, v] of facts) pdf.text(text(`${k}: ${v}`), left + width * 0.6, pdf.y, { width: width * 0.4, align: 'right' });
  pdf.y = Math.max(afterDealer, pdf.y) + 20;

  // Bill to.
  pdf
    .font('Helvetica-Bold')
    .fontSize(10)
    .text(doc.kind === 'invoice' ? 'Bill to' : 'Prepared for', left);
  pdf.font('Helvetica').fontSize(9);
  if (customer) {
    for (const line of [customer.displayName, ...addressLines(customer.address), customer.email, customer.phone]) if (line) pdf.text(text(line));
  } else pdf.text('—');
  pdf.moveDown(1.5);

  // Lines.
  const cols = [
    { label: 'Description', w: 0.46, align: 'left' as const },
    { label: 'Qty', w: 0.1, align: 'right' as const },
    { label: 'Unit price', w: 0.15, align: 'right' as const },
    { label: 'Tax', w: 0.11, align: 'right' as const },
    { label: 'Amount', w: 0.18, align: 'right' as const },
  ];
  const row = (cells: string[], bold = false) => {
    const y = pdf.y;
    let x = left;
    let bottom = y;
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    cells.forEach((cell, i) => {
      pdf.text(text(cell), x + (i ? 4 : 0), y, { width: cols[i].w * width - 4, align: cols[i].align });
      bottom = Math.max(bottom, pdf.y);
      x += cols[i].w * width;
    });
    pdf.y = bottom + 4;
    pdf.x = left;
  };
  row(
    cols.map((c) => c.label),
    true,
  );
  pdf
    .moveTo(left, pdf.y - 2)
    .lineTo(left + width, pdf.y - 2)
    .strokeColor('#999999')
    .stroke();
  for (const l of doc.lines) {
    if (pdf.y > pdf.page.height - pdf.page.margins.bottom - 120) pdf.addPage();
    row([l.description, String(l.quantity), money(l.unitAmount), `${l.taxRate}%`, money(l.subtotalAmount)]);
  }
  if (!doc.lines.length) row(['No lines', '', '', '', '']);
  pdf
    .moveTo(left, pdf.y)
    .lineTo(left + width, pdf.y)
    .strokeColor('#999999')
    .stroke();
  pdf.moveDown(0.8);

  // Totals.
  const totals: [string, string, boolean?][] = [
    ['Subtotal', money(doc.subtotalAmount)],
    ['Tax', money(doc.taxAmount)],
    ['Total', money(doc.totalAmount), true],
  ];
  if (doc.kind === 'invoice') totals.push(['Paid', money(doc.amountPaid)], ['Balance due', money(doc.amountDue), true]);
  for (const [label, value, bold] of totals) {
    const y = pdf.y;
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(bold ? 11 : 9);
    pdf.text(text(label), left + width * 0.55, y, { width: width * 0.25, align: 'right' });
    pdf.text(text(value), left + width * 0.8, y, { width: width * 0.2, align: 'right' });
    pdf.x = left;
  }
  pdf.moveDown(2);

  const terms =
    doc.kind === 'invoice'
      ? (dealer.paymentTerms ?? (doc.dueDate ? `Please pay by ${formatDate(doc.dueDate)}.` : null))
      : doc.validUntil
        ? `This quote is valid until ${formatDate(doc.validUntil)}.`
        : null;
  for (const [heading, body] of [
    [doc.kind === 'invoice' ? 'Payment terms' : 'Terms', terms],
    ['Notes', doc.notes],
  ] as const) {
    if (!body) continue;
    pdf.font('Helvetica-Bold').fontSize(10).text(heading, left, pdf.y, { width });
    pdf.font('Helvetica').fontSize(9).text(text(body), { width });
    pdf.moveDown(0.8);
  }
  if (doc.status === 'void' || doc.status === 'draft') {
    pdf
      .font('Helvetica-Bold')
      .fontSize(9)
      .fillColor('#b91c1c')
      .text(doc.status === 'void' ? 'VOID: this invoice is cancelled and is not payable.' : 'DRAFT: not yet sent.', left, pdf.y, { width });
  }
  pdf.end();
  return done;
}
