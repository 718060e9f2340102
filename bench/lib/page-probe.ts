// Runs inside the browser page (given to addInitScript as source text: the repo's type check has
// no DOM library, and the page needs nothing from Node). It records when each live fMP4 fragment
// arrives (wall-clock ms, with the fragment's tfdt decode time) and, once asked for a <video>,
// when each of its frames is put on screen (requestVideoFrameCallback).

export interface PageArrival { url: string; tfdt: number; atMs: number }
export interface PageShown { mediaTime: number; expectedDisplayMs: number; presentedMs: number; presentedFrames: number }

export const PAGE_PROBE_JS = String.raw`(() => {
  const epochNow = () => performance.timeOrigin + performance.now();
  // The base media decode time of the moof's first traf, or -1.
  const tfdtOf = (buf) => {
    const b = new Uint8Array(buf);
    const dv = new DataView(buf);
    const end = Math.min(b.length - 16, 512);
    for (let i = 4; i < end; i++) {
      if (b[i] === 0x74 && b[i + 1] === 0x66 && b[i + 2] === 0x64 && b[i + 3] === 0x74) {
        return b[i + 4] === 1 ? dv.getUint32(i + 8) * 2 ** 32 + dv.getUint32(i + 12) : dv.getUint32(i + 8);
      }
    }
    return -1;
  };
  window.__vigilArrivals = [];
  window.__vigilShown = [];
  const Native = window.WebSocket;
  class ProbedWebSocket extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      const u = String(url);
      if (!u.includes('/live')) return;
      // Registered before the app sets onmessage; both run in the same task, at the same instant.
      this.addEventListener('message', (e) => {
        if (!(e.data instanceof ArrayBuffer)) return;
        const tfdt = tfdtOf(e.data);
        if (tfdt >= 0) window.__vigilArrivals.push({ url: u, tfdt, atMs: epochNow() });
      });
    }
  }
  window.WebSocket = ProbedWebSocket;
  window.__vigilWatchVideo = (selector) => {
    const v = document.querySelector(selector);
    if (!v || !('requestVideoFrameCallback' in v)) return false;
    const onFrame = (_now, md) => {
      window.__vigilShown.push({
        mediaTime: md.mediaTime,
        expectedDisplayMs: performance.timeOrigin + md.expectedDisplayTime,
        presentedMs: performance.timeOrigin + md.presentationTime,
        presentedFrames: md.presentedFrames,
      });
      v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
    return true;
  };
})();`;
