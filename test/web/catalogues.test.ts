// The catalogues are plain data; these checks catch a missing key or a broken placeholder before
// a screen shows English (or `{seconds}`) in the middle of a right-to-left page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { en } from '../../web/src/i18n/en.ts';
import { fa } from '../../web/src/i18n/fa.ts';
import { ps } from '../../web/src/i18n/ps.ts';
import { ur } from '../../web/src/i18n/ur.ts';

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
