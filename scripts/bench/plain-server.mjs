// A node:http server that does nothing but answer every request with fixed
// bytes the size of a bulk evaluation answer, with the same headers: the floor
// bench:flags measures beside Rampart in the same run, with the same load
// generator, so that its figures can be read against what this machine's
// node:http can do at that hour. Usage: node plain-server.mjs <port>
import { createServer } from "node:http";

const body = Buffer.alloc(Number(process.env.BODY_BYTES ?? 1300), "x");
const headers = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "ETag, Retry-After",
  "content-type": "application/json",
  "cache-control": "private, no-cache",
  etag: '"0123456789abcdefghijkl"',
  "content-length": String(body.length),
};
createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, headers);
    res.end(body);
  });
}).listen(Number(process.argv[2]), "127.0.0.1", () => process.send?.("listening"));
