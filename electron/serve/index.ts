// The headless serve entry (`npm run serve`). Filled by the shells issue.
console.log('switchyard serve: not implemented yet');
