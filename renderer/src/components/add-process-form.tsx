/** The operators' form to run an ad-hoc command as a new process (`process.add`). */
import { useState, type FormEvent } from 'react';
import { isValidProcessId } from '../../../shared/protocol';
import { useServices } from '../dashboard-context';

/** Name and command inputs with an Add button. */
export function AddProcessForm() {
  const { actions } = useServices();
  const [id, setId] = useState('');
  const [command, setCommand] = useState('');
  const [busy, setBusy] = useState(false);
  const idOk = id === '' || isValidProcessId(id);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!isValidProcessId(id) || !command.trim()) return;
    setBusy(true);
    void actions.addProcess(id, command.trim()).then((ok) => {
      setBusy(false);
      if (ok) {
        setId('');
        setCommand('');
      }
    });
  };
  return (
    <form className="add-process" onSubmit={submit} aria-label="Add a process">
      <input aria-label="New process name" placeholder="name" value={id} onChange={(e) => setId(e.target.value)} aria-invalid={!idOk || undefined} title="Letters, digits, _ and -" />
      <input aria-label="New process command" placeholder="command, e.g. npm run dev" value={command} onChange={(e) => setCommand(e.target.value)} />
      <button type="submit" aria-label="Add process" disabled={busy || !isValidProcessId(id) || !command.trim()}>
        Add
      </button>
    </form>
  );
}
