/** The lines every shell prints at start (CONTRACT.md: `Hub:` and `Dashboard:`, then where the token and the processes are). */
import type { RunningSwitchyard } from '../core/switchyard-app';

/** `Hub: …`, `Dashboard: <one-time link>`, `Token file: …` (when one), `Processes: …`. */
export function launchLines(app: Pick<RunningSwitchyard, 'hubUrl' | 'loginLink' | 'tokenFile' | 'processSource' | 'shared'>): string[] {
  return [
    `Hub: ${app.hubUrl}`,
    `Dashboard: ${app.loginLink('operator')}`,
    ...(app.tokenFile ? [`Token file: ${app.tokenFile}`] : []),
    // Several machines: the engine joined (never its password) and this node's name.
    ...(app.shared ? [`Engine: ${app.shared.engine} (node ${app.shared.node})`] : []),
    `Processes: ${app.processSource}`,
  ];
}
