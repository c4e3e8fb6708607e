// postpack: put back the package.json that prepack.mjs set aside (with the clone's `prepare` script).
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const original = join(root, 'package.json.prepack');
if (existsSync(original)) renameSync(original, join(root, 'package.json'));
