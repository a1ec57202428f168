// Loaded into the globalSetup's server process (node --require): the process that started it holds an
// IPC channel to it, which closes when that process is gone, killed included. The server then stops
// as it does on a signal, instead of holding its port after the test run.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
