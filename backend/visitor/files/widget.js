/* Frontdesk chat widget loader. The site owner pastes:
 *   <script src="{BASE}/widget.js" data-frontdesk-widget="{KEY}" async></script>
 * It draws the launcher button at once, without WebAssembly. The chat itself
 * runs in an iframe from the Frontdesk origin, created when the visitor opens
 * the launcher or, to prefetch, when the page is idle. The two talk through
 * postMessage: the frame says "ready" and the loader answers "hello"; after
 * that each side only accepts messages from the other's window and origin.
 * Everything lives under #fd-widget with fd- prefixed ids, so host CSS and
 * tests can find #fd-launcher, and our CSS touches nothing else. */
(function () {
  "use strict";
  var d = document, w = window;
  var script = d.currentScript || d.querySelector("script[data-frontdesk-widget]");
  if (!script || w.__frontdeskWidget) return;
  w.__frontdeskWidget = 1;
  var key = script.getAttribute("data-frontdesk-widget") || "";
  // The launcher's words in each language (the server fills them in), and
  // the visitor's: the site owner's data-frontdesk-lang, else the first of
  // the browser's languages we speak, else English. The frame is asked
  // for the same language.
  var TEXT = /*FD_TEXT*/{};
  var lang = pick([script.getAttribute("data-frontdesk-lang") || ""].concat(navigator.languages || [navigator.language || ""]));
  var T = TEXT[lang] || TEXT.en || {};
  var origin = new URL(script.src, location.href).origin;
  var store = "frontdesk:" + key;
  var root, button, badge, frame, isOpen = false, ready = false, large = false;
  var unread = 0, title = "", flashing = 0;

  // The brand colour and name of the last visit, so the launcher is painted
  // right at once (the frame sends the current ones).
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

  function svg(cls, path) {
    return '<svg class="' + cls + '" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="' + path + '"/></svg>';
  }

  function paint(c) {
    if (c.color) root.style.setProperty("--fd-brand", c.color);
    if (c.onColor) root.style.setProperty("--fd-on", c.onColor);
    label();
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
    var style = d.createElement("style");
    style.id = "fd-style";
    style.textContent = css;
    root = d.createElement("div");
    root.id = "fd-widget";
    button = d.createElement("button");
    button.id = "fd-launcher";
    button.type = "button";
    button.setAttribute("aria-controls", "fd-frame");
    button.innerHTML =
      svg("fd-chat", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z") +
      svg("fd-x", "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z") +
      '<span id="fd-badge" aria-hidden="true" hidden></span>';
    badge = button.lastChild;
    button.addEventListener("click", function () { isOpen ? close(true) : open(); });
    button.addEventListener("keydown", function (e) { if (e.key === "Escape" && isOpen) close(true); });
    root.appendChild(button);
    (d.head || d.body).appendChild(style);
    d.body.appendChild(root);
    paint(saved);
  }

  function makeFrame() {
    if (frame) return;
    frame = d.createElement("iframe");
    frame.id = "fd-frame";
    frame.src = origin + "/widget/frame?key=" + encodeURIComponent(key) + "&lang=" + lang;
    root.insertBefore(frame, button);
    label();
  }

  function post(msg) {
    if (ready) frame.contentWindow.postMessage(msg, origin);
  }

  function open() {
    makeFrame();
    isOpen = true;
    root.classList.add("fd-open");
    post({ fd: "open" });
    frame.focus();
    stopFlash();
    label();
  }

  function close(fromButton) {
    isOpen = false;
    root.classList.remove("fd-open");
    post({ fd: "close" });
    if (!fromButton) button.focus();
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
        break;
      case "config":
        if (has(m.lang)) T = TEXT[lang = m.lang];
        saved = { name: String(m.name || ""), color: String(m.color || ""), onColor: String(m.onColor || "") };
        try { localStorage.setItem(store, JSON.stringify(saved)); } catch (err) {}
        paint(saved);
        break;
      case "unread":
        setUnread(+m.count || 0);
        if (m.alert) notify();
        break;
      case "close":
        if (isOpen) close(false);
        break;
      case "resize":
        large = m.size === "large";
        root.classList.toggle("fd-large", large);
        break;
    }
  });

  // Returning to the tab while the chat is open: the frame marks messages
  // read and sends a zero count; stop the title flash meanwhile.
  d.addEventListener("visibilitychange", function () { if (!d.hidden && isOpen) stopFlash(); });

  function start() {
    draw();
    var idle = w.requestIdleCallback || function (f) { return setTimeout(f, 1500); };
    var prefetch = function () { idle(makeFrame, { timeout: 5000 }); };
    if (d.readyState === "complete") prefetch();
    else w.addEventListener("load", prefetch);
  }

  if (d.body) start();
  else d.addEventListener("DOMContentLoaded", start);
})();
