/** A dialog over the dashboard: labelled, modal for assistive tech, closed with Escape or its button; focus moves in and back. */
import { useEffect, useRef, type ReactNode } from 'react';

/** Props of {@link Modal}. */
export interface ModalProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** A `data-testid` for the dialog. */
  testId?: string;
}

/** See the file comment. */
export function Modal({ title, onClose, children, testId }: ModalProps) {
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  // Escape closes it wherever the focus went (a button that vanished leaves it on the body).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('[data-autofocus], button, input, select, a[href]');
    first?.focus();
    return () => before?.focus?.();
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
      >
        <header className="modal-head">
          <h2>{title}</h2>
          <button type="button" className="modal-close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div className="modal-body">{children}</div>
      </div>
    </div>
  );
}
