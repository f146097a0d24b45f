import { useEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { ErrorBox, Modal, toApiError } from './ui.tsx';

/** A yes/no question in a dialog: the action runs on yes, its error stays in the dialog. */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  cancelLabel = 'Cancel',
  busyLabel = 'Working…',
  danger,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  /** The confirm button's text while the action runs. */
  busyLabel?: string;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const close = () => {
    setError(undefined);
    setBusy(false);
    onClose();
  };
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      close();
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={title} onClose={close}>
      {error && <ErrorBox error={error} />}
      <div>{children}</div>
      <div className="form-actions">
        <button type="button" className="btn" onClick={close} autoFocus>
          {cancelLabel}
        </button>
        <button type="button" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} onClick={run} disabled={busy}>
          {busy ? busyLabel : confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

/** A short-lived message at the bottom of the screen, announced to screen readers. */
export function Toast({ message, onDone }: { message: string; onDone: () => void }) {
  useEffect(() => {
    if (!message) return;
    const t = setTimeout(onDone, 5000);
    return () => clearTimeout(t);
  }, [message, onDone]);
  if (!message) return null;
  return (
    <div className="toast" role="status" aria-live="polite">
      {message}
    </div>
  );
}
