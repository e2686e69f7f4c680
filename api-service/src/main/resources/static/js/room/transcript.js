// Downloads the call's transcript (JSON, WebVTT, SRT) in my caption language from the orchestrator.

import { el, toast } from '../dom.js';
import { joinUrl } from '../dubbing.js';

/** @param {{orchestratorUrl: string, roomId: string, token: string, lang: string, format: string}} what */
export async function downloadTranscript({ orchestratorUrl, roomId, token, lang, format }) {
  const url = new URL(joinUrl(orchestratorUrl, `/api/v1/rooms/${encodeURIComponent(roomId)}/transcript`));
  url.searchParams.set('format', format);
  url.searchParams.set('lang', lang);
  let response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, credentials: 'omit' });
  } catch {
    // A proxy that drops the Authorization header from CORS preflights: the token also works as a parameter.
    url.searchParams.set('access_token', token);
    try {
      response = await fetch(url, { credentials: 'omit' });
    } catch {
      response = null;
    }
  }
  if (!response || !response.ok) {
    toast(
      response?.status === 404
        ? 'No transcript yet: nobody has been captioned.'
        : 'The transcript could not be downloaded.',
    );
    return;
  }
  const blob = await response.blob();
  const a = el('a', { href: URL.createObjectURL(blob), download: `babelcall-${roomId.slice(0, 8)}-${lang}.${format}` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
