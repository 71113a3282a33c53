package app

import (
	"strings"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"
)

// workerPWA replaces the caching half of go-app's service worker; go-app's
// push half (showing pushed notifications, opening their path on click) is
// kept as it is. It differs from go-app's in two ways:
//
//   - install and activate hold the worker until the files are cached and
//     old caches are gone (event.waitUntil), so "ready" means the app
//     opens offline;
//   - a page the network cannot bring is answered with the cached shell
//     ("/"): every screen is the same page, and the app routes by the
//     address, so /c/42 or /meetings open offline too;
//   - API requests (and every other method than GET) are left alone: the
//     app keeps its own copy of the data (offline.go).
const workerPWA = `// -----------------------------------------------------------------------------
// PWA (Frontdesk: go-app's, waiting for the cache, with an offline shell)
// -----------------------------------------------------------------------------
const cacheName = "app-" + "{{.Version}}";
const resourcesToCache = {{.ResourcesToCache}};

self.addEventListener("install", (event) => {
  console.log("installing app worker {{.Version}}");
  event.waitUntil((async () => {
    const cache = await caches.open(cacheName);
    await cache.addAll(resourcesToCache);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keys = await caches.keys();
    await Promise.all(keys.filter((key) => key !== cacheName).map((key) => caches.delete(key)));
    await self.clients.claim();
    console.log("app worker {{.Version}} is activated");
  })());
});

self.addEventListener("fetch", (event) => {
  // The API is the app's to cache (offline.go): its requests go to the
  // network untouched.
  if (event.request.method !== "GET" || new URL(event.request.url).pathname.startsWith("/api/")) {
    return;
  }
  event.respondWith(fetchWithCache(event.request));
});

async function fetchWithCache(request) {
  const cachedResponse = await caches.match(request);
  if (cachedResponse) {
    return cachedResponse;
  }
  try {
    return await fetch(request);
  } catch (err) {
    if (request.mode === "navigate") {
      const shell = await caches.match("/");
      if (shell) {
        return shell;
      }
    }
    throw err;
  }
}

`

// workerPushMarker starts go-app's push half in its worker template.
const workerPushMarker = "// -----------------------------------------------------------------------------\n// Push Notifications"

// serviceWorkerTemplate is the app's service worker: workerPWA, then
// go-app's push half. ok is false when go-app's template no longer has the
// expected shape (an upgrade); the caller then keeps go-app's own.
func serviceWorkerTemplate() (tmpl string, ok bool) {
	i := strings.Index(goapp.DefaultAppWorkerJS, workerPushMarker)
	if i < 0 {
		return "", false
	}
	return workerPWA + goapp.DefaultAppWorkerJS[i:], true
}
