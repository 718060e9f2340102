// A language's strings plus what the document needs to lay it out (lang, writing direction).
export type TextDirection = 'ltr' | 'rtl';

export interface Catalogue {
  /** BCP 47 tag, also used for Intl formatting and <html lang>. */
  lang: string;
  dir: TextDirection;
  /** The language's own name, shown in the language picker. */
  name: string;
  /** Strings with `{param}` placeholders. A catalogue other than English may omit keys. */
  messages: Record<string, string>;
}
