// The service worker: keeps the app shell so the app opens with no network at all.
// The server fills in the shell's file list and a hash of their bytes when it serves this file,
// so any change to the shell makes a new worker, which caches the new files before it takes
// over; the old cache is dropped when it activates. The API is never cached here: the replica
// lives in IndexedDB, and a request that needs the network should fail, not answer stale.

const VERSION = "__SHELL_VERSION__";
const FILES = __SHELL_FILES__;
const CACHE = `fieldsync-shell-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(FILES.map((file) => new Request(file, { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("fieldsync-shell-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin) return;
  if (!url.pathname.startsWith(new URL("./", location.href).pathname)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // The shell is one page: "/app/" and "/app/index.html" (with any #route) are the same.
    const key = url.pathname.endsWith("/") ? new URL("index.html", url).href : url.href;
    const cached = await cache.match(key, { ignoreSearch: true });
    return cached || fetch(event.request);
  })());
});
