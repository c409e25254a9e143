// Enhancements only: every page works without this file.
(function () {
  "use strict";

  function beacon(url) {
    var token = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (navigator.sendBeacon) { navigator.sendBeacon(url); return; }
    fetch(url, { method: "POST", credentials: "same-origin", headers: token ? { "X-CSRFToken": token[1] } : {} });
  }

  // WeChat QR panel: count the share when the panel is first opened.
  document.querySelectorAll("details[data-share-beacon]").forEach(function (el) {
    var counted = false;
    el.addEventListener("toggle", function () {
      if (el.open && !counted) { counted = true; beacon(el.getAttribute("data-share-beacon")); }
    });
  });

  // 微博 / QQ: the link goes on to the service; the share is counted by a POST beacon (a GET
  // counts nothing, so a cross-site page cannot inflate the hot ranking).
  document.querySelectorAll("a[data-share-beacon]:not([data-copy])").forEach(function (link) {
    link.addEventListener("click", function () { beacon(link.getAttribute("data-share-beacon")); });
  });

  // Copy link: copy the URL, say so, count the share. (Without this script the control is a
  // link to the page, for the browser's own "copy link".)
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    var copy = function (e) {
      e.preventDefault();
      var url = btn.getAttribute("data-copy");
      var label = btn.textContent;
      var done = function () {
        btn.textContent = "已复制";
        setTimeout(function () { btn.textContent = label; }, 2000);
      };
      var fallback = function () {
        var box = document.createElement("textarea");
        box.value = url;
        box.setAttribute("readonly", "");
        box.className = "visually-hidden";
        document.body.appendChild(box);
        box.select();
        try { if (document.execCommand("copy")) done(); } catch (err) { /* nothing more to try */ }
        box.remove();
        btn.focus();
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(done, fallback);
      else fallback();
      beacon(btn.getAttribute("data-share-beacon"));
    };
    btn.addEventListener("click", copy);
    btn.addEventListener("keydown", function (e) { if (e.key === " ") copy(e); });  // a button's Space
  });

  // 态度原创: turn the stacked sections into an accessible tab list.
  document.querySelectorAll("[data-tabs]").forEach(function (root) {
    var panels = Array.prototype.slice.call(root.querySelectorAll(".tab-panel"));
    if (panels.length < 2) return;
    var bar = document.createElement("div");
    bar.className = "tab-bar";
    bar.setAttribute("role", "tablist");
    var tabs = panels.map(function (panel, i) {
      var heading = panel.querySelector(".tab-heading");
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = panel.id + "-tab";
      tab.textContent = heading ? heading.textContent.trim() : String(i + 1);
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      // The tab now names the panel; its hidden heading link leaves the tab order, and a visible
      // link to the channel takes its place at the end of the panel.
      var link = heading && heading.querySelector("a");
      if (link) {
        link.tabIndex = -1;
        var more = document.createElement("a");
        more.className = "tab-more";
        more.href = link.getAttribute("href");
        more.textContent = "更多" + link.textContent.trim() + "原创 ›";
        panel.appendChild(more);
      }
      panel.setAttribute("aria-labelledby", tab.id);
      bar.appendChild(tab);
      return tab;
    });
    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        var on = i === index;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        panels[i].hidden = !on;
      });
      if (focus) tabs[index].focus();
    }
    bar.addEventListener("click", function (e) {
      var i = tabs.indexOf(e.target.closest("[role=tab]"));
      if (i >= 0) select(i, false);
    });
    bar.addEventListener("keydown", function (e) {
      var i = tabs.indexOf(document.activeElement);
      if (i < 0) return;
      if (e.key === "ArrowRight") { select((i + 1) % tabs.length, true); e.preventDefault(); }
      if (e.key === "ArrowLeft") { select((i - 1 + tabs.length) % tabs.length, true); e.preventDefault(); }
      if (e.key === "Home") { select(0, true); e.preventDefault(); }
      if (e.key === "End") { select(tabs.length - 1, true); e.preventDefault(); }
    });
    root.insertBefore(bar, root.firstChild);
    root.classList.add("js-tabs");
    select(0, false);
  });
  // The read beacon ([data-read-beacon]) and impressions are counted by static/js/stats.js.

  // 点赞 without leaving the page; the form still works without this script.
  function showLike(form, liked, likes) {
    form.querySelector("button").setAttribute("aria-pressed", liked ? "true" : "false");
    form.querySelector("[data-like-label]").textContent = liked ? "已赞" : "点赞";
    form.querySelector("input[name=action]").value = liked ? "unlike" : "like";
    if (typeof likes === "number") form.querySelector("[data-like-count]").textContent = String(likes);
  }
  document.querySelectorAll("form[data-like]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      fetch(form.getAttribute("action"), {
        method: "POST", credentials: "same-origin",
        headers: { "Accept": "application/json" }, body: new FormData(form)
      }).then(function (r) { return r.json(); }).then(function (data) {
        if (typeof data.likes !== "number") return;
        showLike(form, data.liked, data.likes);
      }).catch(function () { form.submit(); });
    });
  });

  // 关注 / 已关注 without leaving the page. A signed-in reader's own page has a form; a page from a
  // cache has a link to the follow page, which becomes the same button once /state/ says who the
  // reader is (and gives the CSRF token the cached page could not carry).
  var csrfToken = "";
  function followLabel(el, following) {
    var name = el.getAttribute("data-name") || "";
    var button = el.matches("form") ? el.querySelector("button") : el;
    button.setAttribute("aria-pressed", following ? "true" : "false");
    button.textContent = "";
    if (following) {
      var on = document.createElement("span"); on.className = "follow-on"; on.textContent = "已关注";
      var undo = document.createElement("span"); undo.className = "follow-undo"; undo.textContent = "取消关注";
      button.appendChild(on); button.appendChild(undo);
    } else {
      button.appendChild(document.createTextNode("关注"));
    }
    var hidden = document.createElement("span"); hidden.className = "visually-hidden"; hidden.textContent = " " + name;
    button.appendChild(hidden);
    var action = el.matches("form") && el.querySelector("input[name=action]");
    if (action) action.value = following ? "unfollow" : "follow";
  }
  function toggleFollow(el) {
    var handle = el.getAttribute("data-follow");
    var button = el.matches("form") ? el.querySelector("button") : el;
    var following = button.getAttribute("aria-pressed") === "true";
    var data = new FormData();
    data.append("action", following ? "unfollow" : "follow");
    var token = csrfToken || ((el.querySelector && el.querySelector("input[name=csrfmiddlewaretoken]")) || {}).value || "";
    return fetch("/u/" + encodeURIComponent(handle) + "/follow/", {
      method: "POST", credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token }, body: data
    }).then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); }).then(function (json) {
      document.querySelectorAll("[data-follow]").forEach(function (other) {
        if (other.getAttribute("data-follow") === handle) followLabel(other, json.following);
      });
      document.querySelectorAll("[data-followers]").forEach(function (dd) {
        if (dd.getAttribute("data-followers") === handle) dd.textContent = String(json.followers);
      });
    });
  }
  document.querySelectorAll("form[data-follow]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      toggleFollow(form).catch(function () { form.submit(); });
    });
  });
  document.querySelectorAll("a[data-follow]").forEach(function (link) {
    link.addEventListener("click", function (e) {
      if (!link.hasAttribute("data-signed-in")) return;  // signed out: the follow page asks to sign in
      e.preventDefault();
      toggleFollow(link).catch(function () { window.location.href = link.href; });
    });
    link.addEventListener("keydown", function (e) { if (e.key === " ") { e.preventDefault(); link.click(); } });
  });

  // The reader's own state on a page that may come from a cache (or the back/forward cache).
  var likeForm = document.querySelector("form[data-like][data-article]");
  var followEls = Array.prototype.slice.call(document.querySelectorAll("[data-follow]"));
  function refreshState() {
    var query = [];
    if (likeForm) query.push("a=" + encodeURIComponent(likeForm.getAttribute("data-article")));
    followEls.forEach(function (el) { query.push("u=" + encodeURIComponent(el.getAttribute("data-follow"))); });
    fetch("/state/?" + query.join("&"), { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (likeForm && typeof state.liked === "boolean") showLike(likeForm, state.liked, state.likes);
        if (state.csrf) csrfToken = state.csrf;
        followEls.forEach(function (el) {
          if (state.signed_in && el.matches("a")) el.setAttribute("data-signed-in", "");
          var following = state.following && state.following[el.getAttribute("data-follow")];
          if (typeof following === "boolean") followLabel(el, following);
        });
      })
      .catch(function () { /* the page keeps what it was rendered with */ });
  }
  if (likeForm || followEls.length) {
    refreshState();
    window.addEventListener("pageshow", function (e) { if (e.persisted) refreshState(); });
  }

  // 收藏 / 已收藏 without leaving the page (signed-in readers only; the form works without this).
  document.querySelectorAll("form[data-save]").forEach(function (form) {
    var button = form.querySelector("button");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      fetch(form.getAttribute("action"), {
        method: "POST", credentials: "same-origin",
        headers: { "Accept": "application/json" }, body: new FormData(form)
      }).then(function (r) { return r.json(); }).then(function (data) {
        if (typeof data.saved !== "boolean") throw new Error("no state");
        button.setAttribute("aria-pressed", data.saved ? "true" : "false");
        button.textContent = data.saved ? "已收藏" : "收藏";
        form.setAttribute("action", form.getAttribute("data-save") + (data.saved ? "unsave/" : "save/"));
      }).catch(function () { form.submit(); });
    });
  });

  // 不感兴趣: remove the item at once and say so; the form posts normally without this script.
  document.querySelectorAll("form[data-feed-ni]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      fetch(form.getAttribute("action"), {
        method: "POST", credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" },
        body: new FormData(form)
      }).then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        var item = document.getElementById(form.getAttribute("data-feed-ni"));
        var list = item && item.parentElement;
        var gone = item ? [item] : [];
        if (item && form.getAttribute("data-kind") === "creator") {
          // Every item of that creator goes, not only the one the reader acted on.
          gone = Array.prototype.slice.call(list.querySelectorAll("li[data-creator]")).filter(function (li) {
            return li.getAttribute("data-creator") === item.getAttribute("data-creator");
          });
        }
        var next = item && item.nextElementSibling;
        while (next && gone.indexOf(next) >= 0) next = next.nextElementSibling;
        if (!next && item) next = item.previousElementSibling;
        while (next && gone.indexOf(next) >= 0) next = next.previousElementSibling;
        gone.forEach(function (li) { li.remove(); });
        var status = document.querySelector("[data-feed-status]");
        if (status) status.textContent = "已减少此类推荐";
        var link = next && next.querySelector("a");
        if (link) link.focus(); else if (list) list.closest("section").querySelector("h2").focus();
      }).catch(function () { form.submit(); });
    });
  });

  // Portal times (刚刚, N分钟前, N小时前, MM-DD HH:MM, YYYY-MM-DD), the rules of
  // tidings.lib.timefmt.portal_time: the page may come from a cache up to a minute old, so the
  // labels are recomputed now and every minute from the datetime attribute (UTC). The title
  // holds the site-zone time "YYYY-MM-DD HH:MM:SS"; its difference from the datetime is the
  // zone's offset, which gives "this year" in the site's zone rather than the reader's.
  function portalTime(el, now) {
    var at = Date.parse(el.getAttribute("datetime"));
    var local = el.getAttribute("title") || "";
    if (isNaN(at) || !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(local)) return null;
    var seconds = (now - at) / 1000;
    if (seconds > -60 && seconds < 60) return "刚刚";
    if (seconds > 0 && seconds < 3600) return Math.floor(seconds / 60) + "分钟前";
    if (seconds > 0 && seconds < 86400) return Math.floor(seconds / 3600) + "小时前";
    var offset = Date.parse(local.replace(" ", "T") + "Z") - at;
    var thisYear = new Date(now + offset).getUTCFullYear();
    return Number(local.slice(0, 4)) === thisYear ? local.slice(5, 16) : local.slice(0, 10);
  }
  function refreshTimes() {
    var now = Date.now();
    document.querySelectorAll("time[data-ago]").forEach(function (el) {
      var text = portalTime(el, now);
      if (text && el.textContent !== text) el.textContent = text;
    });
  }
  refreshTimes();
  setInterval(refreshTimes, 60000);
})();
