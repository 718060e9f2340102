// The catalogues are plain data; these checks catch a missing key or a broken placeholder before
// a screen shows English (or `{seconds}`) in the middle of a right-to-left page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { en } from '../../web/src/i18n/en.ts';
import { fa } from '../../web/src/i18n/fa.ts';
import { ps } from '../../web/src/i18n/ps.ts';
import { ur } from '../../web/src/i18n/ur.ts';
import { REPORT_TEXT } from '../../src/privacy/index.ts';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

for (const catalogue of [fa, ps, ur]) {
  test(`${catalogue.lang}: every English key is translated, right-to-left`, () => {
    const missing = Object.keys(en.messages).filter((key) => !(key in catalogue.messages));
    assert.deepEqual(missing, []);
    assert.equal(catalogue.dir, 'rtl');
  });

  test(`${catalogue.lang}: each string keeps the English placeholders`, () => {
    const wrong: string[] = [];
    for (const [key, text] of Object.entries(catalogue.messages)) {
      const english = (en.messages as Record<string, string>)[key];
      assert.ok(english !== undefined, `${catalogue.lang} has a key English lacks: ${key}`);
      if (placeholders(english).join() !== placeholders(text).join()) wrong.push(key);
    }
    assert.deepEqual(wrong, []);
  });
}

// One word for "camera" per language, in the app and in the server's public transparency report,
// so that a reader never wonders whether two words mean two things. Dari: دوربین (the written
// word; کمره is the Pashto one). Pashto: کمره (plural کمرې). Urdu: کیمرہ (oblique کیمرے).
const CAMERA_WORDS = [
  { lang: 'fa', catalogue: fa, report: REPORT_TEXT.fa, word: /دوربین/, others: /کمره|کمرې|کامر|کیمر/ },
  { lang: 'ps', catalogue: ps, report: REPORT_TEXT.ps, word: /کمر[هېو]/, others: /دوربین|کامر|کیمر/ },
  { lang: 'ur', catalogue: ur, report: REPORT_TEXT.ur, word: /کیمر[ہےو]/, others: /کیمرا|دوربین|کمره|کامر/ },
] as const;

for (const { lang, catalogue, report, word, others } of CAMERA_WORDS) {
  test(`${lang}: one word for "camera" in the app and the transparency report`, () => {
    const texts = [...Object.entries(catalogue.messages), ...Object.entries(report).map(([k, v]) => [`report.${k}`, String(v)])];
    const cameraKeys = Object.entries(en.messages).filter(([, text]) => /\bcameras?\b/i.test(text)).map(([key]) => key);
    assert.ok(cameraKeys.length > 20, 'English strings that name a camera');
    const stray = texts.filter(([, text]) => others.test(text)).map(([key]) => key);
    assert.deepEqual(stray, [], `${lang} strings using another word for camera`);
    const said = cameraKeys.filter((key) => word.test((catalogue.messages as Record<string, string>)[key] ?? ''));
    assert.ok(said.length >= cameraKeys.length / 2, `${said.length} of ${cameraKeys.length} ${lang} strings for an English "camera" use the word`);
  });
}
