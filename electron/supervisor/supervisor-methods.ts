/**
 * The `process.*` methods of a supervisor (CONTRACT.md "Messages", shared/protocol/method-map.ts):
 * `process.list` (viewers too) → ProcessInfo[]; operators only: `process.start` (starts what it
 * depends on first; the answer may say `waiting`), `process.stop`, `process.restart` ({id} →
 * ProcessInfo, once done), `process.add` ({id, command, cwd?, env?, autostart?, restart?,
 * stopSignal?, stopGraceMs?, dependsOn?, readiness?, liveness?, watch?, tty?, stdin?, store?} →
 * ProcessInfo), `process.remove` ({id} → {id, removed: true}, after the group is stopped).
 * Roles and params are checked by the hub against the method map (shared/protocol/method-map.ts).
 * An unknown id is `not_found`, a bad definition `bad_params`, an id in use (or a process others
 * depend on, for remove) `conflict`.
 */
import type { MethodRegistrar } from '../hub/methods';
import { MethodError } from '../hub/methods';
import { DefinitionError, validateDefinition, type ProcessDefinition } from './process-definition';
import type { Supervisor } from './supervisor';

/** Register the methods of `sup` with the hub (roles and params come from the method map). */
export function registerSupervisorMethods(sup: Supervisor, hub: MethodRegistrar): void {
  // Asking for the list is looking: resources are sampled for the next minute (resource-sampler.ts).
  hub.registerMethod('process.list', async (params) => {
    sup.demandResourcesFor(60_000);
    if (params?.fresh) await sup.freshResources();
    return sup.list();
  });
  hub.registerMethod('process.start', ({ id }) => {
    sup.startProcess(id);
    return sup.get(id);
  });
  hub.registerMethod('process.stop', async ({ id }) => {
    await sup.stopProcess(id);
    return sup.get(id);
  });
  hub.registerMethod('process.restart', async ({ id }) => {
    await sup.restartProcess(id);
    return sup.get(id);
  });
  hub.registerMethod('process.add', (params) => {
    const { id, ...rest } = params;
    try {
      const def: ProcessDefinition = validateDefinition(id, rest, { source: 'process.add' });
      return sup.add(def);
    } catch (err) {
      throw err instanceof DefinitionError ? new MethodError('bad_params', err.message) : err;
    }
  });
  hub.registerMethod('process.remove', async ({ id }) => {
    await sup.remove(id);
    return { id, removed: true as const };
  });
}
