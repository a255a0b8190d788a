/**
 * Preloaded into a service process by a test (`node -r`): on SIGUSR2 it writes how many
 * symbol-keyed slots a new promise gets. Node 20 gives every new promise one per enabled
 * AsyncLocalStorage (and async-id slots while promise-tracking async hooks run), through a
 * hook called for every promise the process makes.
 */
process.on('SIGUSR2', () => {
  process.stderr.write(`promise slots: ${Object.getOwnPropertySymbols(Promise.resolve()).length}\n`);
});
