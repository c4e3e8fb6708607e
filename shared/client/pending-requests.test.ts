// A failed request says its cause once: the message is the hub's (or the client's) reason, the
// method is beside it on the error, so that a caller's "process.add failed: …" is not doubled.
import { describe, expect, it } from 'vitest';
import { ClientError } from './client-error';
import { PendingRequests } from './pending-requests';

const timers = { setTimeout: (cb: () => void, ms: number) => setTimeout(cb, ms), clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>) };

async function failure(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (err) {
    return err as ClientError;
  }
  throw new Error('the request did not fail');
}

describe('PendingRequests errors', () => {
  it('a refused request: the hub\'s message alone, its code and the method', async () => {
    const pending = new PendingRequests(timers);
    const { id, promise } = pending.create('process.add', 1000);
    pending.settle(id, undefined, { code: 'conflict', message: 'process "web" already exists' });
    const err = await failure(promise);
    expect(err).toBeInstanceOf(ClientError);
    expect(err).toMatchObject({ code: 'conflict', method: 'process.add', message: 'process "web" already exists' });
  });

  it('a timeout, an error message and a lost connection name the cause, not the method again', async () => {
    const pending = new PendingRequests(timers);
    const timeout = pending.create('hub.stats', 5);
    expect(await failure(timeout.promise)).toMatchObject({ code: 'timeout', method: 'hub.stats', message: 'no response within 5 ms' });
    const refused = pending.create('process.list', 1000);
    pending.refuse(refused.id, 'unknown type');
    expect(await failure(refused.promise)).toMatchObject({ code: 'bad_request', message: 'refused by the hub: unknown type' });
    const lost = pending.create('process.stop', 1000);
    pending.rejectAll('disconnected', 'the connection was lost');
    expect(await failure(lost.promise)).toMatchObject({ code: 'disconnected', method: 'process.stop', message: 'the connection was lost' });
  });
});
