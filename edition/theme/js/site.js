/* The reading site's popups. A note call or a citation shows its note or its formatted reference in
   place, on hover, on keyboard focus or on a tap; Escape or "Close" closes it and gives the focus back.
   Calls and citations stay plain links (to the note, to the bibliography), so everything works
   without this script. The popup is a non-modal dialog placed right after its trigger in the document,
   so Tab goes from the call into the popup's links and on through the text. */
(function () {
  "use strict";

  var TRIGGERS = "a.note-call, a.citation";
  var HOVER_DELAY = 150;
  var HIDE_DELAY = 300;
  var MARGIN = 8;

  var popup, title, body, links, closeButton;
  var trigger = null;
  var clicked = false; // opened by a click or tap: stays until closed, not on mouse-out
  var quietFocus = false; // focus given back by us must not reopen the popup
  var showTimer = 0;
  var hideTimer = 0;
  var STRINGS = interfaceStrings();
  var INTERFACE_LANG = interfaceLanguage();

  /* The interface's words, in the project's language: the page carries them from the message
     catalogue (a JSON block the template writes); a missing one shows its key. */
  function interfaceStrings() {
    var block = document.getElementById("interface-strings");
    try {
      return block ? JSON.parse(block.textContent) : {};
    } catch (error) {
      return {};
    }
  }

  /* The language of those words (the block's lang), which an article page's own may differ from. */
  function interfaceLanguage() {
    var block = document.getElementById("interface-strings");
    return (block && block.lang) || document.documentElement.lang || "";
  }

  /* The search's fold (see search.js, which uses it; render/search.py folds the index the same way):
     lowercase by the rules of the text's language (Turkish and Azerbaijani dotted and dotless i),
     diacritics dropped, apostrophe and dash variants as one, one character for one. */
  var EQUIVALENTS = {
    "\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'", "\u00b4": "'",
    "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-"
  };
  var TURKIC = ["tr", "az"];

  function isTurkic(lang) {
    return TURKIC.indexOf((lang || "").split("-")[0].toLowerCase()) >= 0;
  }

  function foldChar(ch, turkic) {
    var lowered = ch.toLowerCase();
    if (turkic) lowered = ch === "\u0130" ? "i" : ch === "I" ? "\u0131" : lowered;
    if (lowered.length !== ch.length || Array.from(lowered).length !== 1) return ch;
    var base = Array.from(lowered.normalize("NFD"))[0];
    if (turkic && base === "\u0131") return "i";
    return EQUIVALENTS[base] || base;
  }

  /* Folds per code point; a character outside the BMP is kept as it is, so positions in the folded
     text are positions in the original. */
  function fold(text, lang) {
    var turkic = isTurkic(lang);
    var out = "";
    for (var ch of text) out += ch.length === 1 ? foldChar(ch, turkic) : ch;
    return out;
  }
  window.editionFold = fold;

  /* A search result opens its passage with the query in "?mark=": its words are marked there, as the
     search folds them, in the passage's own language (Turkish rules for Turkish text). */
  function markSearchWords() {
    var query = new URLSearchParams(window.location.search).get("mark");
    var target = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (!query || !target) return;
    var walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var owner = node.parentElement.closest("[lang]");
      var lang = (owner && owner.lang) || document.documentElement.lang;
      var words = fold(query, lang).split(/\s+/).filter(Boolean);
      markIn(node, fold(node.data, lang), words);
    });
  }

  function markIn(node, folded, words) {
    var spans = [];
    words.forEach(function (word) {
      for (var i = folded.indexOf(word); i >= 0; i = folded.indexOf(word, i + word.length)) {
        spans.push([i, i + word.length]);
      }
    });
    spans.sort(function (a, b) { return b[0] - a[0]; }); // from the end: earlier offsets stay right
    var end = Infinity;
    spans.forEach(function (span) {
      if (span[1] > end) return; // overlaps one already marked
      var hit = node.splitText(span[0]);
      hit.splitText(span[1] - span[0]);
      var mark = document.createElement("mark");
      mark.className = "search-hit";
      hit.replaceWith(mark);
      mark.append(hit);
      end = span[0];
    });
  }

  function t(key) {
    return STRINGS[key] || key;
  }

  function build() {
    popup = document.createElement("div");
    popup.id = "popup";
    popup.className = "popup";
    popup.setAttribute("role", "dialog");
    popup.setAttribute("aria-labelledby", "popup-title");
    // Focusable by script and pointer only: a press inside the popup focuses the popup itself, not the
    // nearest focusable ancestor (main), which would count as leaving it and close it.
    popup.tabIndex = -1;
    popup.hidden = true;
    title = document.createElement("p");
    title.id = "popup-title";
    title.className = "popup-title";
    body = document.createElement("div");
    body.className = "popup-body";
    links = document.createElement("p");
    links.className = "popup-links";
    closeButton = document.createElement("button");
    closeButton.type = "button";
    closeButton.className = "popup-close";
    closeButton.textContent = t("close");
    closeButton.addEventListener("click", function () { close(true); });
    popup.append(title, body, links, closeButton);
    document.body.append(popup);
  }

  /* A copy of page content without its ids, so the page keeps each id once. */
  function copy(node) {
    var clone = node.cloneNode(true);
    if (clone.removeAttribute) clone.removeAttribute("id");
    if (clone.querySelectorAll) {
      clone.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    }
    return clone;
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  /* "Cite this passage": the paragraph holding the reader's selection, else the first one on screen,
     cited as the article (the page's data-cite), its section and paragraph, with its permalink. */
  function currentPassage() {
    var selection = window.getSelection();
    var node = selection && selection.rangeCount ? selection.getRangeAt(0).startContainer : null;
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    var chosen = el && el.closest(".body [id].p, .body p[id], .front [id].p, .front p[id]");
    if (chosen) return chosen;
    var all = document.querySelectorAll(".body [id].p, .body p[id]");
    for (var i = 0; i < all.length; i++) {
      if (all[i].getBoundingClientRect().bottom > 0) return all[i];
    }
    return all[0] || null;
  }

  function passagePlace(paragraph) {
    var section = paragraph.closest("section, .div");
    var head = section && section.querySelector(".head, h2, h3, h4, h5, h6");
    var siblings = section ? Array.prototype.filter.call(section.querySelectorAll(".p, p"), function (p) {
      return p.closest("section, .div") === section && !p.closest(".note-list, .popup");
    }) : [];
    var number = siblings.indexOf(paragraph) + 1;
    var parts = [];
    if (head) parts.push(head.textContent.replace(/\s+/g, " ").trim());
    if (number > 0) parts.push(t("paragraph").replace("{number}", number.toLocaleString(document.documentElement.lang)));
    return parts.join(", ");
  }

  function citeContent(button) {
    var paragraph = currentPassage();
    if (!paragraph) return null;
    var url = window.location.href.split("#")[0].split("?")[0] + "#" + paragraph.id;
    var place = passagePlace(paragraph);
    var text = button.closest("[data-cite]").getAttribute("data-cite") + (place ? ", " + place : "") + ". " + url;
    var cite = document.createElement("p");
    cite.className = "popup-cite";
    cite.textContent = text;
    var copyButton = document.createElement("button");
    copyButton.type = "button";
    copyButton.textContent = t("copy");
    copyButton.addEventListener("click", function () {
      var done = function () { copyButton.textContent = t("copied"); };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, function () {});
      var range = document.createRange();
      range.selectNodeContents(cite);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    });
    return { title: t("citePassage"), lang: "", kind: "cite", nodes: [cite, copyButton], links: [link("#" + paragraph.id, url)] };
  }

  /* What a trigger shows: {title, lang, kind, nodes, links}; null when there is nothing to show. */
  function contentOf(el) {
    if (el.classList.contains("cite-passage")) return citeContent(el);
    if (el.classList.contains("note-call")) return noteContent(el);
    return citationContent(el);
  }

  function noteContent(call) {
    var id = decodeURIComponent(call.hash.slice(1));
    var note = id && document.getElementById(id);
    var text = note && note.querySelector(".note-text");
    if (!text) return null;
    var editorial = note.classList.contains("editorial-note");
    return {
      title: note.getAttribute("data-label") || call.getAttribute("aria-label") || "",
      lang: note.getAttribute("lang") || "",
      kind: editorial ? "editorial" : "footnote",
      nodes: [copy(text)],
      links: [link("#" + id, t(editorial ? "openInEditorialNotes" : "openInNotes"))]
    };
  }

  /* The bibliography entries a citation may mean, from the page's store of references. */
  function referenceEntries(citation) {
    var store = document.getElementById("references");
    if (!store || !store.content) return [];
    return (citation.getAttribute("data-keys") || "").split(/\s+/).filter(Boolean)
      .map(function (key) {
        return { key: key, entry: store.content.querySelector('[data-key="' + CSS.escape(key) + '"]') };
      })
      .filter(function (found) { return found.entry; });
  }

  function citationContent(citation) {
    var nodes = [];
    var found = [];
    referenceEntries(citation).forEach(function (reference) {
      var block = copy(reference.entry);
      block.className = "popup-reference";
      block.removeAttribute("data-key");
      nodes.push(block);
      found.push(reference.key);
    });
    if (!nodes.length) return null;
    var page = citation.getAttribute("href").split("#")[0];
    return {
      title: t(found.length > 1 ? "sourceUncertain" : "source"),
      lang: "",
      kind: "reference",
      nodes: nodes,
      links: found.map(function (key, i) {
        var label = t("seeInBibliography");
        return link(page + "#bib-" + key, found.length > 1 ? label + " (" + (i + 1) + ")" : label);
      })
    };
  }

  function open(el, byClick) {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (trigger === el) {
      clicked = clicked || byClick;
      return;
    }
    var content = contentOf(el);
    if (!content) return;
    close(false);
    trigger = el;
    clicked = byClick;
    popup.className = "popup popup-" + content.kind;
    // The popup's own words are in the interface language; its content keeps the language it has on
    // the page, not the one of the passage the popup happens to stand in.
    popup.setAttribute("lang", INTERFACE_LANG);
    body.setAttribute("lang", content.lang || document.documentElement.lang || INTERFACE_LANG);
    title.textContent = content.title;
    body.replaceChildren.apply(body, content.nodes);
    links.replaceChildren();
    content.links.forEach(function (a, i) {
      if (i) links.append(" \u00b7 ");
      links.append(a);
    });
    el.after(popup);
    popup.hidden = false;
    el.setAttribute("aria-expanded", "true");
    el.setAttribute("aria-controls", "popup");
    place(el);
  }

  function close(returnFocus) {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (!trigger) return;
    var was = trigger;
    var focusInside = popup.contains(document.activeElement);
    trigger = null;
    clicked = false;
    popup.hidden = true;
    was.setAttribute("aria-expanded", "false");
    was.removeAttribute("aria-controls");
    document.body.append(popup); // out of the text again
    if (returnFocus || focusInside) {
      quietFocus = true;
      was.focus();
      quietFocus = false;
    }
  }

  /* Below the trigger if it fits, else above; never wider or taller than the viewport. */
  function place(el) {
    var rect = el.getBoundingClientRect();
    var viewWidth = document.documentElement.clientWidth;
    var viewHeight = window.innerHeight;
    var width = Math.min(448, viewWidth - 2 * MARGIN);
    popup.style.width = width + "px";
    popup.style.maxHeight = "";
    var left = Math.min(Math.max(MARGIN, rect.left), viewWidth - width - MARGIN);
    var below = viewHeight - rect.bottom - 2 * MARGIN;
    var above = rect.top - 2 * MARGIN;
    var height = popup.offsetHeight;
    var top;
    if (height <= below || below >= above) {
      popup.style.maxHeight = Math.max(below, 120) + "px";
      top = rect.bottom + MARGIN / 2;
    } else {
      popup.style.maxHeight = above + "px";
      top = rect.top - MARGIN / 2 - Math.min(height, above);
    }
    // Absolute coordinates are relative to the popup's containing block: the document, unless an
    // ancestor of the trigger is positioned.
    var origin = { left: -window.scrollX, top: -window.scrollY };
    var parent = popup.offsetParent;
    if (parent && parent !== document.body && parent !== document.documentElement) {
      origin = parent.getBoundingClientRect();
    }
    popup.style.left = left - origin.left + "px";
    popup.style.top = top - origin.top + "px";
  }

  function triggerOf(target) {
    var el = target instanceof Element ? target.closest(TRIGGERS) : null;
    return el && !popup.contains(el) ? el : null;
  }

  function within(node) {
    return node instanceof Node && (popup.contains(node) || (trigger && trigger.contains(node)));
  }

  function plainClick(event) {
    return event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;
  }

  function onClick(event) {
    var cite = event.target instanceof Element ? event.target.closest("button.cite-passage") : null;
    if (cite) {
      if (cite === trigger) close(false); else open(cite, true);
      return;
    }
    var el = triggerOf(event.target);
    if (el && plainClick(event)) {
      event.preventDefault();
      if (el === trigger && clicked) close(false); else open(el, true);
      return;
    }
    if (!trigger) return;
    if (popup.contains(event.target)) {
      if (event.target.closest("a")) close(false); // a link in the popup: go there
    } else {
      close(false);
    }
  }

  function onOver(event) {
    var el = triggerOf(event.target);
    if (el) {
      clearTimeout(hideTimer);
      if (el !== trigger && !clicked) {
        clearTimeout(showTimer);
        showTimer = setTimeout(function () { open(el, false); }, HOVER_DELAY);
      }
    } else if (within(event.target)) {
      clearTimeout(hideTimer);
    }
  }

  function onOut(event) {
    if (triggerOf(event.target) && !trigger) clearTimeout(showTimer);
    if (!trigger || clicked || within(event.relatedTarget)) return;
    if (!within(event.target)) return;
    if (popup.contains(document.activeElement) || document.activeElement === trigger) return;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { close(false); }, HIDE_DELAY);
  }

  function onFocusIn(event) {
    if (quietFocus) return;
    var el = triggerOf(event.target);
    if (el) open(el, false);
    else if (trigger && !within(event.target)) close(false);
  }

  function onFocusOut(event) {
    if (trigger && !clicked && event.relatedTarget && !within(event.relatedTarget)) close(false);
  }

  function onKey(event) {
    if (event.key === "Escape" && trigger) {
      event.preventDefault();
      close(document.activeElement === trigger || popup.contains(document.activeElement));
    }
  }

  /* The witness switcher: each variation point shows the reading of the chosen witness, taken from
     its entry in the apparatus list (the lemma where the witness is not among a variant's); the
     edited text comes back with the empty choice. "Hide orthographic variants" hides the marks and
     entries of variation points whose every variant is orthographic. */
  function readingFor(entry, witness) {
    var found = null;
    entry.querySelectorAll(".rdg[data-wit]").forEach(function (rdg) {
      if (!found && rdg.getAttribute("data-wit").split(/\s+/).indexOf(witness) >= 0) found = rdg;
    });
    return found;
  }

  function showWitness(witness) {
    document.querySelectorAll(".app[data-entry]").forEach(function (app) {
      var text = app.querySelector(".app-text");
      var entry = document.getElementById(app.getAttribute("data-entry"));
      if (!text || !entry) return;
      if (!text.edited) text.edited = Array.prototype.slice.call(text.childNodes);
      var rdg = witness ? readingFor(entry, witness) : null;
      app.classList.toggle("app-switched", !!rdg);
      if (!rdg) {
        text.replaceChildren.apply(text, text.edited);
      } else if (rdg.hasAttribute("data-omitted")) {
        text.replaceChildren();
      } else {
        text.replaceChildren.apply(text, Array.prototype.map.call(rdg.childNodes, copy));
      }
    });
  }

  function initSwitcher() {
    var form = document.querySelector("form.witness-switcher");
    if (!form) return;
    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.elements.witness.addEventListener("change", function () { showWitness(this.value); });
    form.elements.minor.addEventListener("change", function () {
      var hide = this.checked;
      document.querySelectorAll(".note.apparatus[data-minor]").forEach(function (entry) {
        entry.hidden = hide;
        var call = document.getElementById(entry.id + "-call");
        if (call) call.hidden = hide;
      });
    });
  }

  /* Names: plain text until the reader highlights a kind ("Highlight names"). A highlighted name is
     marked and becomes a link to its index entry (role link, in the tab order, Enter or a click
     follows it); the names of the highlighted kinds on screen are listed beside the text. A name the
     page was opened at (from its index entry) is a link at once: the way back is one click. */
  var NAME = "span.mention-name";
  var shownKinds = {};
  var inView = new Set();
  var viewObserver = null;

  function linkName(el, on) {
    if (on) {
      el.setAttribute("role", "link");
      el.tabIndex = 0;
    } else {
      el.removeAttribute("role");
      el.removeAttribute("tabindex");
    }
  }

  function followName(event) {
    var el = event.target instanceof Element ? event.target.closest(NAME + "[role=link]") : null;
    if (!el || (event.type === "keydown" && event.key !== "Enter")) return;
    if (event.type === "click" && !plainClick(event)) return;
    event.preventDefault();
    window.location.href = el.getAttribute("data-href");
  }

  function listNamesInView() {
    var panel = document.querySelector(".names-in-view");
    if (!panel) return;
    var list = panel.querySelector("ul");
    var seen = {};
    var items = [];
    Array.prototype.slice.call(document.querySelectorAll(NAME)).forEach(function (el) {
      if (!inView.has(el) || !shownKinds[el.getAttribute("data-kind")]) return;
      var href = el.getAttribute("data-href");
      if (seen[href]) return;
      seen[href] = true;
      var li = document.createElement("li");
      li.className = "name-" + el.getAttribute("data-kind");
      li.append(link(href, el.textContent.trim()));
      items.push(li);
    });
    list.replaceChildren.apply(list, items);
    panel.hidden = !Object.keys(shownKinds).some(function (k) { return shownKinds[k]; });
  }

  function showKind(kind, on) {
    shownKinds[kind] = on;
    document.body.classList.toggle("show-" + kind, on);
    document.querySelectorAll(NAME + '[data-kind="' + kind + '"]').forEach(function (el) {
      linkName(el, on || el.matches(":target"));
    });
    listNamesInView();
  }

  function initNames() {
    var target = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target && target.matches(NAME)) linkName(target, true);
    document.addEventListener("click", followName);
    document.addEventListener("keydown", followName);
    var form = document.querySelector("form.name-switches");
    if (!form) return;
    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("change", function (event) {
      if (event.target.name === "kind") showKind(event.target.value, event.target.checked);
    });
    if ("IntersectionObserver" in window) {
      viewObserver = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) inView.add(entry.target); else inView.delete(entry.target);
        });
        listNamesInView();
      });
      document.querySelectorAll(NAME).forEach(function (el) { viewObserver.observe(el); });
    }
  }

  /* Copying: the reader's selection without what the edition adds to the text (note calls, the
     witness's readings after a correction, line numbers, an open popup), so that a copied passage is
     the passage. The calls and marks are also unselectable (screen.css); this covers the rest. */
  var NOT_COPIED = "a.note-call, .witness-reading, .line-number, .popup, .visually-hidden";

  function onCopy(event) {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !event.clipboardData) return;
    var holder = document.createElement("div");
    holder.className = "copy-holder";
    for (var i = 0; i < selection.rangeCount; i++) holder.append(selection.getRangeAt(i).cloneContents());
    var left = holder.querySelectorAll(NOT_COPIED);
    if (!left.length) return; // nothing of ours in it: the browser copies as it does
    left.forEach(function (el) { el.remove(); });
    document.body.append(holder); // laid out, so that innerText keeps the paragraphs apart
    var text = holder.innerText.replace(/[ \t]+\n/g, "\n").trim();
    var html = holder.innerHTML;
    holder.remove();
    event.clipboardData.setData("text/plain", text);
    event.clipboardData.setData("text/html", html);
    event.preventDefault();
  }

  /* Reading settings: the text size in steps (html's font-size, as a percentage) and a dark page,
     kept in the browser (localStorage) for the next page; the head's inline script applies them early. */
  var SIZES = [90, 100, 112.5, 125, 140, 160];
  var SETTINGS_KEY = "edition-reading";

  function readSettings() {
    try {
      return JSON.parse(window.localStorage.getItem(SETTINGS_KEY) || "{}");
    } catch (error) {
      return {};
    }
  }

  function saveSettings(settings) {
    try {
      window.localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
    } catch (error) {
      // Storage refused (a private window, a file: page in some browsers): the setting holds for this page.
    }
  }

  function initSettings() {
    var group = document.querySelector(".reading-settings");
    if (!group) return;
    group.hidden = false;
    var settings = readSettings();
    var root = document.documentElement;
    var toggle = group.querySelector("[data-theme-toggle]");
    var dark = root.dataset.theme === "dark" ||
      (!settings.theme && window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
    function applyTheme(on) {
      root.dataset.theme = on ? "dark" : "light";
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
    }
    applyTheme(dark);
    toggle.addEventListener("click", function () {
      applyTheme(root.dataset.theme !== "dark");
      settings.theme = root.dataset.theme;
      saveSettings(settings);
    });
    group.querySelectorAll("[data-size]").forEach(function (button) {
      button.addEventListener("click", function () {
        var current = SIZES.indexOf(settings.size || 112.5);
        var next = SIZES[Math.min(SIZES.length - 1, Math.max(0, (current < 0 ? 2 : current) + Number(button.getAttribute("data-size"))))];
        settings.size = next;
        root.style.fontSize = next + "%";
        saveSettings(settings);
        if (trigger) place(trigger);
      });
    });
  }

  function init() {
    build();
    initSettings();
    initSwitcher();
    document.querySelectorAll("button.cite-passage").forEach(function (button) {
      button.parentElement.hidden = false;
      button.setAttribute("aria-expanded", "false");
    });
    markSearchWords();
    initNames();
    document.querySelectorAll(TRIGGERS).forEach(function (el) {
      var shows = el.classList.contains("note-call")
        ? document.getElementById(decodeURIComponent(el.hash.slice(1)))
        : referenceEntries(el).length;
      if (shows) el.setAttribute("aria-expanded", "false");
    });
    document.addEventListener("click", onClick);
    document.addEventListener("mouseover", onOver);
    document.addEventListener("mouseout", onOut);
    document.addEventListener("focusin", onFocusIn);
    document.addEventListener("focusout", onFocusOut);
    document.addEventListener("keydown", onKey);
    document.addEventListener("copy", onCopy);
    window.addEventListener("resize", function () { if (trigger) place(trigger); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
