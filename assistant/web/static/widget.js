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
 *
 * The open panel is a modal dialog: focus starts in the question box and stays in the panel, and
 * Escape or × closes it and returns focus to the button. When a source the reader clicks in the chat
 * is this very page, the page scrolls to the cited passage and highlights it (the chat asks by
 * postMessage; only messages from the assistant's own origin and frame are heeded).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src || window.__runnersCoachWidget) return;
  window.__runnersCoachWidget = true;

  // Everything is relative to where this file was served from, path prefix included.
  var base = new URL(".", script.src);
  var title = (script.getAttribute("data-title") || "Ask the coach").slice(0, 60);
  var side = script.getAttribute("data-position") === "left" ? "left" : "right";
  var colorAttr = script.getAttribute("data-color") || "";
  // The server's brand palette (it fills this in), or one worked out for the blog's data-color.
  var serverPalette = /*PALETTE*/ null;
  var colors = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(colorAttr)
    ? palette(colorAttr)
    : serverPalette || palette("#c2410c");
  var color = colors.brand;
  var onColor = colors.on_brand;
  var embedUrl = new URL("embed/", base);
  ["brand", "on_brand", "ink", "soft"].forEach(function (key) {
    embedUrl.searchParams.set(key === "on_brand" ? "on" : key, colors[key].slice(1));
  });
  embedUrl = embedUrl.href;

  // Same sums as assistant/web/brand.py: text on the colour is white when that reads at 4.5:1 (else
  // near-black); as text on white, the colour is darkened until it reads.
  function palette(hex) {
    var rgb = channels(hex);
    var onBrand = contrast(rgb, [255, 255, 255]) >= 4.5 ? "#ffffff" : "#111827";
    var ink = rgb, step = 0;
    while (Math.min(contrast(ink, [255, 255, 255]), contrast(ink, [248, 250, 252]),
                    contrast(ink, [241, 245, 249])) < 4.5 && step < 25) {
      step += 1;
      ink = rgb.map(function (c) { return c * (1 - step * 0.04); });
    }
    var soft = rgb.map(function (c) { return c + (255 - c) * 0.88; });
    return { brand: toHex(rgb), on_brand: onBrand, ink: toHex(ink), soft: toHex(soft) };
  }
  function channels(hex) {
    var h = hex.slice(1);
    if (h.length === 3) h = h.replace(/./g, "$&$&");
    return [0, 2, 4].map(function (i) { return parseInt(h.slice(i, i + 2), 16); });
  }
  function toHex(rgb) {
    return "#" + rgb.map(function (c) {
      return ("0" + Math.round(Math.max(0, Math.min(255, c))).toString(16)).slice(-2);
    }).join("");
  }
  function luminance(rgb) {
    var l = rgb.map(function (c) {
      var s = c / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  }
  function contrast(a, b) {
    var x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }

  var css =
    ":host{all:initial}" +
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
    ".launcher{position:fixed;bottom:20px;" + side + ":20px;z-index:2147483000;display:flex;" +
    "align-items:center;gap:8px;border:0;border-radius:999px;padding:12px 18px;background:" + color +
    ";color:" + onColor + ";font-size:15px;font-weight:600;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.25)}" +
    ".launcher:hover{filter:brightness(1.08)}" +
    ".launcher:focus-visible,.close:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}" +
    ".launcher svg{width:20px;height:20px;flex:none}" +
    ".panel{position:fixed;bottom:88px;" + side + ":20px;z-index:2147483001;width:400px;" +
    "height:min(640px,calc(100vh - 120px));display:flex;flex-direction:column;background:#fff;" +
    "border-radius:14px;overflow:hidden;box-shadow:0 12px 40px rgba(0,0,0,.3)}" +
    ".panel[hidden]{display:none}" +
    ".guard{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}" +
    ".bar{display:flex;align-items:center;justify-content:space-between;padding:10px 12px 10px 16px;" +
    "background:" + color + ";color:" + onColor + "}" +
    ".bar h2{margin:0;font-size:16px;font-weight:600;color:" + onColor + "}" +
    ".close{border:0;background:transparent;color:" + onColor + ";width:36px;height:36px;border-radius:8px;" +
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
  panel.setAttribute("aria-modal", "true");
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
  // Focus guards at both ends of the panel: Tab past the chat's last control, or Shift+Tab before
  // ×, lands on one and is sent round to the other end, so focus never leaves the open panel.
  var guardStart = focusGuard(function () { focusQuestion(); });
  var guardEnd = focusGuard(function () { close.focus(); });
  panel.appendChild(guardStart);
  panel.appendChild(bar);

  panel.appendChild(guardEnd);

  function focusGuard(onFocus) {
    var guard = document.createElement("span");
    guard.tabIndex = 0;
    guard.className = "guard";
    guard.addEventListener("focus", onFocus);
    return guard;
  }

  var frame = null;
  var frameReady = false;
  var lastInPanel = null; // "close" or "frame": which way Tab was going when focus left the panel
  var page = location.href.split("#")[0];

  function tellFrame(message) {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage(message, base.origin);
  }

  // The question box takes the focus once it exists: the frame says when (runners-coach:ready).
  function focusQuestion() {
    if (!frame) return;
    frame.focus();
    if (frameReady) tellFrame({ type: "runners-coach:focus" });
  }

  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.title = title + " chat";
      frame.src = embedUrl;
      frame.setAttribute("allow", "clipboard-write");
      frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      frame.addEventListener("focus", function () { lastInPanel = "frame"; });
      panel.insertBefore(frame, guardEnd);
    }
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("tabindex", "-1"); // the panel is modal: Tab goes round its own controls
    launcher.style.display = window.matchMedia("(max-width:600px)").matches ? "none" : "";
    focusQuestion();
  }

  function shut(keepFocus) {
    if (panel.hidden) return;
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.removeAttribute("tabindex");
    launcher.style.display = "";
    if (!keepFocus) launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) open();
    else shut();
  });
  close.addEventListener("click", function () { shut(); });
  close.addEventListener("focus", function () { lastInPanel = "close"; });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") shut();
  });

  // Focus stays in the open panel: leaving it forwards (past the chat) comes back to ×, leaving it
  // backwards (before ×) comes back to the chat.
  function keepFocusInPanel() {
    if (panel.hidden) return;
    if (lastInPanel === "close") focusQuestion();
    else close.focus();
  }
  document.addEventListener("focusin", function (event) {
    if (event.target !== host) keepFocusInPanel();
  });
  launcher.addEventListener("focus", keepFocusInPanel);

  // Messages from the chat in the frame, and only from it.
  window.addEventListener("message", function (event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== base.origin) return;
    var data = event.data || {};
    if (data.type === "runners-coach:close") shut();
    else if (data.type === "runners-coach:ready") {
      frameReady = true;
      tellFrame({ type: "runners-coach:hello", page: page, focus: !panel.hidden });
    } else if (data.type === "runners-coach:show" && typeof data.href === "string") showPassage(data.href);
  });

  // ---- A cited passage on this page: scroll to it and highlight it, as the link's text fragment
  // (#:~:text=start,end) would in a new tab.
  function showPassage(href) {
    var directive = href.split("#:~:text=")[1];
    if (!directive) return;
    var terms = directive.split("&")[0].split(",").map(decodeURIComponent);
    var range = findText(terms[0], terms[1]);
    if (!range) return;
    if (window.CSS && CSS.highlights && window.Highlight) {
      CSS.highlights.set("runners-coach", new Highlight(range));
      ensureHighlightStyle();
    } else {
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    var target = range.startContainer.parentElement;
    if (window.matchMedia("(max-width:600px)").matches) shut(true); // the panel covers the page
    target.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function ensureHighlightStyle() {
    if (document.getElementById("runners-coach-highlight")) return;
    var sheet = document.createElement("style");
    sheet.id = "runners-coach-highlight";
    sheet.textContent = "::highlight(runners-coach){background-color:" + colors.soft + ";color:inherit;" +
      "text-decoration:underline 2px " + colors.ink + "}";
    document.head.appendChild(sheet);
  }

  // The page's text as one string (outside the widget), and where each text node starts in it.
  function findText(start, end) {
    var nodes = [], flat = "";
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentElement;
        if (!parent || parent.closest("script,style,noscript,[data-runners-coach]")) {
          return NodeFilter.FILTER_REJECT;
        }
        return NodeFilter.FILTER_ACCEPT;
      }
    });
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      nodes.push({ node: node, at: flat.length });
      flat += node.data;
    }
    var first = pattern(start).exec(flat);
    if (!first) return null;
    var from = first.index, to = first.index + first[0].length;
    if (end) {
      var rest = pattern(end);
      rest.lastIndex = to;
      var last = rest.exec(flat);
      if (!last) return null;
      to = last.index + last[0].length;
    }
    var range = document.createRange();
    var a = locate(nodes, from), b = locate(nodes, to);
    range.setStart(a.node, a.offset);
    range.setEnd(b.node, b.offset);
    return range;
  }
  function pattern(term) {
    var words = term.trim().split(/\s+/).map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    return new RegExp(words.join("\\s+"), "g");
  }
  function locate(nodes, index) {
    for (var i = nodes.length - 1; i >= 0; i--) {
      if (nodes[i].at <= index) return { node: nodes[i].node, offset: Math.min(index - nodes[i].at, nodes[i].node.data.length) };
    }
    return { node: nodes[0].node, offset: 0 };
  }

  root.appendChild(style);
  root.appendChild(panel);
  root.appendChild(launcher);

  function attach() {
    document.body.appendChild(host);
  }
  if (document.body) attach();
  else document.addEventListener("DOMContentLoaded", attach);
})();
