// Type-level tests of `request` typed by the method map: checked by `tsc` (npm run typecheck), where
// every `@ts-expect-error` below must meet an error or the check fails; the bodies never run.
import { describe, expectTypeOf, it } from 'vitest';
import { MethodError } from '../../electron/hub/methods';
import type { HubConnection } from '../../renderer/src/connection/hub-connection';
import type { ErrorCode, ProcessInfo, ResponseError, ScreenSnapshot } from '../protocol';
import type { ClientError, ReconnectingClient } from './reconnecting-client';

describe('request typed by the method map', () => {
  it('takes the params of each method and answers its result', () => {
    const calls = async (client: ReconnectingClient) => {
      expectTypeOf(await client.request('process.list')).toEqualTypeOf<ProcessInfo[]>();
      expectTypeOf(await client.request('process.stop', { id: 'web' })).toEqualTypeOf<ProcessInfo>();
      expectTypeOf(await client.request('process.input', { id: 'web', data: 'ls\n' }, { timeoutMs: 500 })).toEqualTypeOf<{ written: number }>();
      expectTypeOf(await client.request('hub.whoami')).toHaveProperty('clientId').toEqualTypeOf<string>();
      // A method outside the map (one a hub registered beside it) takes anything and answers unknown.
      expectTypeOf(await client.request('my.own', { anything: 1 })).toBeUnknown();
    };
    expectTypeOf(calls).toBeFunction();
  });

  it('does not compile a wrong param shape, missing params, or a result used as another type', () => {
    const wrong = async (client: ReconnectingClient, hub: HubConnection) => {
      // @ts-expect-error: `name` is not a param of process.stop
      await client.request('process.stop', { name: 'web' });
      // @ts-expect-error: process.stop needs its id
      await client.request('process.stop');
      // @ts-expect-error: data is a string
      await client.request('process.input', { id: 'web', data: 5 });
      // @ts-expect-error: the role is operator or viewer
      await client.request('hub.loginLink', { role: 'admin' });
      // @ts-expect-error: process.list answers a list, not a number
      const n: number = await client.request('process.list');
      // The dashboard's connection is typed the same way, and knows no method outside the map.
      // @ts-expect-error: cols is a number
      await hub.request('process.resize', { id: 'web', cols: '80', rows: 24 });
      // @ts-expect-error: not a method of the map
      await hub.request('my.own');
      expectTypeOf(await hub.request('process.screen', { id: 'web' })).toEqualTypeOf<ScreenSnapshot>();
      return n;
    };
    expectTypeOf(wrong).toBeFunction();
  });

  it('types error codes as the shared ErrorCode', () => {
    expectTypeOf<ResponseError['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<MethodError['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<'not_found'>().toExtend<ClientError['code']>();
    // @ts-expect-error: a method refuses with a code of the list only
    const refuse = () => new MethodError('no_such_code', 'x');
    expectTypeOf(refuse).toBeFunction();
  });
});
