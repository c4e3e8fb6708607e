/** The wire protocol: the one source of truth for the hub, the client and the UI. */
export * from './messages';
export * from './channels';
export * from './codec';
