// The globalSetup's server process: `node server-child.cjs serve ...` runs the built bin with two additions.
//
// The process that started it holds an IPC channel to it, which closes when that process is gone, killed
// included. The server then stops as it does on a signal, instead of holding its port after the test run.
//
// With MOCK_IDP_LISTEN_EARLY=<ip>:<port>, it binds before the bin is read and tells the parent the port, so
// that the parent hands the tests their URLs while the server is still loading. The bin's serve command
// takes the socket over (it finds it under the symbol below). Connections made before the server is ready
// are accepted paused, left unread, and answered once it is.
import net = require('node:net');
import path = require('node:path');

process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

const runBin = () => require(path.join(__dirname, '..', 'bin', 'mock-idp.cjs'));

const early = process.env.MOCK_IDP_LISTEN_EARLY;
delete process.env.MOCK_IDP_LISTEN_EARLY;
const send = process.send?.bind(process);
if (early && send) {
  const at = early.lastIndexOf(':');
  const accepted: net.Socket[] = [];
  // noDelay as node:http sets it on the connections it accepts itself.
  const server = net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => accepted.push(socket));
  const fail = (error: Error) => send({ type: 'mock-idp:listen-error', message: error.message }, () => process.exit(1));
  server.once('error', fail);
  try {
    server.listen({ host: early.slice(0, at), port: Number(early.slice(at + 1)) }, () => {
      const { port } = server.address() as net.AddressInfo;
      (globalThis as Record<symbol, unknown>)[Symbol.for('mock-idp.listening')] = { server, accepted };
      send({ type: 'mock-idp:listening', port });
      runBin();
    });
  } catch (error) {
    // A port out of range throws at once, where a port in use comes as an 'error' event.
    fail(error as Error);
  }
} else {
  runBin();
}
