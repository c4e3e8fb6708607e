/** The one-line input under the log of a process started with `stdin: true` (operators): Enter sends the line and a newline. */
import { useState, type FormEvent } from 'react';
import type { HubConnection } from '../connection/hub-connection';

/** Props of {@link StdinInput}. */
export interface StdinInputProps {
  processId: string;
  hub: HubConnection;
}

/** See the file comment. */
export function StdinInput({ processId, hub }: StdinInputProps) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSending(true);
    hub.request('process.input', { id: processId, data: `${text}\n` }).then(
      () => {
        setText('');
        setError(null);
        setSending(false);
      },
      (err: unknown) => {
        setError(err instanceof Error ? err.message : String(err));
        setSending(false);
      },
    );
  };
  return (
    <form className="stdin-input" onSubmit={submit}>
      <label htmlFor={`stdin-${processId}`}>stdin</label>
      <input
        id={`stdin-${processId}`}
        aria-label={`Input to ${processId}`}
        value={text}
        maxLength={16 * 1024}
        onChange={(e) => setText(e.target.value)}
        placeholder="a line for the process's standard input, then Enter"
        autoComplete="off"
        spellCheck={false}
      />
      <button type="submit" disabled={sending}>
        Send
      </button>
      {error && (
        <span className="stdin-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
