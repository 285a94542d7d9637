// uPlot formats numbers with `new Intl.NumberFormat(navigator.language)` as it loads. Under a C
// or POSIX locale (LANG unset, as for many services and desktop sessions) WebKit reports the
// language as `C`, which Intl refuses, and the whole page would stop. Imported before uPlot,
// this gives such a browser a tag Intl takes; a valid language is left as it is.

function isValidTag(tag: string): boolean {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

if (typeof navigator !== 'undefined' && !isValidTag(navigator.language)) {
  Object.defineProperty(navigator, 'language', { value: 'en-US', configurable: true });
}

export {};
