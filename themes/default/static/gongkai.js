// Text-size switch for older readers (适老化). Without JavaScript the switch stays hidden and
// the page keeps the browser's own size, which the reader can still zoom.
(function () {
  var root = document.documentElement;
  var KEY = "gongkai-text-size";
  function apply(size) {
    root.classList.toggle("large", size === "large");
    document.querySelectorAll(".text-size button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.size === size));
    });
  }
  var saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) {}
  apply(saved || "normal");
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector(".text-size");
    if (!box) return;
    box.hidden = false;
    apply(saved || "normal");
    box.addEventListener("click", function (ev) {
      var size = ev.target && ev.target.dataset && ev.target.dataset.size;
      if (!size) return;
      try { localStorage.setItem(KEY, size); } catch (e) {}
      apply(size);
    });
  });
})();
