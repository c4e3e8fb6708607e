/** The reconnecting hub client: everything a caller needs is re-exported from reconnecting-client. */
export * from './reconnecting-client';
