// Choices remembered across visits (localStorage) and the current call's session (sessionStorage, per tab, so a
// reload rejoins with the same identity while the server's reconnect grace lasts).

const PREFS_KEY = 'babelcall.prefs.v1';
const SESSION_PREFIX = 'babelcall.session.v1.';

const DEFAULTS = {
  displayName: '',
  spokenLanguage: '',
  captionLanguage: '',
  dubbing: false,
  voiceProcessing: true,
  captionMode: 'both',
  dubVolume: 1,
  micOn: true,
  camOn: true,
};

function read(storage, key) {
  try {
    const raw = storage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function write(storage, key, value) {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    /* private mode or full: preferences are optional */
  }
}

export function loadPrefs() {
  return { ...DEFAULTS, ...(read(localStorage, PREFS_KEY) || {}) };
}

export function savePrefs(patch) {
  const next = { ...loadPrefs(), ...patch };
  write(localStorage, PREFS_KEY, next);
  return next;
}

/** The join answer of this tab for a room, if it has not expired. */
export function loadSession(roomId) {
  const s = read(sessionStorage, SESSION_PREFIX + roomId);
  if (!s || !s.token) return null;
  if (s.expiresAt && Date.parse(s.expiresAt) < Date.now() + 60_000) return null;
  return s;
}

export function saveSession(roomId, session) {
  write(sessionStorage, SESSION_PREFIX + roomId, session);
}

export function clearSession(roomId) {
  try {
    sessionStorage.removeItem(SESSION_PREFIX + roomId);
  } catch {
    /* ignore */
  }
}
