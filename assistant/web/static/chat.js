/* Behaviour the chat page and the /embed view add to Gradio's chat. Inlined into the page head. */
(function () {
  "use strict";

  // A pending "show the new answer" scroll, cancelled as soon as the reader scrolls or clicks.
  var pending = null;
  function cancelPending() {
    if (pending) pending();
    pending = null;
  }

  // [n] in an answer: open that answer's sources (collapsed in the compact view) and show the quote.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.cite");
    if (!link) return;
    var quote = document.getElementById((link.getAttribute("href") || "").slice(1));
    if (!quote) return;
    event.preventDefault();
    cancelPending();
    var sources = quote.closest("details");
    if (sources) sources.open = true;
    document.querySelectorAll("#chat li.cited").forEach(function (li) { li.classList.remove("cited"); });
    quote.classList.add("cited");
    quote.scrollIntoView({ block: "start", behavior: "smooth" });
  });

  // After an answer, show where it starts, not the end of its sources. Gradio scrolls the chat to
  // the bottom once or twice in the ~300 ms after it renders, so act once its scrolling has settled.
  function showAnswerStart() {
    var log = document.querySelector("#chat [role=log]");
    if (!log) return;
    cancelPending();
    var timer = null;
    function settle() {
      clearTimeout(timer);
      timer = setTimeout(scroll, 450);
    }
    function stop() {
      clearTimeout(timer);
      log.removeEventListener("scroll", settle);
      log.removeEventListener("wheel", cancelPending);
      log.removeEventListener("touchstart", cancelPending);
    }
    function scroll() {
      cancelPending();
      var answers = document.querySelectorAll("#chat [data-testid=bot]");
      var last = answers[answers.length - 1];
      if (!last) return;
      var offset = last.getBoundingClientRect().top - log.getBoundingClientRect().top;
      if (offset < 0) log.scrollTop += offset - 8;
    }
    log.addEventListener("scroll", settle);
    log.addEventListener("wheel", cancelPending, { passive: true });
    log.addEventListener("touchstart", cancelPending, { passive: true });
    pending = stop;
    settle();
  }
  window.runnersCoach = { showAnswerStart: showAnswerStart };

  if (window.parent === window) return;

  // Framed by the blog widget: Escape inside the frame never reaches the blog page, so pass it on.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") window.parent.postMessage({ type: "runners-coach:close" }, "*");
  });
  // When the widget focuses the frame, the question box takes the focus (it may not exist yet).
  window.addEventListener("focus", function () {
    var tries = 0;
    (function focusQuestion() {
      var box = document.querySelector("#question textarea");
      if (box) {
        if (document.activeElement === document.body) box.focus();
      } else if (tries++ < 50) setTimeout(focusQuestion, 100);
    })();
  });
})();
