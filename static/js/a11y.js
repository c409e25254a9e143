// 无障碍浏览 toolbar and read-aloud. Enhancement only: without this file the toolbar is a
// plain form (/accessibility/set/) and the server renders the chosen classes.
// The preferences cookie is shared with the server: tidings/web/a11y.py describes the format.
(function () {
  "use strict";

  var COOKIE = "tidings_a11y";
  var SCALES = [100, 110, 125, 150, 175, 200];
  var FLAGS = { l: "spacing", p: "pointer", g: "guide", s: "speak", o: "open" };
  var root = document.documentElement;
  var body = document.body;
  var toolbar = document.getElementById("a11y-toolbar");
  var status = document.getElementById("a11y-status");

  function readPrefs() {
    var m = document.cookie.match(/(?:^|; )tidings_a11y=([^;]*)/);
    var prefs = { scale: 100, contrast: "", spacing: false, pointer: false, guide: false, speak: false, open: false };
    (m ? decodeURIComponent(m[1]) : "").split("-").forEach(function (token) {
      var key = token.charAt(0), value = token.slice(1);
      if (key === "t" && SCALES.indexOf(parseInt(value, 10)) >= 0) prefs.scale = parseInt(value, 10);
      else if (key === "c" && (value === "light" || value === "dark")) prefs.contrast = value;
      else if (!value && FLAGS[key]) prefs[FLAGS[key]] = true;
    });
    return prefs;
  }

  function writePrefs(prefs) {
    var tokens = [];
    if (prefs.scale !== 100) tokens.push("t" + prefs.scale);
    if (prefs.contrast) tokens.push("c" + prefs.contrast);
    Object.keys(FLAGS).forEach(function (key) { if (prefs[FLAGS[key]]) tokens.push(key); });
    var value = tokens.join("-");
    document.cookie = COOKIE + "=" + value + "; path=/; SameSite=Lax; max-age=" + (value ? 31536000 : 0);
  }

  function say(text) { if (status) { status.textContent = ""; setTimeout(function () { status.textContent = text; }, 50); } }

  function apply(prefs) {
    SCALES.forEach(function (s) { root.classList.toggle("a11y-t-" + s, s === prefs.scale && s !== 100); });
    body.classList.toggle("a11y-c-light", prefs.contrast === "light");
    body.classList.toggle("a11y-c-dark", prefs.contrast === "dark");
    ["spacing", "pointer", "guide", "speak"].forEach(function (name) { body.classList.toggle("a11y-" + name, prefs[name]); });
    if (toolbar) {
      toolbar.hidden = !prefs.open;
      var pressed = {
        "contrast-light": prefs.contrast === "light", "contrast-dark": prefs.contrast === "dark",
        spacing: prefs.spacing, pointer: prefs.pointer, guide: prefs.guide, speak: prefs.speak
      };
      Object.keys(pressed).forEach(function (name) {
        var b = toolbar.querySelector('[data-a11y="' + name + '"]');
        if (b) b.setAttribute("aria-pressed", pressed[name] ? "true" : "false");
      });
      var scale = toolbar.querySelector("[data-a11y-scale]");
      if (scale) scale.textContent = prefs.scale + "%";
    }
    document.querySelectorAll("#a11y-open").forEach(function (a) { a.setAttribute("aria-expanded", prefs.open ? "true" : "false"); });
    guide(prefs.guide);
  }

  var prefs = readPrefs();

  function change(update, message) {
    update(prefs);
    writePrefs(prefs);
    apply(prefs);
    if (message) say(message);
  }

  // Opening the toolbar: the header link (and the one at the foot of articles).
  document.querySelectorAll("#a11y-open, [data-a11y-open]").forEach(function (link) {
    link.addEventListener("click", function (e) {
      e.preventDefault();
      var opening = !prefs.open || link.hasAttribute("data-a11y-open");
      change(function (p) { p.open = opening; }, opening ? "无障碍工具栏已打开" : "无障碍工具栏已关闭");
      if (opening && toolbar) { var first = toolbar.querySelector("button"); if (first) first.focus(); }
    });
  });

  if (toolbar) {
    toolbar.addEventListener("click", function (e) {
      var b = e.target.closest("button[data-a11y]");
      if (!b) return;
      e.preventDefault();
      var action = b.getAttribute("data-a11y");
      var i = SCALES.indexOf(prefs.scale);
      switch (action) {
        case "text-up": change(function (p) { p.scale = SCALES[Math.min(SCALES.length - 1, i + 1)]; }, "文字 " + SCALES[Math.min(SCALES.length - 1, i + 1)] + "%"); break;
        case "text-down": change(function (p) { p.scale = SCALES[Math.max(0, i - 1)]; }, "文字 " + SCALES[Math.max(0, i - 1)] + "%"); break;
        case "contrast-light": change(function (p) { p.contrast = p.contrast === "light" ? "" : "light"; }, prefs.contrast === "light" ? "已恢复默认配色" : "高对比（亮）"); break;
        case "contrast-dark": change(function (p) { p.contrast = p.contrast === "dark" ? "" : "dark"; }, prefs.contrast === "dark" ? "已恢复默认配色" : "高对比（暗）"); break;
        case "spacing": case "pointer": case "guide": case "speak":
          change(function (p) { p[action] = !p[action]; }, b.textContent.trim() + (prefs[action] ? " 已关闭" : " 已打开"));
          if (action === "speak" && prefs.speak && !voiceFor("zh-CN")) say(NO_VOICE);
          break;
        case "reset": change(function (p) { var open = p.open; Object.assign(p, readPrefsDefaults()); p.open = open; }, "已恢复默认设置"); break;
        case "close": change(function (p) { p.open = false; }, "无障碍工具栏已关闭"); var opener = document.getElementById("a11y-open"); if (opener) opener.focus(); break;
      }
    });
  }

  function readPrefsDefaults() { return { scale: 100, contrast: "", spacing: false, pointer: false, guide: false, speak: false }; }

  // Reading guide: a horizontal ruler that follows the pointer (or the focused element).
  var ruler = null;
  function moveRuler(y) { if (ruler) ruler.style.top = Math.max(0, y - 2) + "px"; }
  function onMove(e) { moveRuler(e.clientY); }
  function onFocus(e) { var r = e.target.getBoundingClientRect(); moveRuler(r.bottom + 2); }
  function guide(on) {
    if (on && !ruler) {
      ruler = document.createElement("div");
      ruler.id = "a11y-guide";
      ruler.setAttribute("aria-hidden", "true");
      body.appendChild(ruler);
      moveRuler(window.innerHeight / 3);
      document.addEventListener("mousemove", onMove);
      document.addEventListener("focusin", onFocus);
    } else if (!on && ruler) {
      ruler.remove();
      ruler = null;
      document.removeEventListener("mousemove", onMove);
      document.removeEventListener("focusin", onFocus);
    }
  }

  // Speech: a zh-CN voice where the browser has one; a clear message where it has none.
  var NO_VOICE = "此浏览器没有可用的朗读语音，无法朗读。可以在系统设置中安装中文语音，或使用读屏软件。";
  var synth = window.speechSynthesis;
  function voiceFor(lang) {
    if (!synth || !window.SpeechSynthesisUtterance) return null;
    var voices = synth.getVoices();
    var prefix = lang.split("-")[0];
    return voices.filter(function (v) { return v.lang === lang || v.lang.replace("_", "-") === lang; })[0] ||
      voices.filter(function (v) { return v.lang.indexOf(prefix) === 0; })[0] || null;
  }
  function utter(text, lang) {
    var u = new SpeechSynthesisUtterance(text);
    u.lang = lang;
    var v = voiceFor(lang);
    if (v) u.voice = v;
    return u;
  }

  // 指读: read aloud what is focused or hovered.
  var hoverTimer = null;
  function speakElement(el) {
    if (!prefs.speak || !el || !synth) return;
    var text = (el.getAttribute("aria-label") || el.alt || el.innerText || el.textContent || "").trim().slice(0, 300);
    if (!text) return;
    if (!voiceFor("zh-CN")) { say(NO_VOICE); return; }
    synth.cancel();
    synth.speak(utter(text, el.closest("[lang]") ? el.closest("[lang]").getAttribute("lang") === "en" ? "en-US" : "zh-CN" : "zh-CN"));
  }
  document.addEventListener("focusin", function (e) { speakElement(e.target); });
  document.addEventListener("mouseover", function (e) {
    if (!prefs.speak) return;
    clearTimeout(hoverTimer);
    var el = e.target.closest("a, button, h1, h2, h3, p, li, figcaption, img");
    hoverTimer = setTimeout(function () { speakElement(el); }, 400);
  });

  // 朗读全文: the article, sentence by sentence, the sentence being read highlighted.
  var tts = document.getElementById("tts");
  if (tts) {
    var lang = tts.getAttribute("data-lang") || "zh-CN";
    var ttsStatus = document.getElementById("tts-status");
    // One control: 朗读全文, which becomes 暂停 while reading and 继续 when paused; 停止 beside it
    // while there is something to stop.
    var play = tts.querySelector('[data-tts="play"]');
    var stop = tts.querySelector('[data-tts="stop"]');
    var sentences = null, index = 0, state = "idle";
    tts.hidden = false;

    var tell = function (text) { ttsStatus.textContent = text; };
    // Sentences are Ranges over the text as it is (links and emphasis stay intact); the one
    // being read is painted with the CSS Custom Highlight API, or its block is marked where
    // the browser lacks it.
    var highlights = window.CSS && CSS.highlights && window.Highlight;
    var split = function () {
      if (sentences) return sentences;
      sentences = [];
      var blocks = document.querySelectorAll("#article-title, .article-body p, .article-body h2, .article-body h3, .article-body li, .article-body figcaption");
      blocks.forEach(function (block) {
        var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
        var nodes = [], starts = [], text = "", node;
        while ((node = walker.nextNode())) { nodes.push(node); starts.push(text.length); text += node.data; }
        var at = function (offset) {
          for (var k = nodes.length - 1; k >= 0; k--) if (starts[k] <= offset) return [nodes[k], Math.min(offset - starts[k], nodes[k].data.length)];
          return [nodes[0], 0];
        };
        var re = /[^。！？!?；;]+[。！？!?；;”」』）)]*/g, m;
        while ((m = re.exec(text))) {
          if (!m[0].trim()) continue;
          var range = document.createRange();
          var a = at(m.index), b = at(m.index + m[0].length);
          range.setStart(a[0], a[1]);
          range.setEnd(b[0], b[1]);
          sentences.push({ range: range, text: m[0].trim(), block: block });
        }
      });
      return sentences;
    };
    var mark = function (i) {
      document.querySelectorAll(".tts-current, .tts-reading").forEach(function (el) { el.classList.remove("tts-current", "tts-reading"); });
      if (highlights) CSS.highlights.delete("tts");
      var s = sentences && sentences[i];
      if (!s) return;
      if (highlights) CSS.highlights.set("tts", new Highlight(s.range));
      else s.block.classList.add("tts-current");
      s.block.classList.add("tts-reading");
      s.block.scrollIntoView({ block: "center", behavior: "smooth" });
    };
    var setState = function (next) {
      state = next;
      play.textContent = { idle: "朗读全文", playing: "暂停", paused: "继续" }[next];
      play.setAttribute("aria-pressed", next === "playing" ? "true" : "false");
      stop.hidden = next === "idle";
    };
    var speakFrom = function (i) {
      index = i;
      if (index >= sentences.length) { mark(-1); setState("idle"); tell("朗读完毕"); return; }
      mark(index);
      var u = utter(sentences[index].text, lang);
      u.onend = function () { if (state === "playing") speakFrom(index + 1); };
      u.onerror = function (e) { if (e.error !== "interrupted" && e.error !== "canceled") { setState("idle"); tell("朗读出错：" + e.error); } };
      synth.speak(u);
    };
    play.addEventListener("click", function () {
      if (!synth || !voiceFor(lang)) { tell(NO_VOICE); return; }
      if (state === "playing") { synth.pause(); setState("paused"); tell("已暂停"); return; }
      if (state === "paused") { setState("playing"); synth.resume(); tell("继续朗读"); return; }
      split();
      synth.cancel();
      setState("playing");
      tell("正在朗读");
      speakFrom(0);
    });
    stop.addEventListener("click", function () { setState("idle"); synth.cancel(); mark(-1); tell("已停止"); play.focus(); });
    // Without a voice the control says so when pressed (not on its own, which would move the page).
  }

  apply(prefs);
})();
