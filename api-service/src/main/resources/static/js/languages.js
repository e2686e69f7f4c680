// The languages the server's engines support, from GET /api/v1/languages, and their display names.
// The page hardcodes no language list: everything offered comes from the engines' capabilities.

import { api } from './api.js';

const englishNames = safeDisplayNames('en');

function safeDisplayNames(locale) {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' });
  } catch {
    return null;
  }
}

const codeOf = (entry) =>
  typeof entry === 'string' ? entry : entry?.code || entry?.language || entry?.value || entry?.tag;
const primaryOf = (code) => String(code).split('-')[0].toLowerCase();

/** "Spanish" for "es"; the code itself when the browser has no name for it. */
export function languageName(code) {
  if (!code) return '';
  try {
    return englishNames?.of(code) || code;
  } catch {
    return code;
  }
}

/** "español" for "es". */
export function nativeName(code) {
  try {
    return safeDisplayNames(code)?.of(code) || '';
  } catch {
    return '';
  }
}

/** "Spanish · español" (just "English" when both are the same). */
export function languageLabel(code) {
  const en = languageName(code);
  const native = nativeName(code);
  return native && native.toLowerCase() !== en.toLowerCase() ? `${en} · ${native}` : en;
}

/** Short tag for chips: "EN", "PT-BR". */
export const shortTag = (code) => String(code || '').toUpperCase();

/**
 * Normalises the api's answer (docs/api.md):
 *   {spoken: [{code, name, captions: [code]}], captions: [{code, name, from: [code], dubbing}], dubbing: [{code, name}]}
 * `spoken` lists only what the recogniser understands; people may still speak other languages (they are then not
 * captioned), so every language the engines know is offered as a spoken language, marked when it cannot be captioned.
 * The orchestrator's raw capabilities shape ({recognition, translation: [{source, target}], synthesis}) is accepted too.
 */
export function normaliseLanguages(raw) {
  const r = raw || {};
  const spoken = new Set();
  const dubbing = new Set();
  const targets = new Map(); // spoken code -> Set of caption codes reachable from it
  const captions = new Set();
  const all = new Set();
  const addTarget = (source, target) => {
    if (!source || !target) return;
    if (!targets.has(source)) targets.set(source, new Set());
    targets.get(source).add(target);
    all.add(source);
    all.add(target);
  };

  for (const entry of r.spoken || r.recognition || []) {
    const code = codeOf(entry);
    if (!code) continue;
    spoken.add(code);
    all.add(code);
    captions.add(code);
    for (const t of (entry && entry.captions) || []) {
      const tc = codeOf(t);
      addTarget(code, tc);
      captions.add(tc);
    }
  }
  for (const entry of r.captions || []) {
    const code = codeOf(entry);
    if (!code) continue;
    captions.add(code);
    all.add(code);
    for (const s of (entry && entry.from) || []) addTarget(codeOf(s), code);
    if (entry && entry.dubbing === true) dubbing.add(code);
  }
  for (const entry of r.dubbing || r.synthesis || []) {
    const code = codeOf(entry);
    if (code) dubbing.add(code);
  }
  for (const pair of r.translation || []) {
    const s = codeOf(pair?.source);
    const t = codeOf(pair?.target);
    addTarget(s, t);
    if (t) captions.add(t);
  }

  const byName = (a, b) => languageName(a).localeCompare(languageName(b));
  const spokenList = [...spoken].sort(byName);
  const others = [...all].filter((c) => !spoken.has(c)).sort(byName);
  return {
    stale: r.stale === true,
    spoken: spokenList,
    speakable: [...spokenList, ...others], // recognised first
    caption: [...captions].sort(byName),
    dubbing,
    targets,
    isRecognised: (code) => spokenList.some((s) => primaryOf(s) === primaryOf(code)),
    canDub: (code) => [...dubbing].some((d) => primaryOf(d) === primaryOf(code)),
    canTranslate: (source, target) => {
      if (primaryOf(source) === primaryOf(target)) return true;
      for (const [s, set] of targets) {
        if (primaryOf(s) !== primaryOf(source)) continue;
        for (const t of set) if (primaryOf(t) === primaryOf(target)) return true;
      }
      return false;
    },
  };
}

let cached;
export function loadLanguages() {
  if (!cached) {
    cached = api
      .languages()
      .then(normaliseLanguages)
      .catch((e) => {
        cached = undefined;
        throw e;
      });
  }
  return cached;
}

/** Fills a <select> with languages, keeping the wanted value when it is offered. */
export function fillLanguageSelect(select, codes, wanted, describe = () => '') {
  select.replaceChildren();
  for (const code of codes) {
    const extra = describe(code);
    const option = document.createElement('option');
    option.value = code;
    option.textContent = extra ? `${languageLabel(code)} (${extra})` : languageLabel(code);
    select.append(option);
  }
  const match = codes.find((c) => c === wanted) || codes.find((c) => primaryOf(c) === primaryOf(wanted || ''));
  if (match) select.value = match;
}

/** The browser's preferred language among the offered ones, or the first. */
export function preferredAmong(codes, fallback) {
  const wanted = (navigator.languages || [navigator.language]).filter(Boolean);
  for (const w of wanted) {
    const hit = codes.find((c) => primaryOf(c) === primaryOf(w));
    if (hit) return hit;
  }
  return codes.includes(fallback) ? fallback : codes[0];
}
