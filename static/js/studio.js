// The studio's editor, enhanced: Markdown toolbar, live server-rendered preview, image upload
// with progress (button, drag-and-drop or paste) that asks for alt text and a caption, rich text
// pasted from Word, 公众号 or a web page turned into Markdown (its images brought in), 字数 and the
// title's length, and autosave that never overwrites newer text.
// Without this file the form still saves, previews on save and uploads with the form.
(function () {
  "use strict";
  var form = document.getElementById("article-form");
  if (!form) return;
  var body = document.getElementById("f-body");
  var preview = document.getElementById("preview");
  var autosaveStatus = document.getElementById("autosave-status");
  var uploadStatus = document.getElementById("upload-status");
  var fileInput = document.getElementById("f-image");
  var altInput = document.getElementById("f-image-alt");
  var progressBox = form.querySelector(".upload-progress");
  var progress = document.getElementById("upload-progress");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function say(el, text) { if (el) el.textContent = text; }
  function clock() {
    var d = new Date();
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map(function (n) { return (n < 10 ? "0" : "") + n; }).join(":");
  }

  // Insert text at the cursor (or around the selection) and tell listeners the body changed.
  function insert(before, after, placeholder) {
    var start = body.selectionStart, end = body.selectionEnd;
    var selected = body.value.slice(start, end) || placeholder || "";
    body.setRangeText(before + selected + (after || ""), start, end, "end");
    if (!body.value.slice(start, end) && placeholder) {
      body.setSelectionRange(start + before.length, start + before.length + selected.length);
    }
    body.focus();
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function lineStart(prefix, placeholder) {
    var start = body.selectionStart;
    var atLineStart = start === 0 || body.value.charAt(start - 1) === "\n";
    insert((atLineStart ? "" : "\n") + prefix, "", placeholder);
  }

  // Toolbar: 加粗, 标题, 链接, 图片, 引用, 列表, 代码.
  var toolbar = form.querySelector(".md-toolbar");
  if (toolbar) {
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (e) {
      var btn = e.target.closest("button[data-md]");
      if (!btn) return;
      switch (btn.getAttribute("data-md")) {
        case "bold": insert("**", "**", "加粗文字"); break;
        case "heading": lineStart("## ", "小标题"); break;
        case "link": insert("[", "](https://)", "链接文字"); break;
        case "image": if (fileInput) { fileInput.click(); } break;
        case "quote": lineStart("> ", "引用"); break;
        case "list": lineStart("- ", "列表项"); break;
        case "code": insert("`", "`", "代码"); break;
      }
    });
  }

  // Live preview: the server renders with the same renderer and sanitiser as the article page.
  var previewTimer = null, previewSeq = 0;
  function refreshPreview() {
    var seq = ++previewSeq;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("body_md", body.value);
    fetch("/studio/preview/", { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (json) {
        if (seq === previewSeq && typeof json.html === "string") { preview.innerHTML = json.html; countWords(); }
      })
      .catch(function () { /* the preview stays as it was; saving still works */ });
  }
  body.addEventListener("input", function () {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreview, 500);
  });

  // 字数: counted in the preview, as the reader will see the text (tidings.lib.cjk.count_words
  // counts the same way: each CJK character, and each run of letters or digits, as one).
  var wordCount = form.querySelector("[data-word-count]");
  var COUNTED = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]|[\ud840-\ud8bf][\udc00-\udfff]|[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*/g;
  function countWords() {
    if (wordCount) wordCount.textContent = String((preview.textContent.match(COUNTED) || []).length);
  }
  // The title's length against its 5–30 字 hint.
  var title = document.getElementById("f-title");
  var titleHelp = form.querySelector("[data-title-help]");
  if (title && titleHelp) {
    var lo = Number(titleHelp.getAttribute("data-min")), hi = Number(titleHelp.getAttribute("data-max"));
    var titleCount = titleHelp.querySelector("[data-title-count]"), advice = titleHelp.querySelector("[data-title-advice]");
    var showTitle = function () {
      var n = Array.from(title.value.replace(/\s+/g, "")).length;
      titleCount.textContent = String(n);
      advice.textContent = n && n < lo ? "：偏短，读者难以看出写的是什么" : n > hi ? "：偏长，列表里会显示不全" : "";
      titleHelp.classList.toggle("out-of-range", (n > 0 && n < lo) || n > hi);
    };
    title.addEventListener("input", showTitle);
    showTitle();
  }

  // Image upload with progress. Every image the creator chooses, drops or pastes as a file asks
  // first for its alt text and caption (a <dialog>), then goes in as ![alt](url "caption").
  var dialog = document.getElementById("image-dialog");
  var captionInput = document.getElementById("f-image-caption");
  function askImage(file) {
    return new Promise(function (resolve) {
      if (!dialog || typeof dialog.showModal !== "function") {
        resolve({ alt: (altInput && altInput.value) || "", caption: (captionInput && captionInput.value) || "" });
        return;
      }
      var alt = document.getElementById("d-image-alt"), caption = document.getElementById("d-image-caption");
      // Closing a dialog gives focus back to the text box with the caret at its start: keep it where it was.
      var selStart = body.selectionStart, selEnd = body.selectionEnd;
      alt.value = (altInput && altInput.value) || "";
      caption.value = (captionInput && captionInput.value) || "";
      dialog.querySelector("[data-image-name]").textContent = file.name || "粘贴的图片";
      var done = function (answer) {
        dialog.removeEventListener("close", onClose);
        if (dialog.open) dialog.close();
        body.focus();
        body.setSelectionRange(selStart, selEnd);
        resolve(answer);
      };
      var onClose = function () { done(null); };
      dialog.querySelector("[data-image-ok]").onclick = function () { done({ alt: alt.value, caption: caption.value }); };
      dialog.querySelector("[data-image-cancel]").onclick = function () { done(null); };
      dialog.addEventListener("close", onClose);
      dialog.showModal();
      alt.focus();
    });
  }
  var queue = Promise.resolve();
  function later(job) { queue = queue.then(job, job); return queue; }

  // POST a file (or a fetch of another site's image) and resolve with the server's JSON reply.
  function send(url, data, label) {
    return new Promise(function (resolve, reject) {
      data.append("csrfmiddlewaretoken", csrf);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      if (progressBox) { progressBox.hidden = false; progress.value = 0; }
      say(uploadStatus, "正在上传 " + label + " …");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable && progress) progress.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.addEventListener("load", function () {
        var json = {};
        try { json = JSON.parse(xhr.responseText); } catch (err) { json = { error: "上传失败（服务器返回 " + xhr.status + "）。" }; }
        if (xhr.status === 200 && json.markdown) { if (progress) progress.value = 100; resolve(json); }
        else reject(new Error(json.error || "上传失败，请重试。"));
      });
      xhr.addEventListener("error", function () { reject(new Error("上传失败：网络错误，请重试。")); });
      xhr.send(data);
    });
  }
  function uploadFile(file, alt, caption) {
    var data = new FormData();
    data.append("image", file, file.name || "pasted.png");
    data.append("alt", alt || "");
    data.append("caption", caption || "");
    return send("/studio/upload/", data, file.name || "图片");
  }
  function upload(file) {
    return later(function () {
      return askImage(file).then(function (answer) {
        if (!answer) { say(uploadStatus, "已取消插入图片。"); return; }
        return uploadFile(file, answer.alt, answer.caption).then(function (json) {
          body.setSelectionRange(body.selectionEnd, body.selectionEnd);  // after any selection, never around it
          insert("\n\n" + json.markdown + "\n\n", "", "");
          say(uploadStatus, "已上传并插入：" + (file.name || "图片"));
          if (altInput) altInput.value = "";
          if (captionInput) captionInput.value = "";
        }, function (err) { say(uploadStatus, err.message); });
      }).then(function () { if (fileInput) fileInput.value = ""; });
    });
  }
  if (fileInput) {
    var fallback = form.querySelector("[data-upload-button]");
    if (fallback) fallback.hidden = true;
    fileInput.addEventListener("change", function () { if (fileInput.files.length) upload(fileInput.files[0]); });
  }
  body.addEventListener("dragover", function (e) {
    if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0) {
      e.preventDefault();
      body.classList.add("dragging");
    }
  });
  body.addEventListener("dragleave", function () { body.classList.remove("dragging"); });
  body.addEventListener("drop", function (e) {
    body.classList.remove("dragging");
    if (e.dataTransfer && e.dataTransfer.files.length) {
      e.preventDefault();
      Array.prototype.forEach.call(e.dataTransfer.files, upload);
    }
  });

  // Paste from Word, a 公众号 editor or a web page: the HTML on the clipboard becomes Markdown
  // (turndown, vendored in static/vendor/turndown), cleaned of what those editors add. Images in
  // it come into the media library: data: pictures and picture files on the clipboard by upload,
  // http(s) ones through the server's guarded fetch (/studio/fetch-image/). Ctrl+Shift+V pastes
  // the plain text as it is. The server renders and sanitises whatever ends up in the text.
  var plainPaste = false;
  body.addEventListener("keydown", function (e) {
    plainPaste = (e.ctrlKey || e.metaKey) && e.shiftKey && (e.key === "V" || e.key === "v");
  });
  body.addEventListener("paste", function (e) {
    var clip = e.clipboardData;
    var plain = plainPaste;
    plainPaste = false;
    if (!clip || plain) return;
    var html = clip.getData("text/html");
    var files = Array.prototype.filter.call(clip.files || [], function (f) { return /^image\//.test(f.type); });
    if (html && window.TurndownService && /<(p|div|h[1-6]|li|img|table|b|strong|em|i|a|section|blockquote|br)\b/i.test(html)) {
      e.preventDefault();
      var pasted = pasteToMarkdown(html);
      insert(pasted.markdown, "", "");
      bringImagesIn(pasted.images, files);
    } else if (files.length) {
      e.preventDefault();
      files.forEach(upload);
    }
  });

  var pasteSeq = 0;
  function pasteToMarkdown(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");  // inert: nothing runs or loads
    var root = doc.body;
    cleanPaste(root, doc);
    var images = [];
    var td = new TurndownService({
      headingStyle: "atx", hr: "---", bulletListMarker: "-", codeBlockStyle: "fenced",
      emDelimiter: "*", strongDelimiter: "**", linkStyle: "inlined"
    });
    if (window.turndownPluginGfm) td.use([turndownPluginGfm.tables, turndownPluginGfm.strikethrough]);
    td.remove(["script", "style", "meta", "link", "title", "noscript", "iframe", "object", "embed", "button",
      "input", "select", "textarea", "form", "svg", "video", "audio", "canvas", "template"]);
    td.addRule("safe-links", {
      filter: function (node) { return node.nodeName === "A"; },
      replacement: function (content, node) {
        var href = (node.getAttribute("href") || "").trim();
        // Word's bookmarks (#_Toc…, which the clipboard may turn into this page's own address),
        // javascript: and the like: the text stays, the link goes.
        var here = window.location.href.split("#")[0];
        if (!content.trim() || !/^(https?:|mailto:)/i.test(href) || href.split("#")[0] === here) return content;
        return "[" + content + "](" + href.replace(/[()\s]/g, function (c) { return encodeURIComponent(c); }) + ")";
      }
    });
    td.addRule("list-items", {  // "- item" and "1. item", as people type them (turndown pads to four)
      filter: "li",
      replacement: function (content, node, options) {
        var parent = node.parentNode, prefix = options.bulletListMarker + " ";
        if (parent.nodeName === "OL") {
          var start = Number(parent.getAttribute("start") || 1);
          prefix = (start + Array.prototype.indexOf.call(parent.children, node)) + ". ";
        }
        var pad = new Array(prefix.length + 1).join(" ");
        content = content.replace(/^\n+/, "").replace(/\n+$/, "\n").replace(/\n(?!$)/gm, "\n" + pad);
        return prefix + content + (node.nextSibling && !/\n$/.test(content) ? "\n" : "");
      }
    });
    td.addRule("pasted-images", {
      filter: "img",
      replacement: function (content, node) {
        var src = (node.getAttribute("data-src") || node.getAttribute("src") || "").trim();
        if (!src) return "";
        var token = "tidings-paste-" + (++pasteSeq);
        var alt = (node.getAttribute("alt") || "").replace(/[\[\]\n]/g, " ").trim() || "图片";
        var caption = (node.getAttribute("title") || "").replace(/["\n]/g, " ").trim();
        images.push({ token: token, src: src, alt: alt, caption: caption });
        return "\n\n![" + alt + "](" + token + (caption ? ' "' + caption + '"' : "") + ")\n\n";
      }
    });
    var md = td.turndown(root)
      .replace(/\u00a0/g, " ")
      .replace(/[ \t]+$/gm, "")
      .replace(/^\s*(\*\*|__)\s*$/gm, "")  // emphasis around nothing
      .replace(/\n{3,}/g, "\n\n")
      .trim();
    var start = body.selectionStart;
    var before = body.value.slice(0, start);
    var lead = !before || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
    return { markdown: lead + md + "\n\n", images: images };
  }

  // What Word and 公众号 editors put around the content: comments, hidden parts, Office tags,
  // lists drawn as paragraphs with a bullet, bold and italic as styles, pictures behind data-src.
  function cleanPaste(root, doc) {
    var walker = doc.createTreeWalker(root, NodeFilter.SHOW_COMMENT), comments = [], n;
    while ((n = walker.nextNode())) comments.push(n);
    comments.forEach(function (c) { c.remove(); });
    Array.prototype.slice.call(root.querySelectorAll("*")).forEach(function (el) {
      var style = (el.getAttribute("style") || "").toLowerCase().replace(/\s+/g, "");
      if (/display:none|mso-hide:all|visibility:hidden/.test(style)) { el.remove(); return; }
      if (el.localName.indexOf(":") >= 0) {  // <o:p>, <v:shape>, <w:…>: Office's own tags
        el.replaceWith.apply(el, Array.prototype.slice.call(el.childNodes));
        return;
      }
      if (el.localName === "img" && el.getAttribute("data-src")) el.setAttribute("src", el.getAttribute("data-src"));
      if (/^(span|font|section|p|div)$/.test(el.localName) && el.childNodes.length) {
        var bold = /font-weight:(bold|[6-9]00)/.test(style), italic = /font-style:italic/.test(style);
        if (bold || italic) {
          var wrap = doc.createElement(bold ? "strong" : "em");
          while (el.firstChild) wrap.appendChild(el.firstChild);
          if (bold && italic) { var em = doc.createElement("em"); while (wrap.firstChild) em.appendChild(wrap.firstChild); wrap.appendChild(em); }
          el.appendChild(wrap);
        }
      }
      if (el.localName === "p" && /(^|\s)MsoTitle/.test(el.className)) {
        var h = doc.createElement("h2");
        while (el.firstChild) h.appendChild(el.firstChild);
        el.replaceWith(h);
      }
    });
    // Word's lists: paragraphs (class MsoListParagraph…, style mso-list) that start with their
    // bullet or number in a span marked mso-list:Ignore. Runs of them become <ul>/<ol>.
    var items = Array.prototype.slice.call(root.querySelectorAll("p")).filter(function (p) {
      return /MsoListParagraph/.test(p.className) || /mso-list/i.test(p.getAttribute("style") || "");
    });
    items.forEach(function (p) {
      var marker = p.querySelector('span[style*="mso-list"]');
      var text = marker ? marker.textContent.replace(/\s+/g, "") : "";
      if (marker) marker.remove();
      p.setAttribute("data-list", /^[(（]?[0-9A-Za-z一二三四五六七八九十]+[.)）、]/.test(text) ? "ol" : "ul");
    });
    items.forEach(function (p) {
      if (!p.parentNode) return;
      var prev = p.previousElementSibling;
      var list = prev && prev.getAttribute("data-pasted-list") === p.getAttribute("data-list") ? prev : null;
      if (!list) {
        list = doc.createElement(p.getAttribute("data-list"));
        list.setAttribute("data-pasted-list", p.getAttribute("data-list"));
        p.parentNode.insertBefore(list, p);
      }
      var li = doc.createElement("li");
      while (p.firstChild) li.appendChild(p.firstChild);
      list.appendChild(li);
      p.remove();
    });
  }

  // A data: picture as a file to upload (decoded here: the page's CSP lets fetch() reach only the site).
  function dataImage(src, name) {
    var m = /^data:(image\/[a-z0-9.+-]+)?(;base64)?,(.*)$/i.exec(src);
    if (!m) throw new Error("无法读取粘贴的图片。");
    var type = m[1] || "image/png";
    var raw = m[2] ? atob(m[3]) : decodeURIComponent(m[3]);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return new File([bytes], name + "." + (type.split("/")[1] || "png").replace("jpeg", "jpg"), { type: type });
  }
  function replaceToken(token, replacement, wholeImage) {
    var at = body.value.indexOf(token);
    if (at < 0) return;
    var from = at, to = at + token.length;
    if (wholeImage) {  // the whole ![alt](token "caption"), and the blank line it stood on
      from = body.value.lastIndexOf("![", at);
      to = body.value.indexOf(")", at) + 1;
      while (body.value.charAt(to) === "\n" && body.value.charAt(from - 1) === "\n" && body.value.charAt(from - 2) === "\n") to++;
    }
    body.setRangeText(replacement, from, to, "preserve");
  }
  function bringImagesIn(images, files) {
    var nextFile = 0, failed = [], dropped = 0, done = 0;
    var jobs = images.map(function (img) {
      return function () {
        var job;
        if (/^data:image\//i.test(img.src)) {
          job = new Promise(function (resolve) { resolve(dataImage(img.src, img.token)); }).then(function (file) {
            return uploadFile(file, img.alt, img.caption);
          });
        } else if (/^https?:\/\//i.test(img.src)) {
          var data = new FormData();
          data.append("url", img.src);
          data.append("alt", img.alt);
          data.append("caption", img.caption);
          job = send("/studio/fetch-image/", data, img.src.split("/").pop() || "图片").catch(function (err) {
            replaceToken(img.token, img.src, false);  // kept: saving tries again and says why it cannot
            failed.push(err.message);
            throw err;
          });
        } else if (nextFile < files.length) {  // Word's local picture: the file on the clipboard
          job = uploadFile(files[nextFile++], img.alt, img.caption);
        } else {
          replaceToken(img.token, "", true);
          dropped++;
          return Promise.resolve();
        }
        return job.then(function (json) {
          replaceToken(img.token, json.url, false);
          done++;
          body.dispatchEvent(new Event("input", { bubbles: true }));
        }, function (err) { if (failed.indexOf(err.message) < 0) { replaceToken(img.token, "", true); failed.push(err.message); } });
      };
    });
    if (!jobs.length) return;
    say(uploadStatus, "正在上传粘贴内容里的 " + jobs.length + " 张图片 …");
    jobs.forEach(function (job) { later(job); });
    later(function () {
      var parts = [];
      if (done) parts.push("已上传粘贴内容里的 " + done + " 张图片。");
      if (dropped) parts.push(dropped + " 张图片在对方电脑上，无法随文字粘贴：请另存为图片后上传。");
      if (failed.length) parts.push(failed.join(" "));
      say(uploadStatus, parts.join(" "));
      body.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }
  countWords();

  // Autosave (drafts only): every few seconds when something changed. The version sent is the one
  // the text is based on; the server refuses an older one (409) and the page says so.
  if (form.getAttribute("data-autosave") !== "1") return;
  var version = form.querySelector("input[name=version]");
  function snapshot() {
    var data = new FormData(form);
    data.delete("image_file");
    data.delete("cover_file");
    data.delete("action");
    return data;
  }
  function serialise(data) {
    var parts = [];
    data.forEach(function (v, k) { if (k !== "version" && k !== "csrfmiddlewaretoken") parts.push(k + "=" + v); });
    return parts.join("&");
  }
  var saved = serialise(snapshot()), busy = false, stopped = false;
  function autosave() {
    if (busy || stopped) return;
    var data = snapshot();
    var state = serialise(data);
    if (state === saved) return;
    if (!form.getAttribute("data-article") && !body.value.trim() && !form.querySelector("#f-title").value.trim()) return;
    busy = true;
    data.append("article", form.getAttribute("data-article") || "");
    fetch("/studio/autosave/", { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (json) { return { status: r.status, json: json }; }); })
      .then(function (res) {
        if (res.status === 200) {
          saved = state;
          version.value = res.json.version;
          if (!form.getAttribute("data-article")) {
            form.setAttribute("data-article", res.json.article);
            form.action = res.json.edit_url;
            history.replaceState(null, "", res.json.edit_url);
          }
          say(autosaveStatus, "已保存 " + res.json.saved_at);
        } else if (res.status === 409) {
          stopped = true;
          say(autosaveStatus, (res.json.error || "这篇文章已在别处修改。") + " 自动保存已暂停，你的文字仍在页面上。");
        } else {
          say(autosaveStatus, (res.json.error || "自动保存失败") + "（" + clock() + "）");
        }
      })
      .catch(function () { say(autosaveStatus, "自动保存失败：网络错误，稍后重试（" + clock() + "）"); })
      .then(function () { busy = false; });
  }
  setInterval(autosave, 4000);
  form.addEventListener("submit", function () { stopped = true; });
})();
