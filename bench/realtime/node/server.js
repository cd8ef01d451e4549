// The Node.js peer of the realtime benchmark: the same protocol as Sinew's hub (JSON
// subscribe command, JSON envelope {channel, event, data, id}), on the ws package.
"use strict";
const http = require("http");
const { WebSocketServer } = require("ws");

const subscribers = new Set();
let seq = 0;

const server = http.createServer((req, res) => {
  if (req.method === "POST" && req.url === "/broadcast") {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const data = Buffer.concat(chunks).toString();
      const frame = JSON.stringify({ channel: "bench", event: "tick", data: JSON.parse(data), id: "n-" + (++seq) });
      for (const ws of subscribers) {
        // Like the hub's bounded queue: a client too far behind is disconnected.
        if (ws.bufferedAmount > 1 << 20) ws.terminate();
        else ws.send(frame);
      }
      res.writeHead(204);
      res.end();
    });
    return;
  }
  res.writeHead(404);
  res.end();
});

const wss = new WebSocketServer({ server, path: "/ws", maxPayload: 64 << 10 });
wss.on("connection", (ws) => {
  ws.on("message", (raw) => {
    let cmd;
    try { cmd = JSON.parse(raw); } catch (e) { return; }
    if (cmd.type === "subscribe" && cmd.channel === "bench") {
      subscribers.add(ws);
      ws.send(JSON.stringify({ channel: "bench", event: "sinew:subscribed", data: { cursor: "" } }));
    }
  });
  ws.on("close", () => subscribers.delete(ws));
  ws.on("error", () => {});
});

server.listen(0, "127.0.0.1", () => {
  console.log("listening 127.0.0.1:" + server.address().port);
});
process.on("SIGTERM", () => process.exit(0));
