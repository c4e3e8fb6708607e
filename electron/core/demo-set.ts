/** Where the demo set is (`resources/demo`): `npm start` without a Procfile, `switchyard --demo`. */
import { join } from 'node:path';

/** The demo set's config file under the app root. */
export function demoConfigPath(appRoot: string): string {
  return join(appRoot, 'resources', 'demo', 'switchyard.yaml');
}
