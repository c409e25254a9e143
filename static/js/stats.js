// Counting for the creators' 数据中心 (tidings.stats): the read beacon, the read-end report and
// impressions (曝光). Pages may come from the anonymous page cache, so everything is sent from
// here; without JavaScript nothing is counted (the 数据中心 page says so).
(function () {
  "use strict";
  if (!window.fetch) return;

  function post(url, params, keepalive) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: params.toString()
    });
  }

  // Which list a link was in: the portal lists by their classes (most specific first; the 推荐
  // feed is also a .stream). The names are tidings.stats.events.SOURCES.
  var LISTS = [
    [".feed-list", "feed"], [".hot-list", "hot"], [".hot-stream", "hot"], [".related-list", "related"],
    [".recent-list", "creator"], [".box-list", "channel"], [".tab-list", "channel"], [".headline-list", "home"],
    [".page-search .results", "search"], [".page-topic .stream", "topic"], [".page-channel .stream", "channel"],
    [".page-creator .stream", "creator"], [".page-home .stream", "home"]
  ];
  function listOf(el) {
    for (var i = 0; i < LISTS.length; i++) if (el.matches(LISTS[i][0])) return LISTS[i][1];
    return null;
  }
  function articleOf(li) {
    var links = li.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var m = /^\/a\/(\d+)\//.exec(links[i].getAttribute("href"));
      if (m) return m[1];
    }
    return null;
  }

  // Where a read came from: the list the reader clicked in, kept for the next page in this tab.
  var SRC_KEY = "tidings-src";
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[href]");
    var li = link && link.closest("li");
    var list = li && li.parentElement && listOf(li.parentElement);
    var m = link && /^\/a\/(\d+)\//.exec(link.getAttribute("href"));
    if (!list || !m) return;
    try { sessionStorage.setItem(SRC_KEY, JSON.stringify({ a: m[1], l: list, t: Date.now() })); } catch (err) { /* private mode */ }
  }, true);

  // --- The read beacon, and the read-end report when the page is hidden ----------------------
  var article = document.querySelector("[data-read-beacon]");
  if (article) {
    var readUrl = article.getAttribute("data-read-beacon");
    var id = (/^\/a\/(\d+)\//.exec(readUrl) || [])[1];
    var params = new URLSearchParams();
    var src = null;
    try { src = JSON.parse(sessionStorage.getItem(SRC_KEY) || "null"); sessionStorage.removeItem(SRC_KEY); } catch (err) { src = null; }
    if (src && src.a === id && Date.now() - src.t < 1800000) params.set("src", src.l);
    else if (document.referrer) params.set("ref", document.referrer.slice(0, 2000));
    var token = null;
    post(readUrl, params, true).then(function (r) { return r.json(); }).then(function (data) {
      if (data && data.token) token = data.token;
    }).catch(function () { /* a lost read is not worth an error */ });

    // How far down the body the reader has seen (the furthest), and for how long the page was
    // visible with the reader active (an input in the last 30 s, or read-aloud speaking).
    var body = article.querySelector(".article-body") || article;
    var depth = 0, active = 0, lastInput = Date.now(), sent = "";
    function measure() {
      var box = body.getBoundingClientRect();
      var seen = box.height > 0 ? (window.innerHeight - box.top) / box.height : 1;
      var d = box.bottom <= window.innerHeight ? 100 : Math.max(0, Math.min(99, Math.floor(seen * 100)));
      if (d > depth) depth = d;
    }
    var queued = false;
    function onScroll() {
      lastInput = Date.now();
      if (queued) return;
      queued = true;
      requestAnimationFrame(function () { queued = false; measure(); });
    }
    window.addEventListener("scroll", onScroll, { passive: true });
    ["keydown", "pointerdown", "pointermove", "touchstart", "wheel"].forEach(function (type) {
      window.addEventListener(type, function () { lastInput = Date.now(); }, { passive: true });
    });
    setInterval(function () {
      var speaking = window.speechSynthesis && window.speechSynthesis.speaking;
      if (document.visibilityState === "visible" && (speaking || Date.now() - lastInput < 30000)) active += 1;
    }, 1000);
    measure();
    var endUrl = readUrl + "end/";
    var report = function () {
      if (!token) return;
      measure();
      var state = depth + "/" + active;
      if (state === sent) return;  // nothing new since the last report
      sent = state;
      var p = new URLSearchParams({ t: token, d: String(depth), s: String(active) });
      if (!(navigator.sendBeacon && navigator.sendBeacon(endUrl, p))) post(endUrl, p, true).catch(function () {});
    };
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") report(); else lastInput = Date.now();
    });
    window.addEventListener("pagehide", report);
  }

  // --- Impressions: list items at least half in view for a second, sent in batches ------------
  if (!("IntersectionObserver" in window)) return;
  var pending = [], counted = {}, timers = new Map(), flushTimer = null;
  var MAX_BATCH = 100;
  function flush() {
    if (flushTimer) { clearTimeout(flushTimer); flushTimer = null; }
    if (!pending.length) return;
    var p = new URLSearchParams();
    pending.splice(0, MAX_BATCH).forEach(function (item) { p.append("seen", item); });
    post("/beacon/seen/", p, true).catch(function () { /* lost impressions are not worth an error */ });
    if (pending.length) flush();
  }
  function seen(li) {
    var a = li.getAttribute("data-seen-a");
    observer.unobserve(li);
    if (counted[a]) return;  // the first list an article is seen in counts
    counted[a] = true;
    pending.push(li.getAttribute("data-seen-l") + ":" + a);
    if (pending.length >= MAX_BATCH) flush();
    else if (!flushTimer) flushTimer = setTimeout(flush, 5000);
  }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      var li = e.target;
      if (e.isIntersecting && e.intersectionRatio >= 0.5 && document.visibilityState === "visible") {
        if (!timers.has(li)) timers.set(li, setTimeout(function () { timers.delete(li); seen(li); }, 1000));
      } else if (timers.has(li)) {
        clearTimeout(timers.get(li));
        timers.delete(li);
      }
    });
  }, { threshold: [0, 0.5, 1] });
  var items = [];
  document.querySelectorAll("ul, ol").forEach(function (list) {
    var name = listOf(list);
    if (!name) return;
    Array.prototype.forEach.call(list.children, function (li) {
      var a = li.tagName === "LI" && articleOf(li);
      if (!a) return;
      li.setAttribute("data-seen-a", a);
      li.setAttribute("data-seen-l", name);
      items.push(li);
      observer.observe(li);
    });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      timers.forEach(function (t) { clearTimeout(t); });
      timers.clear();
      flush();
    } else {
      // Look again: what is in view now starts its second afresh.
      items.forEach(function (li) { if (!counted[li.getAttribute("data-seen-a")]) { observer.unobserve(li); observer.observe(li); } });
    }
  });
  window.addEventListener("pagehide", flush);
})();
