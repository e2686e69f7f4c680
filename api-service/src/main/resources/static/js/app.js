// Entry point: the home page at /, the lobby of a call at /r/{roomId}, and the call itself.

import { ApiError, roomIdFromLocation, roomUrl } from './api.js';
import { $, toast } from './dom.js';
import { HomeView } from './home.js';
import { loadLanguages } from './languages.js';
import { LocalMedia } from './media.js';
import { clearSession, loadPrefs, loadSession, saveSession } from './prefs.js';
import { RoomView } from './room.js';

function show(viewId) {
  for (const id of ['view-home', 'view-room', 'view-ended']) $(id).hidden = id !== viewId;
  document.body.dataset.view = viewId;
}

/** Enters a call with a join answer (fresh, or kept by this tab for a reload). */
async function enterRoom(roomId, session, media, { rejoined = false } = {}) {
  show('view-room');
  if (!roomIdFromLocation() || roomIdFromLocation() !== roomId) {
    history.pushState({ roomId }, '', roomUrl(roomId));
  }
  const languages = await loadLanguages().catch(() => null);
  const room = new RoomView({
    roomId,
    session,
    media,
    languages,
    prefs: loadPrefs(),
    onSession: (next) => saveSession(roomId, next),
    onEnded: (reason) => {
      clearSession(roomId);
      showEnded(roomId, reason);
    },
  });
  await room.start();
  if (rejoined) toast('Rejoined the call');
}

function showEnded(roomId, reason) {
  show('view-ended');
  const texts = {
    left: ['You left the call', 'Thanks for talking.'],
    gone: ['This call has ended', 'The call no longer exists.'],
    removed: ['You are no longer in this call', 'You were away for too long or were removed.'],
    replaced: ['You joined from somewhere else', 'This call continues in your other tab or device.'],
  };
  const [title, text] = texts[reason] || texts.left;
  $('ended-title').textContent = title;
  $('ended-text').textContent = text;
  const rejoin = $('ended-rejoin');
  rejoin.hidden = reason === 'gone';
  rejoin.href = roomUrl(roomId);
  document.title = `${title} · Babelcall`;
  $('ended-title').focus?.();
  window.__babelcall = Object.freeze({ view: 'ended', reason });
}

async function main() {
  const roomId = roomIdFromLocation();
  const prefs = loadPrefs();
  const media = new LocalMedia({ voiceProcessing: prefs.voiceProcessing });

  // A reload of a call page: rejoin with the same identity (the server keeps it during its reconnect grace).
  const kept = roomId && loadSession(roomId);
  if (kept) {
    try {
      await startDevices(media, prefs);
      await enterRoom(roomId, kept, media, { rejoined: true });
      return;
    } catch (e) {
      console.warn('could not rejoin with the kept session', e);
      clearSession(roomId);
      media.stopAll();
    }
  }

  show('view-home');
  const home = new HomeView({
    roomId,
    media,
    onJoin: async ({ roomId: id, session }) => {
      saveSession(id, session);
      home.destroy();
      await enterRoom(id, session, media);
    },
  });
  await home.start();
}

async function startDevices(media, prefs) {
  if (prefs.camOn) await media.startCam().catch(() => {});
  if (prefs.micOn) await media.startMic().catch(() => {});
}

window.addEventListener('popstate', () => window.location.reload());

main().catch((e) => {
  console.error(e);
  toast(e instanceof ApiError ? e.message : 'Something went wrong. Reload the page to try again.', 8000);
});
