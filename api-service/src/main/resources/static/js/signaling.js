// The signaling WebSocket: presence, WebRTC relay, chat and caption delivery. Reconnects by itself with the same
// token, so the server keeps my identity while its reconnect grace lasts; messages sent meanwhile are queued.

const PING_EVERY_MS = 4_000;
const DEAD_AFTER_MS = 12_000; // no message at all (not even a pong) for this long: the socket is dead
const MAX_QUEUE = 500;
// Close codes after which reconnecting with the same token is pointless (docs/signaling.md).
export const CLOSE_REPLACED = 4002; // the same participant connected again elsewhere (another tab)
export const CLOSE_REMOVED = 4003; // no longer listed in the room (grace expired, removed, or room gone)

export class SignalingClient extends EventTarget {
  /** @param {{url: string, token: () => string}} options */
  constructor({ url, token }) {
    super();
    this.url = url;
    this.token = token;
    this.ws = null;
    this.state = 'idle'; // idle | connecting | open | reconnecting | closed
    this.queue = [];
    this.attempt = 0;
    this.lostAt = null;
    this.lastMessageAt = 0;
    this.timers = { retry: null, ping: null };
    this.closedByUser = false;
    this.onOnline = () => {
      if (this.state === 'reconnecting') this.retryNow();
    };
    // The browser knows the network is gone before any heartbeat can tell: say so and start over at once.
    this.onOffline = () => {
      if (this.ws) this.dropSocket(4000, 'browser offline');
    };
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
  }

  connect() {
    this.closedByUser = false;
    clearTimeout(this.timers.retry);
    // The token travels as the WebSocket subprotocol pair "bearer, <token>" (the server answers "bearer"), not in
    // the URL, so it stays out of proxy access logs and browser error messages.
    const ws = new WebSocket(this.url, ['bearer', this.token()]);
    this.ws = ws;
    this.setState(this.lostAt ? 'reconnecting' : 'connecting');
    ws.onopen = () => {
      this.lastMessageAt = Date.now();
      this.startHeartbeat();
    };
    ws.onmessage = (e) => {
      this.lastMessageAt = Date.now();
      if (typeof e.data !== 'string') return;
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return;
      }
      if (!msg || typeof msg.type !== 'string') return;
      if (msg.type === 'welcome') {
        // The session is established only once the server has welcomed us.
        const outage = this.lostAt ? Date.now() - this.lostAt : 0;
        this.attempt = 0;
        this.lostAt = null;
        this.setState('open');
        this.dispatchEvent(new CustomEvent('message', { detail: msg }));
        if (outage) this.dispatchEvent(new CustomEvent('restored', { detail: { outageMs: outage } }));
        for (const queued of this.queue.splice(0)) this.rawSend(queued);
        return;
      }
      this.dispatchEvent(new CustomEvent('message', { detail: msg }));
    };
    ws.onclose = (e) => this.onSocketGone(ws, e.code, e.reason);
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  onSocketGone(ws, code, reason) {
    if (this.ws !== ws) return;
    this.ws = null;
    this.stopHeartbeat();
    if (this.closedByUser) {
      this.setState('closed');
      return;
    }
    if (code === CLOSE_REPLACED || code === CLOSE_REMOVED) {
      this.closedByUser = true;
      this.setState('closed');
      this.dispatchEvent(new CustomEvent('terminated', { detail: { code, reason } }));
      return;
    }
    if (!this.lostAt) {
      this.lostAt = Date.now();
      this.dispatchEvent(new CustomEvent('lost', { detail: { code, reason } }));
    }
    this.setState('reconnecting');
    // 1012 (service restart): another replica is ready, come back at once. Otherwise back off, with jitter.
    const delay =
      code === 1012 && this.attempt === 0
        ? 100
        : Math.min(8000, 250 * 2 ** Math.min(this.attempt, 5)) * (0.8 + Math.random() * 0.4);
    this.attempt += 1;
    this.dispatchEvent(new CustomEvent('retrying', { detail: { attempt: this.attempt, delay, code } }));
    this.timers.retry = setTimeout(() => this.connect(), delay);
  }

  dropSocket(code, reason) {
    const ws = this.ws;
    if (!ws) return;
    try {
      ws.close(code, reason);
    } catch {
      /* ignore */
    }
    this.onSocketGone(ws, code, reason);
  }

  retryNow() {
    clearTimeout(this.timers.retry);
    if (!this.ws) this.connect();
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.timers.ping = setInterval(() => {
      if (!this.ws) return;
      if (Date.now() - this.lastMessageAt > DEAD_AFTER_MS) {
        // A half-open TCP connection never fires onclose in time: treat it as gone.
        this.dropSocket(4000, 'heartbeat timeout');
        return;
      }
      this.rawSend({ type: 'ping', ts: Date.now() });
    }, PING_EVERY_MS);
  }

  stopHeartbeat() {
    clearInterval(this.timers.ping);
    this.timers.ping = null;
  }

  /** Sends now, or after the reconnect when the socket is down (bounded queue). */
  send(msg) {
    if (this.state === 'open' && this.ws?.readyState === WebSocket.OPEN) {
      this.rawSend(msg);
    } else if (!this.closedByUser) {
      this.queue.push(msg);
      if (this.queue.length > MAX_QUEUE) this.queue.shift();
    }
  }

  rawSend(msg) {
    try {
      this.ws?.send(JSON.stringify(msg));
    } catch {
      /* the close handler takes over */
    }
  }

  /** Leaves for good: a `leave` message (no reconnect grace), then close. */
  leave() {
    this.stop({ sendLeave: true });
  }

  /** Closes without telling the room I left (the server's reconnect grace applies). */
  stop({ sendLeave = false } = {}) {
    this.closedByUser = true;
    clearTimeout(this.timers.retry);
    this.stopHeartbeat();
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      if (sendLeave && ws.readyState === WebSocket.OPEN) this.rawSendOn(ws, { type: 'leave' });
      try {
        ws.close(1000, sendLeave ? 'leave' : 'closed');
      } catch {
        /* ignore */
      }
    }
    this.setState('closed');
  }

  rawSendOn(ws, msg) {
    try {
      ws.send(JSON.stringify(msg));
    } catch {
      /* ignore */
    }
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }
}
