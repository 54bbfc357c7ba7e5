/* Behaviour the chat page and the /embed view add to Gradio's chat. Inlined into the page head.
   - each new question is brought to the top of the conversation, and its answer follows below it;
   - while an answer is on its way the log is aria-busy, and the answer is announced once, complete;
   - [n] opens the answer's sources at that card; a source link opens the article at the cited
     words, or, when the widget sits on that very article, asks the widget to highlight them there;
   - a rate-limit notice counts down;
   - in the widget's frame: the widget's colours, Escape, and focus on the question box. */
(function () {
  "use strict";

  var framed = window.parent !== window;
  var host = null; // the page framing us, as widget.js reports it: {origin, page}

  // ---- The widget's colours (computed by widget.js for its data-color), else the server's.
  var HEX = /^[0-9a-f]{6}$/i;
  var PALETTE = { brand: "--brand", on: "--on-brand", ink: "--brand-ink", soft: "--brand-soft" };
  var params = new URLSearchParams(location.search);
  Object.keys(PALETTE).forEach(function (key) {
    var value = params.get(key);
    if (value && HEX.test(value)) document.documentElement.style.setProperty(PALETTE[key], "#" + value);
  });

  function chatLog() { return document.querySelector("#chat [role=log]"); }

  // ---- A polite live region of our own: Gradio's log would read out every streamed word and the
  // whole sources list; this one says the finished answer once.
  var announcer = null;
  function announce(text) {
    if (!announcer) {
      announcer = document.createElement("div");
      announcer.className = "visually-hidden";
      announcer.setAttribute("role", "status");
      announcer.setAttribute("aria-live", "polite");
      document.body.appendChild(announcer);
    }
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function lastOf(selector) {
    var all = document.querySelectorAll(selector);
    return all[all.length - 1] || null;
  }

  function spokenAnswer(message) {
    var parts = message.querySelectorAll(".safety-notice, .answer, .chat-note");
    var text = Array.prototype.map.call(parts, function (p) { return p.textContent; }).join(" ");
    return (text || message.textContent).replace(/\s+/g, " ").trim();
  }

  // ---- Bring a new question to the top of the conversation; its answer then grows below it. Until
  // the answer is long enough to allow that, the question is held ("pinned") and moved up as the
  // answer grows, unless the reader scrolls first.
  var pinned = null; // the index of the question held at the top
  function showAtTop(log) {
    var row = pinned === null ? null : log.querySelectorAll(".message-row.user-row")[pinned];
    if (!row) return;
    var offset = row.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
    if (offset > 1) log.scrollTop += offset;
  }
  function unpin(event) {
    if (event.type !== "keydown" || /^(Arrow|Page|Home|End| )/.test(event.key)) pinned = null;
  }
  ["wheel", "touchstart", "keydown"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (event.target.closest && event.target.closest("#chat")) unpin(event);
    }, { passive: true, capture: true });
  });

  var seen = { questions: 0, messages: 0, busy: false, countdowns: 0 };
  var countdownUntil = 0;

  function onChatChange() {
    var log = chatLog();
    if (!log) return;
    if (log.getAttribute("aria-live") !== "off") log.setAttribute("aria-live", "off");
    var examples = document.querySelector("#chat .examples[role=list]");
    if (examples) { // buttons are not list items: a group of suggestions is what it is
      examples.setAttribute("role", "group");
      examples.setAttribute("aria-label", "Suggested questions");
    }
    var questions = log.querySelectorAll("[data-testid=user]").length;
    var messages = log.querySelectorAll("[data-testid=user], [data-testid=bot]").length;
    if (questions > seen.questions) {
      pinned = questions - 1;
    } else if (messages > seen.messages) { // a notice without a question (a refused one): show it
      pinned = null;
      requestAnimationFrame(function () { log.scrollTop = log.scrollHeight; });
    }
    if (pinned !== null) requestAnimationFrame(function () { showAtTop(log); });
    seen.questions = questions;
    seen.messages = messages;

    var last = lastOf("#chat [data-testid=bot]");
    var busy = !!(last && last.querySelector(".typing, .streaming"));
    if (busy !== seen.busy) {
      log.setAttribute("aria-busy", busy ? "true" : "false");
      if (!busy && last) announce(spokenAnswer(last));
      seen.busy = busy;
    }
    var countdowns = document.querySelectorAll("#chat .countdown[data-seconds]");
    if (countdowns.length > seen.countdowns) {
      var seconds = parseInt(countdowns[countdowns.length - 1].getAttribute("data-seconds"), 10) || 1;
      countdownUntil = Date.now() + seconds * 1000;
      tick();
    }
    seen.countdowns = countdowns.length;
  }

  // ---- A refused question waits in the box; the notice counts down to when it may be sent.
  var ticking = null;
  function tick() {
    var left = Math.ceil((countdownUntil - Date.now()) / 1000);
    document.querySelectorAll("#chat .countdown").forEach(function (el) {
      el.textContent = left > 0 ? "(" + left + " s)" : "You can ask again now.";
    });
    clearTimeout(ticking);
    if (left > 0) ticking = setTimeout(tick, 250);
  }

  new MutationObserver(onChatChange).observe(document.documentElement, { childList: true, subtree: true });

  // ---- Citations and source links.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.cite, a.source-link");
    if (!link) return;
    if (link.classList.contains("source-link")) return openSource(event, link);
    var card = document.getElementById((link.getAttribute("href") || "").slice(1));
    if (!card) return;
    event.preventDefault();
    var sources = card.closest("details");
    if (sources) sources.open = true;
    document.querySelectorAll("#chat li.cited").forEach(function (li) { li.classList.remove("cited"); });
    card.classList.add("cited");
    card.scrollIntoView({ block: "nearest", behavior: "smooth" });
  });

  function samePage(a, b) {
    var x = new URL(a, location.href), y = new URL(b, location.href);
    return x.origin === y.origin && x.pathname === y.pathname;
  }

  function openSource(event, link) {
    event.preventDefault();
    if (framed && host && samePage(link.href, host.page)) {
      // The reader is on that article: the widget scrolls it to the passage and highlights it.
      window.parent.postMessage({ type: "runners-coach:show", href: link.href }, host.origin);
      return;
    }
    window.open(link.href, "_blank", "noopener");
  }

  // ---- The optional comment after a thumbs up or down: in view, with the cursor in it.
  function showCommentBox() {
    var tries = 0;
    (function focusComment() {
      var box = document.querySelector("#feedback-comment textarea");
      if (box && box.offsetParent) {
        box.focus();
        box.scrollIntoView({ block: "nearest" });
      } else if (tries++ < 20) setTimeout(focusComment, 50);
    })();
  }
  window.runnersCoach = { showCommentBox: showCommentBox };

  if (!framed) return;

  // ---- Framed by the blog widget.
  function focusQuestion() {
    var tries = 0;
    (function attempt() {
      var box = document.querySelector("#question textarea");
      if (box) box.focus();
      else if (tries++ < 100) setTimeout(attempt, 50);
    })();
  }
  // Escape inside the frame never reaches the blog page, so pass it on.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") window.parent.postMessage({ type: "runners-coach:close" }, "*");
  });
  // The widget says which page it sits on, and when the panel opens (focus goes to the question).
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source !== window.parent || !data || typeof data.type !== "string") return;
    if (data.type === "runners-coach:hello" && typeof data.page === "string") {
      host = { origin: event.origin, page: data.page };
    }
    if (data.type === "runners-coach:focus" || (data.type === "runners-coach:hello" && data.focus)) {
      focusQuestion();
    }
  });
  // Tell the widget once the question box exists, so its first open can put the cursor there.
  (function ready() {
    if (document.querySelector("#question textarea")) {
      window.parent.postMessage({ type: "runners-coach:ready" }, "*");
    } else setTimeout(ready, 50);
  })();
})();
