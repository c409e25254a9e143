// The studio's editor, enhanced: Markdown toolbar, live server-rendered preview, image upload
// with progress (button or drag-and-drop), and autosave that never overwrites newer text.
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
      .then(function (json) { if (seq === previewSeq && typeof json.html === "string") preview.innerHTML = json.html; })
      .catch(function () { /* the preview stays as it was; saving still works */ });
  }
  body.addEventListener("input", function () {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreview, 500);
  });

  // Image upload with progress: on choosing a file, or dropping one on the body.
  function upload(file) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("image", file);
    data.append("alt", (altInput && altInput.value) || "");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/studio/upload/");
    if (progressBox) { progressBox.hidden = false; progress.value = 0; }
    say(uploadStatus, "正在上传 " + file.name + " …");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable && progress) progress.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener("load", function () {
      var json = {};
      try { json = JSON.parse(xhr.responseText); } catch (err) { json = { error: "上传失败（服务器返回 " + xhr.status + "）。" }; }
      if (xhr.status === 200 && json.markdown) {
        if (progress) progress.value = 100;
        body.setSelectionRange(body.selectionEnd, body.selectionEnd);  // after any selection, never around it
        insert("\n\n" + json.markdown + "\n\n", "", "");
        say(uploadStatus, "已上传并插入：" + file.name);
        if (altInput) altInput.value = "";
      } else {
        say(uploadStatus, json.error || "上传失败，请重试。");
      }
      if (fileInput) fileInput.value = "";
    });
    xhr.addEventListener("error", function () { say(uploadStatus, "上传失败：网络错误，请重试。"); });
    xhr.send(data);
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
