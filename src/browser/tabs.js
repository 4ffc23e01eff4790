// The cross-tab lock's JavaScript half (src/browser/tabs.rs): asks the Web
// Locks API for `name` and resolves, once it is granted, to the function
// that releases it `delayMs` later. Resolves to null where there are no Web
// Locks (or the request fails): the caller then goes on unlocked.
export function lock(name, delayMs) {
  return new Promise((granted) => {
    const locks = globalThis.navigator?.locks;
    if (!locks) return granted(null);
    // The lock is held until the promise the callback returns settles.
    locks
      .request(name, () => new Promise((release) => granted(() => setTimeout(release, delayMs))))
      .catch(() => granted(null));
  });
}
