/** The end of every `-f`: until Ctrl-C, or until the instance goes away or is lost. */
import { pidExists } from '../../platform/pid-exists';
import type { CliIo } from '../cli-io';
import type { HubSession } from '../hub-session';

/** Wait for Ctrl-C (exit 0) or for the instance to go away (exit 0 with a line) or to be lost (exit 1). */
export function follow(session: HubSession, io: CliIo): Promise<number> {
  return new Promise<number>((resolve) => {
    const offSignal = io.onSignal(() => done(0));
    const pid = session.instance.record?.pid;
    const offDisconnect = session.client.on('disconnect', () => {
      // An instance that stopped (`switchyard down`, Ctrl-C where it runs) ends the follow; a
      // connection that merely broke is retried by the client.
      const until = Date.now() + 5000;
      const poll = setInterval(() => {
        if (pid !== undefined && !pidExists(pid)) {
          io.err(`switchyard: the instance on port ${session.instance.port} stopped\n`);
          done(0);
        } else if (Date.now() > until) clearInterval(poll);
      }, 200);
      polls.push(poll);
    });
    const offState = session.client.on('state', (info) => {
      if (info.state !== 'failed') return;
      io.err(`switchyard: lost the instance on port ${session.instance.port}: ${info.lastError ?? 'the connection failed'}\n`);
      done(1);
    });
    const polls: ReturnType<typeof setInterval>[] = [];
    function done(code: number): void {
      offSignal();
      offDisconnect();
      offState();
      for (const poll of polls) clearInterval(poll);
      resolve(code);
    }
  });
}
