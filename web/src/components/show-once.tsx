import type { ReactNode } from 'react';
import { CopyButton, Modal } from './ui.tsx';

export type OnceValue = { value: string; testId: string; label?: string; copyLabel?: string };

/**
 * A secret the server shows a single time (an API key, a signing secret, a feed token, an
 * invitation link): the warning, each value with its copy button, what to do next, and the one
 * button that closes it.
 */
export function ShowOnce({
  warning,
  values,
  children,
  actions,
  doneLabel,
  onDone,
  live = 'alert',
}: {
  warning: ReactNode;
  values: OnceValue[];
  children?: ReactNode;
  /** Buttons shown before the done button. */
  actions?: ReactNode;
  doneLabel: string;
  onDone: () => void;
  /** How the warning is announced: `alert` in a dialog, `status` when it appears inline. */
  live?: 'alert' | 'status';
}) {
  return (
    <div className="show-once">
      <div className="alert alert-warn" role={live}>
        {warning}
      </div>
      {values.map((v) => (
        <div className="key-reveal" key={v.testId + v.value}>
          {v.label && <span className="key-reveal-label">{v.label}</span>}
          <code data-testid={v.testId}>{v.value}</code>
          <CopyButton text={v.value} label={v.copyLabel} />
        </div>
      ))}
      {children}
      <div className="form-actions">
        {actions}
        <button type="button" className="btn btn-primary" onClick={onDone}>
          {doneLabel}
        </button>
      </div>
    </div>
  );
}

/** ShowOnce in a dialog: open while `shown` is set; closing it, by the button or Escape, calls onDone. */
export function ShowOnceDialog<T>({ shown, title, onDone, render }: { shown: T | undefined; title: string; onDone: () => void; render: (shown: T) => ReactNode }) {
  return (
    <Modal open={shown !== undefined} title={title} onClose={onDone} wide>
      {shown !== undefined && render(shown)}
    </Modal>
  );
}
