// The demo's own store for the `storage` option (storage=custom): the session kept in an
// IndexedDB object store, every method answering with a promise, as an app's store would. The
// SDK asks for strings under its own keys; this file knows nothing about tokens.

const DB_NAME = "wasm-oauth-demo-store";
const STORE = "entries";

/** Opens (and on first use creates) the database. */
function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Runs `act(objectStore)` in one transaction and resolves with its request's result. */
async function run(mode, act) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = act(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** A `{ get, set, remove, keys }` store over IndexedDB. */
export function idbStore() {
  return {
    get: (key) => run("readonly", (store) => store.get(key)),
    set: (key, value) => run("readwrite", (store) => store.put(value, key)).then(() => undefined),
    remove: (key) => run("readwrite", (store) => store.delete(key)).then(() => undefined),
    keys: () => run("readonly", (store) => store.getAllKeys()),
  };
}
