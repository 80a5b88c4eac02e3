// Small helpers that only add to a page that already reads right without them.
// Text size for older readers (适老化): without JavaScript the switches stay hidden and the
// page keeps the browser's own size, which the reader can still zoom.
(function () {
  var root = document.documentElement;
  var KEY = "gongkai-text-size";
  function apply(size) {
    root.classList.toggle("large", size === "large");
    root.classList.toggle("medium", size === "medium");
    document.querySelectorAll("[data-size]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.size === size));
    });
  }
  var saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) {}
  apply(saved || "normal");

  // 公示中 / 已结束 on the day the page is read: the built page states the window and its
  // status on the build's date, which stays true; this says what holds today.
  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }
  function dateZh(iso) {
    var p = iso.split("-");
    return Number(p[0]) + "年" + Number(p[1]) + "月" + Number(p[2]) + "日";
  }
  function noticeStatus() {
    var now = today();
    document.querySelectorAll("[data-from][data-to]").forEach(function (el) {
      var status = now < el.dataset.from ? "upcoming" : now > el.dataset.to ? "closed" : "open";
      var badge = el.querySelector("[data-status]");
      if (!badge) return;
      badge.className = "status status-" + status;
      badge.textContent = "（" + (el.dataset.today || "") + dateZh(now) + "：" + el.dataset[status] + "）";
    });
    // a listing states only the window's end, which never goes stale; the badge is the script's
    document.querySelectorAll("[data-starts][data-ends]").forEach(function (el) {
      var status = now < el.dataset.starts ? "upcoming" : now > el.dataset.ends ? "closed" : "open";
      el.className = "status status-" + status;
      el.textContent = el.dataset[status];
      el.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".text-size, .info-bar .tools").forEach(function (box) {
      box.hidden = false;
      box.addEventListener("click", function (ev) {
        var size = ev.target && ev.target.dataset && ev.target.dataset.size;
        if (!size) return;
        try { localStorage.setItem(KEY, size); } catch (e) {}
        apply(size);
      });
    });
    apply(saved || "normal");
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    noticeStatus();
  });
})();
