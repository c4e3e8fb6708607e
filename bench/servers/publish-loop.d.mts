// Types of publish-loop.mjs, so that the TypeScript hub entry shares the very same publisher.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Wall-clock unix time in nanoseconds with microsecond precision. */
export function unixNanos(): number;
/** Answer the bench's HTTP endpoints (`POST /publish`, `GET /gc`); true when handled. */
export function handleBenchRequest(req: IncomingMessage, res: ServerResponse, send: (channel: string, data: string) => void): boolean;
