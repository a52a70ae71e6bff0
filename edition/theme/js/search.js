/* Search across the volume, in the browser, from the index built with the site
   (assets/search-index.js assigns window.EDITION_SEARCH; a page opened from disk cannot fetch JSON).
   Records: [part, anchor, label, text, folded text, lang, label lang] (a language "" is Turkish);
   parts: [page, title].
   Matching is on folded text: Turkish lowercase (İ→i, I→ı), diacritics dropped, ı = i, apostrophe and
   dash variants as one, one character for one, as edition/search_index.py's search_fold does; so
   "istanbul", "İSTANBUL" and "ISTANBUL" all find "İstanbul". */
(function () {
  "use strict";

  var LIMIT = 200;
  var CONTEXT_BEFORE = 70;
  var CONTEXT_AFTER = 130;
  var EQUIVALENTS = {
    "ı": "i", "’": "'", "‘": "'", "`": "'", "ʼ": "'", "´": "'",
    "‐": "-", "‑": "-", "–": "-", "—": "-"
  };

  function foldChar(ch) {
    var lowered = ch === "İ" ? "i" : ch === "I" ? "ı" : ch.toLowerCase();
    if (lowered.length !== ch.length || Array.from(lowered).length !== 1) return ch;
    var base = Array.from(lowered.normalize("NFD"))[0];
    return EQUIVALENTS[base] || base;
  }

  /* Folds per code point; a character outside the BMP is kept as it is, so positions in the folded
     text are positions in the original. */
  function fold(text) {
    var out = "";
    for (var ch of text) out += ch.length === 1 ? foldChar(ch) : ch;
    return out;
  }
  window.editionFold = fold; // for the tests, which check it against the Python fold

  function terms(query) {
    return fold(query).split(/\s+/).filter(function (t) { return t.length > 0; });
  }

  function search(data, words) {
    var hits = [];
    data.records.forEach(function (record) {
      var folded = record[4];
      var at = -1;
      for (var i = 0; i < words.length; i++) {
        var found = folded.indexOf(words[i]);
        if (found < 0) return;
        if (at < 0) at = found;
      }
      hits.push({ record: record, at: at });
    });
    return hits;
  }

  /* The stretch of text around the first match, cut at spaces, with every match marked. */
  function snippet(record, at, words) {
    var text = record[3];
    var folded = record[4];
    var start = Math.max(0, at - CONTEXT_BEFORE);
    var end = Math.min(text.length, at + CONTEXT_AFTER);
    if (start > 0) {
      var space = text.indexOf(" ", start);
      if (space > 0 && space < at) start = space + 1;
    }
    if (end < text.length) {
      var last = text.lastIndexOf(" ", end);
      if (last > at) end = last;
    }
    var marks = [];
    words.forEach(function (word) {
      var i = folded.indexOf(word, start);
      while (i >= 0 && i < end) {
        marks.push([i, Math.min(i + word.length, end)]);
        i = folded.indexOf(word, i + word.length);
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var span = document.createElement("span");
    span.className = "result-snippet";
    if (record[5]) span.lang = record[5];
    var position = start;
    if (start > 0) span.append("… ");
    marks.forEach(function (mark) {
      if (mark[1] <= position) return;
      var from = Math.max(mark[0], position);
      span.append(text.slice(position, from));
      var m = document.createElement("mark");
      m.textContent = text.slice(from, mark[1]);
      span.append(m);
      position = mark[1];
    });
    span.append(text.slice(position, end));
    if (end < text.length) span.append(" …");
    return span;
  }

  function resultItem(hit, words) {
    var record = hit.record;
    var li = document.createElement("li");
    li.className = "result";
    var a = document.createElement("a");
    a.href = hit.page + "#" + encodeURIComponent(record[1]);
    if (record[2]) {
      var label = document.createElement("span");
      label.className = "result-label";
      label.textContent = record[2];
      if (record[6]) label.lang = record[6];
      a.append(label);
    }
    a.append(snippet(record, hit.at, words));
    li.append(a);
    return li;
  }

  /* Results in reading order, under the title of the article or page they are in. */
  function render(data, hits, words) {
    var container = document.getElementById("search-results");
    var list = null;
    var current = -1;
    var counts = {};  // every hit of a part, also those past the limit
    hits.forEach(function (hit) { counts[hit.record[0]] = (counts[hit.record[0]] || 0) + 1; });
    hits.slice(0, LIMIT).forEach(function (hit) {
      var part = hit.record[0];
      if (part !== current) {
        current = part;
        var section = document.createElement("section");
        section.className = "result-group";
        var heading = document.createElement("h2");
        heading.className = "result-part";
        heading.textContent = data.parts[part][1] + " (" + counts[part] + ")";
        list = document.createElement("ol");
        list.className = "search-results";
        section.append(heading, list);
        container.append(section);
      }
      hit.page = data.parts[part][0];
      list.append(resultItem(hit, words));
    });
  }

  /* A phrase of the interface from the page's catalogue strings (see site.js), its {names} filled in;
     numbers are written as the page's language writes them. */
  function say(key, values) {
    var block = document.getElementById("interface-strings");
    var strings = {};
    try {
      strings = block ? JSON.parse(block.textContent) : {};
    } catch (error) {
      strings = {};
    }
    var lang = document.documentElement.lang || undefined;
    return (strings[key] || key).replace(/\{(\w+)\}/g, function (whole, name) {
      var value = values[name];
      if (value === undefined) return whole;
      return typeof value === "number" ? value.toLocaleString(lang) : value;
    });
  }

  function show(data, query) {
    var container = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var words = terms(query);
    container.replaceChildren();
    if (!words.length) {
      status.textContent = "";
      return;
    }
    var hits = search(data, words);
    render(data, hits, words);
    var q = query.trim();
    if (!hits.length) status.textContent = say("noResults", { query: q });
    else {
      status.textContent = say(hits.length === 1 ? "oneResult" : "results", { query: q, count: hits.length }) +
        (hits.length > LIMIT ? say("firstShown", { limit: LIMIT }) : "") + ".";
    }
  }

  function remember(query) {
    try {
      var url = new URL(window.location.href);
      url.searchParams.set("q", query);
      window.history.replaceState(null, "", url.href);
    } catch (error) {
      // Some browsers refuse to rewrite a file: URL; the results stand all the same.
    }
  }

  function init() {
    var data = window.EDITION_SEARCH;
    var form = document.getElementById("search-form");
    var input = document.getElementById("q");
    var status = document.getElementById("search-status");
    if (!data) {
      status.textContent = say("indexMissing", {});
      return;
    }
    var timer = 0;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      show(data, input.value);
      remember(input.value);
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { show(data, input.value); }, 200);
    });
    var query = new URLSearchParams(window.location.search).get("q") || "";
    input.value = query;
    if (query) show(data, query);
    else input.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
