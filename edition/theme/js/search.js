/* Search across the volume, in the browser, from the index built with the site
   (assets/search-index.js assigns window.EDITION_SEARCH; a page opened from disk cannot fetch JSON).
   Records: [part, anchor, label, text, folded text, lang, label lang] (a language "" is the page's,
   the interface language); parts: [page, title].
   Matching is on folded text, as edition/render/search.py's search_fold folds it: lowercase by the
   rules of the text's language, diacritics dropped, apostrophe and dash variants as one, one
   character for one. Only Turkish (and Azerbaijani) text has Turkish case (dotted capital I to i,
   capital I to dotless i) and dotless i matching i, so that there "istanbul" and "ISTANBUL" find the
   city's name however it is capitalised. A query is folded both ways, and a record matches either
   form: each record was folded by its own language's rules, which the reader need not know. */
(function () {
  "use strict";

  var LIMIT = 200;
  var CONTEXT_BEFORE = 70;
  var QUERY_DELAY = 200;
  var CONTEXT_AFTER = 130;
  // The fold is site.js's (every page loads it first: the pages a result opens mark the words too).
  var fold = window.editionFold;

  function terms(query, lang) {
    return fold(query, lang).split(/\s+/).filter(function (t) { return t.length > 0; });
  }

  /* The query's words as each language's records are folded: Turkish and other. */
  function queryTerms(query) {
    return { turkic: terms(query, "tr"), other: terms(query, "und") };
  }

  /* Where the first word is found in a record's folded text if all of them are, else -1. */
  function firstMatch(folded, words) {
    var at = -1;
    for (var i = 0; i < words.length; i++) {
      var found = folded.indexOf(words[i]);
      if (found < 0) return -1;
      if (at < 0) at = found;
    }
    return at;
  }

  function search(data, query) {
    var hits = [];
    data.records.forEach(function (record) {
      var forms = [query.turkic, query.other];
      for (var f = 0; f < forms.length; f++) {
        var at = firstMatch(record[4], forms[f]);
        if (at >= 0) {
          hits.push({ record: record, at: at, words: forms[f] });
          return;
        }
      }
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

  /* A result links to its passage, with the query's words for the page to mark there (site.js). */
  function resultItem(hit, words) {
    var record = hit.record;
    var li = document.createElement("li");
    li.className = "result";
    var a = document.createElement("a");
    a.href = hit.page + "?mark=" + encodeURIComponent(words) + "#" + encodeURIComponent(record[1]);
    if (record[2]) {
      var label = document.createElement("span");
      label.className = "result-label";
      label.textContent = record[2];
      if (record[6]) label.lang = record[6];
      a.append(label);
    }
    a.append(snippet(record, hit.at, hit.words));
    li.append(a);
    return li;
  }

  /* Results in reading order, under the title of the article or page they are in, LIMIT at a time:
     "Show more" adds the next ones, so every result can be reached. */
  function render(data, hits, words, onShown) {
    var container = document.getElementById("search-results");
    var list = null;
    var current = -1;
    var shown = 0;
    var counts = {};  // every hit of a part, also those not shown yet
    hits.forEach(function (hit) { counts[hit.record[0]] = (counts[hit.record[0]] || 0) + 1; });
    var more = document.createElement("button");
    more.type = "button";
    more.className = "search-more";
    function showNext() {
      var batch = hits.slice(shown, shown + LIMIT);
      batch.forEach(function (hit) {
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
          container.insertBefore(section, more.parentNode === container ? more : null);
        }
        hit.page = data.parts[part][0];
        list.append(resultItem(hit, words));
      });
      shown += batch.length;
      var left = hits.length - shown;
      if (left > 0) {
        more.textContent = say("showMore", { count: Math.min(left, LIMIT), left: left });
        container.append(more);
      } else {
        more.remove();
      }
      onShown(shown);
    }
    more.addEventListener("click", function () {
      var before = shown;
      showNext();
      // The keyboard goes on from the first new result, not back to the top.
      container.querySelectorAll(".result a")[before].focus();
    });
    showNext();
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
    var words = queryTerms(query);
    container.replaceChildren();
    if (!words.other.length) {
      status.textContent = "";
      return;
    }
    var hits = search(data, words);
    var q = query.trim();
    if (!hits.length) {
      status.textContent = say("noResults", { query: q });
      return;
    }
    render(data, hits, q, function (shown) {
      status.textContent = say(hits.length === 1 ? "oneResult" : "results", { query: q, count: hits.length }) +
        (shown < hits.length ? say("firstShown", { limit: shown }) : "") + ".";
    });
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
    // The query goes into the address as it is typed, so Back from a result finds the same list.
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        show(data, input.value);
        remember(input.value);
      }, QUERY_DELAY);
    });
    var query = new URLSearchParams(window.location.search).get("q") || "";
    input.value = query;
    if (query) show(data, query);
    else input.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
