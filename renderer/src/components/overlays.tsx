/** Whichever dialog is open: the alert list, the `?` sheet, a confirmation, a login link. */
import { useDashboard, useServices } from '../dashboard-context';
import { AlertList } from './alert-list';
import { SHORTCUTS, useKeyboardShortcuts } from './keyboard-shortcuts';
import { LoginLinkDialog } from './login-link-dialog';
import { Modal } from './modal';

/** See the file comment; also owns the keyboard shortcuts (they open these dialogs). */
export function Overlays() {
  const { store, actions } = useServices();
  useKeyboardShortcuts(store);
  const overlay = useDashboard((s) => s.overlay);
  const setOverlay = useDashboard((s) => s.setOverlay);
  const close = () => setOverlay(null);
  if (!overlay) return null;
  switch (overlay.kind) {
    case 'alerts':
      return <AlertList onClose={close} />;
    case 'login-link':
      return <LoginLinkDialog link={overlay} onClose={close} />;
    case 'help':
      return (
        <Modal title="Keyboard shortcuts" onClose={close} testId="help-sheet">
          <dl className="shortcuts">
            {SHORTCUTS.map(([keys, what]) => (
              <div key={keys}>
                <dt>
                  <kbd>{keys}</kbd>
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </Modal>
      );
    case 'confirm': {
      const restart = overlay.action === 'restart';
      return (
        <Modal title={restart ? `Restart ${overlay.id}?` : `Remove ${overlay.id}?`} onClose={close} testId="confirm">
          <p>{restart ? `${overlay.id} is stopped (its whole process group) and started again.` : `${overlay.id} is stopped and removed from the list. It was added from the dashboard; the config file is not changed.`}</p>
          <div className="modal-actions">
            <button
              type="button"
              className="primary"
              data-autofocus
              onClick={() => {
                close();
                void (restart ? actions.restartProcess(overlay.id) : actions.removeProcess(overlay.id));
              }}
            >
              {restart ? 'Restart' : 'Remove'}
            </button>
            <button type="button" onClick={close}>
              Cancel
            </button>
          </div>
        </Modal>
      );
    }
  }
}
