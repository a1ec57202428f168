/**
 * The URL a spawned `mock-idp serve` listens on, read from its banner. Bench scripts run it with
 * MOCK_IDP_LOG_FORMAT=json, so the banner is one JSON line; the text banner works too.
 * @param {import('node:child_process').ChildProcessWithoutNullStreams
 *   | import('node:child_process').ChildProcess} child
 * @param {() => string} stderr what the child wrote to stderr so far, for the error
 * @returns {Promise<string>}
 */
export function bannerUrl(child, stderr) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      for (const line of out.split('\n').slice(0, -1)) {
        if (line.startsWith('{') && line.includes('"msg":"mock-idp listening on')) return resolve(JSON.parse(line).url);
        const text = /^mock-idp listening on (\S+)$/.exec(line);
        if (text) return resolve(text[1]);
      }
    });
    child.on('exit', () => reject(new Error(`mock-idp exited before its banner\n${stderr()}`)));
  });
}
