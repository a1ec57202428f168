/**
 * A host name (without port or IPv6 brackets, lowercased) that names this machine: `localhost` and its subdomains,
 * `::1` and 127.0.0.0/8. The admin API answers only such hosts, and a browser sends Fetch Metadata to them over http.
 */
export function isLoopbackName(name: string): boolean {
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}
