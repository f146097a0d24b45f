import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { asInstruction, describeError, errorFor } from '../lib/field-errors.ts';

export function useAsync<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const run = useCallback(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error: toApiError(error), loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

export function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'client', (error as Error)?.message ?? 'Something went wrong in the page; reload it and try again.');
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

export function Empty({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-icon" aria-hidden="true">
        ◌
      </div>
      <h3>{title}</h3>
      {children && <p>{children}</p>}
      {action}
    </div>
  );
}

/** An error with what to do about it: permissions, a lost connection, or retry. */
export function ErrorBox({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const hint =
    error.status === 403
      ? 'Ask an owner or admin of your dealership if you need this.'
      : error.status === 0
        ? ''
        : error.status >= 500
          ? 'This is on our side. Try again in a moment; the request id in the server log identifies it.'
          : '';
  return (
    <div className="alert alert-error" role="alert">
      <strong>{error.status === 403 ? 'Not allowed. ' : ''}</strong>
      {describeError(error).join('; ')} {hint}
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/**
 * A form's error above its fields: the text given, or else the server's answer, which points below
 * when its details are per field (FieldErrors shows each beside its input). Nothing when there is none.
 */
export function FormError({ message, error }: { message?: ReactNode; error?: ApiError }) {
  const text = message ?? (error && (error.fields.length ? 'Check the fields below.' : error.message));
  if (!text) return null;
  return (
    <div className="alert alert-error" role="alert">
      {text}
    </div>
  );
}

/** What is wrong with one field, next to it; `id` is its input's (see invalidProps). */
export function FieldErrors({ error, field, id }: { error?: ApiError; field: string; id?: string }) {
  const f = error && errorFor(error.fields, field);
  return f ? (
    <span className="field-error" role="alert" id={id ? `${id}-error` : undefined}>
      {asInstruction(f.message)}
    </span>
  ) : null;
}

/** An input the error names is marked invalid and described by its message (FieldErrors with the same id). */
export const invalidProps = (error: ApiError | undefined, field: string, id: string) =>
  error && errorFor(error.fields, field) ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {};

/** A native <dialog>: focus moves into it, Escape closes it, the page behind is inert. */
export function Modal({ open, title, onClose, children, wide }: { open: boolean; title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className={wide ? 'modal modal-wide' : 'modal'} onClose={onClose} aria-labelledby="modal-title">
      {open && (
        <>
          <header className="modal-header">
            <h2 id="modal-title">{title}</h2>
            <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
              ×
            </button>
          </header>
          <div className="modal-body">{children}</div>
        </>
      )}
    </dialog>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      // Clipboard access needs a secure context; on plain http the user selects the text instead.
      setCopied('no');
    }
    setTimeout(() => setCopied(null), 2500);
  };
  return (
    <button type="button" className="btn btn-small" onClick={copy} aria-live="polite">
      {copied === 'yes' ? 'Copied ✓' : copied === 'no' ? 'Select and copy (Ctrl+C)' : label}
    </button>
  );
}

export function CodeBlock({ code, label }: { code: string; label: string }) {
  return (
    <div className="code">
      <div className="code-bar">
        <span>{label}</span>
        <CopyButton text={code} />
      </div>
      <pre tabIndex={0}>
        <code>{code}</code>
      </pre>
    </div>
  );
}

export function EnvBadge({ env }: { env: 'live' | 'test' }) {
  return <span className={`badge badge-${env}`}>{env === 'live' ? 'Live' : 'Test'}</span>;
}

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {description && <p className="muted">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

/** The ← Newer / Older → buttons under a log, newest first; `children` says how much there is. */
export function NewerOlder({ page, pages, onPage, children }: { page: number; pages: number; onPage: (page: number) => void; children: ReactNode }) {
  return (
    <div className="pager">
      <span className="muted">{children}</span>
      <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Newer
      </button>
      <button type="button" className="btn btn-small" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Older →
      </button>
    </div>
  );
}
