// The SFU media's state in the top bar, a polite status region (always in the page, so changes are announced; empty
// when media flows): "Reconnecting…" while my media restarts or retries, the unavailable notice while no SFU is
// reachable. Presence, chat and captions go on meanwhile.

const TEXT = {
  reconnecting: 'Reconnecting…',
  unavailable: 'Audio and video are unavailable right now (media server unreachable). Retrying…',
};

/** Shows `state` (SfuMedia's: connecting, connected, reconnecting, unavailable, idle) in the region `el`. */
export function renderMediaStatus(el, state) {
  const text = TEXT[state] || '';
  if (el.textContent !== text) el.textContent = text;
}
