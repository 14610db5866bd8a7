import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP proxy in front of a service that remembers the headers of every request it forwards and counts connections. */
export async function startRecordingProxy(target: string) {
  const seen: http.IncomingHttpHeaders[] = [];
  const targetUrl = new URL(target);
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    const upstream = http.request(
      { host: targetUrl.hostname, port: targetUrl.port, path: targetUrl.pathname, method: req.method, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${targetUrl.pathname}`,
    requests: seen,
    /** TCP connections opened to the proxy so far: keep-alive keeps this low. */
    get connections() {
      return connections;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
