/* Frontdesk chat widget loader. The site owner pastes:
 *   <script src="{BASE}/widget.js" data-frontdesk-widget="{KEY}" async></script>
 * It draws the launcher button and does nothing else until the visitor
 * reaches for it: the chat runs in an iframe from the Frontdesk origin,
 * created when the pointer enters or touches the launcher or it gets
 * keyboard focus (intent), and shown when it is clicked. Until then the
 * host page has loaded this file and nothing more. Exceptions: a visitor
 * whose conversation is open (the frame said so last time) gets the frame
 * at once, so replies and the unread badge arrive live; and
 * data-frontdesk-prefetch="idle" prefetches it when the page is idle.
 * Any element with data-frontdesk-open (a "Chat with us" link, for a site
 * that hides the bubble) loads on intent and opens the chat too.
 * It needs no inline style or markup (a constructed style sheet, DOM
 * calls), so a strict host CSP only has to allow this origin in script-src
 * and frame-src. The frame and the loader talk through postMessage: the
 * frame says "ready" and the loader answers "hello"; after that each side
 * only accepts messages from the other's window and origin. Everything
 * lives under #fd-widget with fd- prefixed ids, so host CSS and tests can
 * find #fd-launcher, and our CSS touches nothing else.
 * The server strips these comments and the indentation before serving. */
(function () {
  "use strict";
  var d = document, w = window;
  var script = d.currentScript || d.querySelector("script[data-frontdesk-widget]");
  if (!script || w.__frontdeskWidget) return;
  w.__frontdeskWidget = 1;
  var attr = function (name) { return script.getAttribute("data-frontdesk-" + name) || ""; };
  var key = attr("widget");
  // The launcher's words in each language (the server fills them in), and
  // the visitor's: the site owner's data-frontdesk-lang, else the first of
  // the browser's languages we speak, else English. The frame is asked
  // for the same language.
  var TEXT = /*FD_TEXT*/{};
  var lang = pick([attr("lang")].concat(navigator.languages || [navigator.language || ""]));
  var T = TEXT[lang] || TEXT.en || {};
  var origin = new URL(script.src, location.href).origin;
  var store = "frontdesk:" + key;
  var root, button, badge, frame, opener, isOpen = false, ready = false;
  var unread = 0, title = "", flashing = 0, sent = "", watching = 0;
  // Where this visit began and came from, kept for the tab's session so
  // agents see them on every later page.
  var visit = {};
  try {
    visit = JSON.parse(sessionStorage.getItem("frontdesk:visit")) || {};
    if (!visit.start) sessionStorage.setItem("frontdesk:visit", JSON.stringify(visit = { start: location.href, referrer: d.referrer }));
  } catch (e) {}

  // The brand colour and name of the last visit, so the launcher is painted
  // right at once (the frame sends the current ones), and whether the
  // visitor has an open conversation (chat).
  var saved = {};
  try { saved = JSON.parse(localStorage.getItem(store)) || {}; } catch (e) {}

  var css =
    "#fd-widget{all:initial}" +
    "#fd-widget *{box-sizing:border-box}" +
    "#fd-launcher{all:initial;position:fixed;right:20px;bottom:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;" +
    "background:var(--fd-brand,#2563eb);color:var(--fd-on,#fff);display:grid;place-items:center;cursor:pointer;" +
    "box-shadow:0 4px 14px rgba(0,0,0,.25);border:1px solid rgba(0,0,0,.15);transition:transform .15s}" +
    "#fd-launcher:hover{transform:scale(1.06)}" +
    "#fd-launcher:focus-visible{outline:3px solid #111;outline-offset:3px;box-shadow:0 0 0 6px #fff}" +
    "#fd-launcher svg{width:28px;height:28px;fill:currentColor;pointer-events:none}" +
    "#fd-launcher .fd-x{display:none}" +
    "#fd-widget.fd-open #fd-launcher .fd-x{display:block}#fd-widget.fd-open #fd-launcher .fd-chat{display:none}" +
    "#fd-badge{all:initial;position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;" +
    "background:#b91c1c;color:#fff;font:700 12px/22px system-ui,sans-serif;text-align:center;box-shadow:0 0 0 2px #fff}" +
    "#fd-badge[hidden]{display:none}" +
    "#fd-frame{all:initial;position:fixed;right:20px;bottom:92px;z-index:2147483000;width:380px;" +
    "height:min(640px,calc(100% - 112px));border:0;border-radius:16px;background:#fff;" +
    "box-shadow:0 12px 40px rgba(0,0,0,.28);visibility:hidden;opacity:0;transform:translateY(12px);" +
    "transition:opacity .18s,transform .18s,visibility 0s .18s}" +
    "#fd-widget.fd-open #fd-frame{visibility:visible;opacity:1;transform:none;transition:opacity .18s,transform .18s}" +
    "#fd-widget.fd-large #fd-frame{width:min(720px,calc(100% - 40px));height:calc(100% - 112px)}" +
    "@media (max-width:480px){#fd-frame,#fd-widget.fd-large #fd-frame{right:0;bottom:0;width:100%;height:100%;border-radius:0}" +
    "#fd-widget.fd-open #fd-launcher{display:none}}" +
    "@media (prefers-reduced-motion:reduce){#fd-widget #fd-frame,#fd-widget.fd-open #fd-frame,#fd-launcher{transition:none}" +
    "#fd-launcher:hover{transform:none}}";

  function el(tag, id) {
    var e = d.createElement(tag);
    if (id) e.id = id;
    return e;
  }

  function svg(cls, path) {
    var ns = "http://www.w3.org/2000/svg", s = d.createElementNS(ns, "svg"), p = d.createElementNS(ns, "path");
    s.setAttribute("class", cls);
    s.setAttribute("viewBox", "0 0 24 24");
    s.setAttribute("aria-hidden", "true");
    s.setAttribute("focusable", "false");
    p.setAttribute("d", path);
    s.appendChild(p);
    return s;
  }

  // style adds our CSS as a constructed style sheet, which a host's CSP
  // does not govern; a <style> element where browsers lack them.
  function style() {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      d.adoptedStyleSheets = d.adoptedStyleSheets.concat(sheet);
    } catch (e) {
      var s = el("style", "fd-style");
      s.textContent = css;
      (d.head || d.body).appendChild(s);
    }
  }

  function paint(c) {
    if (c.color) root.style.setProperty("--fd-brand", c.color);
    if (c.onColor) root.style.setProperty("--fd-on", c.onColor);
    label();
  }

  function save() {
    try { localStorage.setItem(store, JSON.stringify(saved)); } catch (e) {}
  }

  function has(l) { return Object.prototype.hasOwnProperty.call(TEXT, l); }

  function pick(prefs) {
    for (var i = 0; i < prefs.length; i++) {
      var l = String(prefs[i]).toLowerCase().split(/[-_]/)[0];
      if (has(l)) return l;
    }
    return "en";
  }

  function fill(s, v) { return String(s || "").replace(/%[sd]/, v); }

  // label brings the launcher's accessible name and badge up to date.
  function label() {
    var text = isOpen ? T.Close : saved.name ? fill(T.OpenWith, saved.name) : T.Open;
    if (unread && !isOpen) text += ", " + fill(unread > 1 ? T.Unread : T.Unread1, unread);
    button.setAttribute("aria-label", text);
    button.setAttribute("aria-expanded", isOpen ? "true" : "false");
    badge.textContent = unread > 99 ? "99+" : String(unread);
    badge.hidden = !unread || isOpen;
    if (frame) frame.title = saved.name ? fill(T.FrameWith, saved.name) : T.Frame;
  }

  function draw() {
    style();
    root = el("div", "fd-widget");
    button = el("button", "fd-launcher");
    button.type = "button";
    button.setAttribute("aria-controls", "fd-frame");
    badge = el("span", "fd-badge");
    badge.setAttribute("aria-hidden", "true");
    button.append(
      svg("fd-chat", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"),
      svg("fd-x", "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z"),
      badge);
    button.addEventListener("click", function () { isOpen ? close(true) : open(button); });
    button.addEventListener("keydown", function (e) { if (e.key === "Escape" && isOpen) close(true); });
    root.appendChild(button);
    d.body.appendChild(root);
    paint(saved);
  }

  // load creates the frame: the chat starts loading, hidden until opened.
  function load() {
    if (frame) return;
    frame = el("iframe", "fd-frame");
    frame.src = origin + "/widget/frame?key=" + encodeURIComponent(key) + "&lang=" + lang;
    root.insertBefore(frame, button);
    label();
  }

  // Intent: the pointer enters or touches the launcher or an element with
  // data-frontdesk-open, or one of them gets focus. Listening on the
  // document, capturing, sees it whatever the host's own handlers do.
  function intent(e) {
    var t = e.target;
    if (!frame && t.closest && t.closest("#fd-launcher,[data-frontdesk-open]")) load();
  }

  function post(msg) {
    if (ready) frame.contentWindow.postMessage(msg, origin);
  }

  // page tells the chat where the visitor is now: agents see it live.
  function page() {
    var now = location.href + "\n" + d.title;
    if (!ready || now === sent) return;
    sent = now;
    post({ fd: "page", url: location.href, title: d.title, start: visit.start || "", referrer: visit.referrer || "" });
  }

  function open(from) {
    opener = from;
    load();
    isOpen = true;
    root.classList.add("fd-open");
    post({ fd: "open" });
    frame.focus();
    stopFlash();
    label();
  }

  // close hides the chat; focus goes back to what opened it unless the
  // visitor closed it with that very button.
  function close(fromButton) {
    isOpen = false;
    root.classList.remove("fd-open");
    post({ fd: "close" });
    if (!fromButton) (opener || button).focus();
    label();
  }

  function setUnread(n) {
    unread = n;
    if (!n) stopFlash();
    label();
  }

  // A new message while the chat is closed or the tab hidden: flash the
  // host page's title and chime (if the page may play sound).
  function notify() {
    if (isOpen && !d.hidden) return;
    if (!flashing) {
      title = d.title;
      var on = false;
      flashing = setInterval(function () {
        on = !on;
        d.title = on ? fill(T.Flash, unread) : title;
      }, 1000);
    }
    chime();
  }

  function stopFlash() {
    if (!flashing) return;
    clearInterval(flashing);
    flashing = 0;
    d.title = title;
  }

  function chime() {
    var ua = navigator.userActivation;
    var AC = w.AudioContext || w.webkitAudioContext;
    if (!AC || (ua && !ua.hasBeenActive)) return;
    try {
      var ctx = new AC(), o = ctx.createOscillator(), g = ctx.createGain(), t = ctx.currentTime;
      o.frequency.setValueAtTime(880, t);
      o.frequency.setValueAtTime(1320, t + 0.12);
      g.gain.setValueAtTime(0.0001, t);
      g.gain.exponentialRampToValueAtTime(0.15, t + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + 0.35);
      o.connect(g).connect(ctx.destination);
      o.start(t);
      o.stop(t + 0.4);
      o.onended = function () { ctx.close(); };
    } catch (e) {}
  }

  w.addEventListener("message", function (e) {
    var m = e.data;
    if (!frame || e.source !== frame.contentWindow || e.origin !== origin || !m || typeof m.fd !== "string") return;
    switch (m.fd) {
      case "ready":
        ready = true;
        // On a small screen the open frame fills it: nothing to enlarge.
        post({ fd: "hello", open: isOpen, resizable: !w.matchMedia("(max-width:480px)").matches });
        sent = "";
        page();
        // In-page navigation (history, hash) changes the page too.
        if (!watching) watching = setInterval(page, 2000);
        break;
      case "config":
        if (has(m.lang)) T = TEXT[lang = m.lang];
        saved = { name: String(m.name || ""), color: String(m.color || ""), onColor: String(m.onColor || ""), chat: saved.chat };
        save();
        paint(saved);
        break;
      case "chat":
        // Whether the visitor has an open conversation: next time the
        // frame loads at once.
        saved.chat = !!m.open;
        save();
        break;
      case "unread":
        setUnread(+m.count || 0);
        if (m.alert) notify();
        break;
      case "close":
        if (isOpen) close(false);
        break;
      case "resize":
        root.classList.toggle("fd-large", m.size === "large");
        break;
    }
  });

  // Returning to the tab while the chat is open: the frame marks messages
  // read and sends a zero count; stop the title flash meanwhile.
  d.addEventListener("visibilitychange", function () { if (!d.hidden && isOpen) stopFlash(); });

  ["pointerover", "touchstart", "focusin"].forEach(function (type) {
    d.addEventListener(type, intent, { capture: true, passive: true });
  });
  d.addEventListener("click", function (e) {
    var t = e.target.closest && e.target.closest("[data-frontdesk-open]");
    if (t) {
      e.preventDefault();
      isOpen ? close(false) : open(t);
    }
  }, true);

  // The idle prefetch, when asked for: requestIdleCallback, with a timer in
  // case the host page never idles or has replaced it.
  function idle() {
    try { w.requestIdleCallback(load, { timeout: 5000 }); } catch (e) {}
    setTimeout(load, 6000);
  }

  function start() {
    draw();
    if (saved.chat) load();
    else if (attr("prefetch") === "idle") d.readyState === "complete" ? idle() : w.addEventListener("load", idle);
  }

  if (d.body) start();
  else d.addEventListener("DOMContentLoaded", start);
})();
