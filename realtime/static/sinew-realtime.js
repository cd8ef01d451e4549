// Sinew realtime client: one WebSocket (or server-sent event stream) carrying any number of
// channel subscriptions, with reconnection (exponential backoff with jitter), resubscription
// that resumes from the last event seen, and presence lists. Served by the app at
// <prefix>/client.js; defines window.SinewRealtime.
//
//   const rt = new SinewRealtime({ url: "/realtime" });        // transport: "ws" (default) or "sse"
//   const room = rt.subscribe("chat.lobby", { history: true });
//   room.on("message", (data, env) => ...);                    // an event name, or "*" for all
//   room.onPresence((members) => ...);                          // after every join and leave
//   room.publish("typing", { on: true });                       // WebSocket only; the channel's Receive handles it
//   room.unsubscribe(); rt.close();
(function (global) {
  "use strict";

  function Emitter() { this._h = {}; }
  Emitter.prototype.on = function (name, fn) {
    (this._h[name] = this._h[name] || []).push(fn);
    return this;
  };
  Emitter.prototype.off = function (name, fn) {
    var l = this._h[name] || [];
    var i = l.indexOf(fn);
    if (i >= 0) l.splice(i, 1);
    return this;
  };
  Emitter.prototype._emit = function (name, a, b) {
    var l = (this._h[name] || []).slice();
    for (var i = 0; i < l.length; i++) {
      try { l[i](a, b); } catch (e) { setTimeout(function () { throw e; }); }
    }
  };

  function Subscription(rt, channel, opts) {
    Emitter.call(this);
    this.rt = rt;
    this.channel = channel;
    this.history = !!(opts && opts.history);
    this.lastId = null; // null until subscribed: then the id to resume after ("" = from the start)
    this.presence = new Map();
    this.subscribed = false;
    this._seen = new Set(); // recent event ids: a replay after a reconnect skips what arrived
    this._order = [];
  }
  Subscription.prototype = Object.create(Emitter.prototype);
  Subscription.prototype.onPresence = function (fn) { return this.on("sinew:presence", fn); };
  Subscription.prototype.members = function () { return Array.from(this.presence.values()); };
  Subscription.prototype.publish = function (event, data) {
    return this.rt._publish(this.channel, event, data);
  };
  Subscription.prototype.unsubscribe = function () { this.rt._unsubscribe(this); };
  Subscription.prototype._deliver = function (env) {
    var ev = env.event;
    if (ev === "sinew:subscribed") {
      var d = env.data || {};
      this.subscribed = true;
      if (this.lastId === null || !d.resumed) this.lastId = d.cursor || "";
      this.presence = new Map();
      (d.presence || []).forEach(function (m) { this.presence.set(m.id, m); }, this);
      this._emit("sinew:subscribed", d, env);
      this._emit("sinew:presence", this.members(), env);
      return;
    }
    if (ev === "sinew:join") {
      this.presence.set(env.data.id, env.data);
      this._emit(ev, env.data, env);
      this._emit("sinew:presence", this.members(), env);
      return;
    }
    if (ev === "sinew:leave") {
      this.presence.delete(env.data.id);
      this._emit(ev, env.data, env);
      this._emit("sinew:presence", this.members(), env);
      return;
    }
    if (env.id) {
      if (this._seen.has(env.id)) return;
      this._seen.add(env.id);
      this._order.push(env.id);
      if (this._order.length > 1000) this._seen.delete(this._order.shift());
      this.lastId = env.id;
    }
    this._emit(ev, env.data, env);
    if (ev.indexOf("sinew:") !== 0) this._emit("*", env.data, env);
  };

  function SinewRealtime(opts) {
    Emitter.call(this);
    opts = opts || {};
    var base = (opts.url || "/realtime").replace(/\/$/, "");
    this.transport = opts.transport || (global.WebSocket ? "ws" : "sse");
    var loc = global.location;
    var abs = new URL(base, loc ? loc.href : undefined);
    this._wsURL = (abs.protocol === "https:" ? "wss:" : "ws:") + "//" + abs.host + abs.pathname + "/ws";
    this._sseURL = abs.pathname + "/events";
    this.minDelay = opts.minDelay || 500;
    this.maxDelay = opts.maxDelay || 15000;
    this.subs = new Map();
    this.state = "connecting"; // connecting, open, closed
    this._attempt = 0;
    this._ref = 0;
    this._pending = new Map();
    this._closed = false;
    this._connect();
  }
  SinewRealtime.prototype = Object.create(Emitter.prototype);

  SinewRealtime.prototype.subscribe = function (channel, opts) {
    var s = this.subs.get(channel);
    if (s) return s;
    s = new Subscription(this, channel, opts);
    this.subs.set(channel, s);
    if (this.transport === "ws") {
      if (this.state === "open") this._sendSubscribe(s);
    } else {
      this._reopenSSE();
    }
    return s;
  };

  SinewRealtime.prototype._unsubscribe = function (s) {
    if (this.subs.get(s.channel) !== s) return;
    this.subs.delete(s.channel);
    if (this.transport === "ws") {
      if (this.state === "open") this._send({ type: "unsubscribe", channel: s.channel });
    } else {
      this._reopenSSE();
    }
  };

  SinewRealtime.prototype._publish = function (channel, event, data) {
    var self = this;
    if (this.transport !== "ws") return Promise.reject(new Error("publishing needs the WebSocket transport"));
    if (this.state !== "open") return Promise.reject(new Error("not connected"));
    var ref = String(++this._ref);
    return new Promise(function (resolve, reject) {
      self._pending.set(ref, { resolve: resolve, reject: reject });
      self._send({ type: "publish", channel: channel, event: event, data: data, ref: ref });
    });
  };

  SinewRealtime.prototype._send = function (msg) {
    if (this._ws && this._ws.readyState === 1) this._ws.send(JSON.stringify(msg));
  };

  SinewRealtime.prototype._sendSubscribe = function (s) {
    var msg = { type: "subscribe", channel: s.channel };
    if (s.lastId !== null) msg.since = s.lastId;
    else if (s.history) msg.history = true;
    this._send(msg);
  };

  SinewRealtime.prototype._dispatch = function (env) {
    var ref = env.data && env.data.ref;
    if (ref && this._pending.has(ref) && (env.event === "sinew:ok" || env.event === "sinew:error")) {
      var p = this._pending.get(ref);
      this._pending.delete(ref);
      if (env.event === "sinew:ok") p.resolve(); else p.reject(new Error(env.data.error));
      return;
    }
    if (env.event === "sinew:error") this._emit("error", new Error(env.data && env.data.error), env);
    if (env.event === "sinew:goaway") return; // the server closes next; we reconnect
    var s = this.subs.get(env.channel);
    if (s) s._deliver(env);
  };

  SinewRealtime.prototype._connect = function () {
    if (this._closed) return;
    this.state = "connecting";
    if (this.transport === "ws") this._connectWS(); else this._connectSSE();
  };

  SinewRealtime.prototype._opened = function () {
    this._attempt = 0;
    this.state = "open";
    this._emit("open");
  };

  SinewRealtime.prototype._lost = function (info) {
    this.state = "connecting";
    this.subs.forEach(function (s) { s.subscribed = false; });
    this._pending.forEach(function (p) { p.reject(new Error("connection lost")); });
    this._pending.clear();
    this._emit("close", info);
    if (this._closed) return;
    var delay = Math.min(this.maxDelay, this.minDelay * Math.pow(2, this._attempt++));
    delay = delay / 2 + Math.random() * delay / 2;
    var self = this;
    this._timer = setTimeout(function () { self._connect(); }, delay);
  };

  SinewRealtime.prototype._connectWS = function () {
    var self = this;
    var ws;
    try { ws = new WebSocket(this._wsURL); } catch (e) { this._lost({ error: e }); return; }
    this._ws = ws;
    ws.onopen = function () {
      self._opened();
      self.subs.forEach(function (s) { self._sendSubscribe(s); });
    };
    ws.onmessage = function (e) {
      var env;
      try { env = JSON.parse(e.data); } catch (err) { return; }
      self._dispatch(env);
    };
    ws.onclose = function (e) {
      if (self._ws !== ws) return;
      self._ws = null;
      self._lost({ code: e.code, reason: e.reason });
    };
  };

  SinewRealtime.prototype._sseQuery = function () {
    var q = new URLSearchParams();
    var cursor = new URLSearchParams();
    var history = false;
    this.subs.forEach(function (s) {
      q.append("channel", s.channel);
      if (s.lastId !== null) cursor.append(s.channel, s.lastId);
      else if (s.history) history = true;
    });
    if (history) q.set("history", "1");
    var c = cursor.toString();
    if (c) q.set("lastEventId", c);
    return q.toString();
  };

  // _reopenSSE reconnects the event stream with the new channel list; subscriptions made in
  // the same task share one reconnection.
  SinewRealtime.prototype._reopenSSE = function () {
    var self = this;
    if (this._closed || this._reopening) return;
    this._reopening = true;
    setTimeout(function () {
      self._reopening = false;
      if (self._closed) return;
      if (self._es) { self._es.close(); self._es = null; }
      clearTimeout(self._timer);
      self._connect();
    }, 0);
  };

  SinewRealtime.prototype._connectSSE = function () {
    var self = this;
    if (this.subs.size === 0) { this.state = "open"; return; }
    var es = new EventSource(this._sseURL + "?" + this._sseQuery(), { withCredentials: true });
    this._es = es;
    es.onopen = function () { self._opened(); };
    es.onmessage = function (e) {
      var env;
      try { env = JSON.parse(e.data); } catch (err) { return; }
      self._dispatch(env);
    };
    es.onerror = function () {
      // Reconnect ourselves, with backoff and the cursor of every channel.
      if (self._es !== es) return;
      es.close();
      self._es = null;
      self._lost({});
    };
  };

  SinewRealtime.prototype.close = function () {
    this._closed = true;
    this.state = "closed";
    clearTimeout(this._timer);
    if (this._ws) { var ws = this._ws; this._ws = null; ws.close(1000); }
    if (this._es) { this._es.close(); this._es = null; }
  };

  global.SinewRealtime = SinewRealtime;
})(typeof window !== "undefined" ? window : globalThis);
