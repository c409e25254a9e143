// 跟帖: load the section under an article, and post, reply and vote without leaving the page.
// Every form here also works without this file (plain POSTs that come back to the same place).
(function () {
  "use strict";

  function send(form, extra) {
    var data = new FormData(form);
    if (extra) data.append(extra.name, extra.value);
    return fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    }).then(function (r) {
      return r.json().catch(function () { return { ok: false, error: "网络错误，请稍后再试。" }; });
    }, function () { return { ok: false, error: "网络错误，请稍后再试。" }; });
  }

  function say(form, text, isError) {
    var box = form.querySelector("[data-comment-error]");
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
    box.setAttribute("role", isError ? "alert" : "status");
    if (text && isError) box.focus();
  }

  function enhanceVotes(root) {
    root.querySelectorAll("form[data-vote]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var btn = ev.submitter || form.querySelector("button");
        send(form, { name: "value", value: btn.value }).then(function (res) {
          if (!res.ok) { window.alert(res.error || "操作未完成"); return; }
          var up = form.querySelector(".vote-up"), down = form.querySelector(".vote-down");
          up.querySelector("[data-up]").textContent = res.up;
          down.querySelector("[data-down]").textContent = res.down;
          up.setAttribute("aria-pressed", res.mine === 1 ? "true" : "false");
          down.setAttribute("aria-pressed", res.mine === -1 ? "true" : "false");
          up.value = res.mine === 1 ? "none" : "up";
          down.value = res.mine === -1 ? "none" : "down";
        });
      });
    });
  }

  function enhanceForm(form, onPosted) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var area = form.querySelector("textarea");
      if (!area.value.trim()) { say(form, "请输入跟帖内容。", true); area.setAttribute("aria-invalid", "true"); return; }
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      send(form).then(function (res) {
        button.disabled = false;
        if (!res.ok) {
          say(form, res.error + (res.retry_after ? "" : ""), true);
          area.setAttribute("aria-invalid", "true");
          return;  // the typed text stays in the box
        }
        area.value = "";
        area.removeAttribute("aria-invalid");
        say(form, res.message, false);
        if (res.html && onPosted) onPosted(res.html);
      });
    });
  }

  function enhanceConfirm(root) {
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        if (!window.confirm(form.getAttribute("data-confirm"))) ev.preventDefault();
      });
    });
  }

  function insertNew(root, html) {
    var group = root.querySelector("[data-newest]") || root;
    var empty = group.querySelector("[data-no-comments]");
    if (empty) empty.remove();
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var node = holder.firstElementChild;
    if (!node) return;
    var heading = group.querySelector("h3, h2");
    group.insertBefore(node, heading ? heading.nextSibling : group.firstChild);
    enhance(node);
  }

  function enhanceReplies(root, section) {
    var main = section.querySelector("form[data-comment-form]");
    root.querySelectorAll("a[data-reply]").forEach(function (link) {
      if (!main) return;  // signed out: the link goes to the sign-in page's way back
      link.addEventListener("click", function (ev) {
        ev.preventDefault();
        var comment = link.closest(".comment");
        var open = comment.querySelector("form[data-comment-form]");
        if (open) { open.querySelector("textarea").focus(); return; }
        var form = main.cloneNode(true);
        var id = link.getAttribute("data-reply");
        form.removeAttribute("id");
        var area = form.querySelector("textarea"), label = form.querySelector("label");
        area.id = area.id + "-r" + id;
        area.value = "";
        label.setAttribute("for", area.id);
        var name = comment.querySelector(".comment-author");
        label.textContent = "回复 " + (name ? name.textContent.trim() : "");
        var parent = document.createElement("input");
        parent.type = "hidden"; parent.name = "parent"; parent.value = id;
        form.appendChild(parent);
        say(form, "", false);
        comment.appendChild(form);
        enhanceForm(form, function (html) { insertNew(section, html); form.remove(); });
        area.focus();
      });
    });
  }

  function enhance(root, section) {
    section = section || document.querySelector("#comments") || document.querySelector(".comments-page");
    enhanceVotes(root);
    enhanceConfirm(root);
    if (section) enhanceReplies(root, section);
  }

  var holder = document.querySelector("[data-comments-src]");
  if (holder) {
    holder.setAttribute("aria-busy", "true");  // until the section has loaded (or failed to)
    fetch(holder.getAttribute("data-comments-src"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        holder.innerHTML = html;
        var count = holder.querySelector("[data-comment-count]");
        document.querySelectorAll(".engagement-bar [data-comment-count]").forEach(function (el) {
          if (count) el.textContent = count.textContent;
        });
        var form = holder.querySelector("form[data-comment-form]");
        if (form) enhanceForm(form, function (html) { insertNew(holder, html); });
        enhance(holder, holder);
        if (location.hash && location.hash.indexOf("#c") === 0) {
          var target = document.getElementById(location.hash.slice(1));
          if (target) target.scrollIntoView();
        } else if (location.hash === "#comments") {
          holder.scrollIntoView();
        }
      })
      .catch(function () { /* the links to the full list stay */ })
      .then(function () { holder.removeAttribute("aria-busy"); });
  }

  var page = document.querySelector(".comments-page");
  if (page) {
    var form = page.querySelector("form[data-comment-form]");
    if (form) enhanceForm(form, function (html) { insertNew(page.querySelector(".comment-group") || page, html); });
    enhance(page, page);
  }
})();
