/*
 * Runner's core coach: the blog widget. One tag on any page adds a chat button:
 *
 *   <script src="https://HOST/widget.js" data-title="Ask the coach"
 *           data-position="right" data-color="#ea580c" defer></script>
 *
 * The chat itself runs in an iframe of https://HOST/embed/, so no key, secret or answer logic is
 * ever on the blog page, and the blog's styles cannot reach it (the button and panel live in a
 * shadow root). No dependencies. The iframe is created on first open, so the blog loads no faster
 * or slower with the widget than without it.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src || window.__runnersCoachWidget) return;
  window.__runnersCoachWidget = true;

  // Everything is relative to where this file was served from, path prefix included.
  var base = new URL(".", script.src);
  var embedUrl = new URL("embed/", base).href;
  var title = (script.getAttribute("data-title") || "Ask the coach").slice(0, 60);
  var side = script.getAttribute("data-position") === "left" ? "left" : "right";
  var colorAttr = script.getAttribute("data-color") || "";
  var color = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(colorAttr) ? colorAttr : "#ea580c";

  var css =
    ":host{all:initial}" +
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
    ".launcher{position:fixed;bottom:20px;" + side + ":20px;z-index:2147483000;display:flex;" +
    "align-items:center;gap:8px;border:0;border-radius:999px;padding:12px 18px;background:" + color +
    ";color:#fff;font-size:15px;font-weight:600;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.25)}" +
    ".launcher:hover{filter:brightness(1.08)}" +
    ".launcher:focus-visible,.close:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}" +
    ".launcher svg{width:20px;height:20px;flex:none}" +
    ".panel{position:fixed;bottom:88px;" + side + ":20px;z-index:2147483001;width:400px;" +
    "height:min(640px,calc(100vh - 120px));display:flex;flex-direction:column;background:#fff;" +
    "border-radius:14px;overflow:hidden;box-shadow:0 12px 40px rgba(0,0,0,.3)}" +
    ".panel[hidden]{display:none}" +
    ".bar{display:flex;align-items:center;justify-content:space-between;padding:10px 12px 10px 16px;" +
    "background:" + color + ";color:#fff}" +
    ".bar h2{margin:0;font-size:16px;font-weight:600;color:#fff}" +
    ".close{border:0;background:transparent;color:#fff;width:36px;height:36px;border-radius:8px;" +
    "font-size:24px;line-height:1;cursor:pointer}" +
    ".close:hover{background:rgba(255,255,255,.2)}" +
    "iframe{flex:1;width:100%;border:0;background:#fff}" +
    "@media (max-width:600px){.panel{inset:0;width:100vw;height:100vh;height:100dvh;border-radius:0}" +
    ".launcher{bottom:16px;" + side + ":16px}}";

  var host = document.createElement("div");
  host.setAttribute("data-runners-coach", "");
  var root = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  style.textContent = css;

  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launcher";
  launcher.setAttribute("aria-haspopup", "dialog");
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "runners-coach-panel");
  launcher.innerHTML =
    '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2">' +
    '<path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"/></svg>';
  var label = document.createElement("span");
  label.textContent = title;
  launcher.appendChild(label);

  var panel = document.createElement("div");
  panel.className = "panel";
  panel.id = "runners-coach-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);

  var bar = document.createElement("div");
  bar.className = "bar";
  var heading = document.createElement("h2");
  heading.textContent = title;
  var close = document.createElement("button");
  close.type = "button";
  close.className = "close";
  close.setAttribute("aria-label", "Close chat");
  close.textContent = "\u00d7";
  bar.appendChild(heading);
  bar.appendChild(close);
  panel.appendChild(bar);

  var frame = null;

  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.title = title + " chat";
      frame.src = embedUrl;
      frame.setAttribute("allow", "clipboard-write");
      frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      frame.addEventListener("load", function () {
        if (!panel.hidden) frame.focus();
      });
      panel.appendChild(frame);
    }
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.style.display = window.matchMedia("(max-width:600px)").matches ? "none" : "";
    // Focus goes into the chat, where the embed page puts it on the question box.
    frame.focus();
  }

  function shut() {
    if (panel.hidden) return;
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.style.display = "";
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) open();
    else shut();
  });
  close.addEventListener("click", shut);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") shut();
  });
  // Escape pressed inside the chat: the embed page tells us, since keys in an iframe stay there.
  window.addEventListener("message", function (event) {
    if (frame && event.source === frame.contentWindow && event.origin === base.origin &&
        event.data && event.data.type === "runners-coach:close") shut();
  });

  root.appendChild(style);
  root.appendChild(panel);
  root.appendChild(launcher);

  function attach() {
    document.body.appendChild(host);
  }
  if (document.body) attach();
  else document.addEventListener("DOMContentLoaded", attach);
})();
