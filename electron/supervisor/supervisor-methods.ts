/**
 * The `process.*` methods of a supervisor (CONTRACT.md "Messages", shared/protocol/method-map.ts):
 * `process.list` (viewers too) → ProcessInfo[]; operators only: `process.start` (starts what it
 * depends on first; the answer may say `waiting`), `process.stop`, `process.restart` ({id} →
 * ProcessInfo, once done), `process.add` ({id, command, cwd?, env?, autostart?, restart?,
 * stopSignal?, stopGraceMs?, dependsOn?, readiness?, liveness?, watch?, tty?, stdin?, store?} →
 * ProcessInfo), `process.remove` ({id} → {id, removed: true}, after the group is stopped).
 * An unknown id is `not_found`, bad params `bad_params`, an id in use (or a process others depend
 * on, for remove) `conflict`.
 */
import { MethodError, type MethodHandler, type MethodOptions } from '../hub/types';
import { DefinitionError, validateDefinition, type ProcessDefinition } from './process-definition';
import type { Supervisor } from './supervisor';

/** Register the methods of `sup` through `register` (the hub's registerMethod). */
export function registerSupervisorMethods(sup: Supervisor, register: (name: string, handler: MethodHandler, options?: MethodOptions) => void): void {
  register('process.list', () => sup.list(), { role: 'viewer' });
  register('process.start', (params) => {
    const id = idParam(params);
    sup.startProcess(id);
    return sup.get(id);
  });
  register('process.stop', async (params) => {
    const id = idParam(params);
    await sup.stopProcess(id);
    return sup.get(id);
  });
  register('process.restart', async (params) => {
    const id = idParam(params);
    await sup.restartProcess(id);
    return sup.get(id);
  });
  register('process.add', (params) => {
    const id = idParam(params);
    const { id: _id, ...rest } = params as Record<string, unknown>;
    try {
      const def: ProcessDefinition = validateDefinition(id, rest, { source: 'process.add' });
      return sup.add(def);
    } catch (err) {
      throw err instanceof DefinitionError ? new MethodError('bad_params', err.message) : err;
    }
  });
  register('process.remove', async (params) => {
    const id = idParam(params);
    await sup.remove(id);
    return { id, removed: true };
  });
}

function idParam(params: unknown): string {
  if (typeof params !== 'object' || params === null || typeof (params as { id?: unknown }).id !== 'string') {
    throw new MethodError('bad_params', 'params must be {"id": "<process id>"}');
  }
  return (params as { id: string }).id;
}
