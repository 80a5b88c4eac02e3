// Site search (issue 7), answered in the browser from the index the build wrote under search/.
// Plain ES2017, no framework, no request outside the site. The index files are scripts that call
// gongkaiSearch.add(type, n, data), since Chromium refuses fetch() on a page opened as file://
// (a site on a USB stick) but runs a <script src> beside it. The build side, and why the index
// is character bigrams over text folded to simplified script, is src/render/search.rs; norm(),
// terms() and shardOf() here must do exactly what normalize.rs and encode.rs do there.
(function () {
  "use strict";

  var LAST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef";
  var MORE = "ghijklmnopqrstuvwxyz0123456789-_";
  var DIGIT = new Int8Array(128).fill(-1);
  var FINAL = new Uint8Array(128);
  for (var i = 0; i < 32; i++) {
    DIGIT[LAST.charCodeAt(i)] = i;
    FINAL[LAST.charCodeAt(i)] = 1;
    DIGIT[MORE.charCodeAt(i)] = i;
  }
  // Posting weight bits, as index.rs writes them.
  var IN_TITLE = 16, IN_META = 8, BODY = 7;
  // Kinds by their number in the index (search.rs KINDS).
  var KINDS = ["case", "disclosure", "review", "page"];
  // Results shown at first and per "more": each may load one small file of result texts.
  var PAGE = 10;

  var store = {};
  var pending = {};
  var api = (window.gongkaiSearch = window.gongkaiSearch || {});
  api.add = function (type, n, data) { store[type + n] = data; };
  // Every index file loaded, in order: the tests and the benchmark read it.
  api.loaded = [];

  // Loads index file `type` number `n` (`n` "": the single file `type`.js, number 0).
  function load(base, v, type, n) {
    var key = type + (n === "" ? 0 : n);
    if (!pending[key]) {
      pending[key] = new Promise(function (resolve, reject) {
        var url = base + (n === "" ? type + ".js" : type + "/" + n + ".js") + "?v=" + v;
        var s = document.createElement("script");
        s.src = url;
        s.onload = function () {
          api.loaded.push(url);
          if (key in store) resolve(store[key]); else reject(new Error("no index data in " + url));
        };
        s.onerror = function () { delete pending[key]; reject(new Error("cannot load " + url)); };
        document.head.appendChild(s);
      });
    }
    return pending[key];
  }

  // Numbers in the index alphabet (encode.rs): 5-bit groups, the last one from LAST.
  function decode(text, each) {
    var n = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      n = n * 32 + DIGIT[c];
      if (FINAL[c]) { each(n); n = 0; }
    }
  }

  function isHan(cp) {
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F);
  }

  function isLatin(cp) {
    return (cp >= 0x61 && cp <= 0x7A) || (cp >= 0x30 && cp <= 0x39);
  }

  // FNV-1a over UTF-16 code units, as encode.rs shard_of().
  function shardOf(term, shards) {
    var h = 0x811c9dc5;
    for (var i = 0; i < term.length; i++) {
      h ^= term.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0) % shards;
  }

  // `manifest`: the search page's inline copy of m.js, if any.
  function Engine(base, v, manifest) {
    this.base = base;
    this.v = v || "";
    this.postings = {};
    this.inline = manifest;
  }

  Engine.prototype.ready = function () {
    var self = this;
    if (!this.manifest) {
      var m = this.inline ? Promise.resolve(this.inline) : load(this.base, this.v, "m", "");
      this.manifest = m.then(function (m) {
        var fold = {}, from = Array.from(m.fold[0]), to = Array.from(m.fold[1]);
        for (var i = 0; i < from.length; i++) fold[from[i]] = to[i];
        self.fold = fold;
        return m;
      });
    }
    return this.manifest;
  };

  // Kind, year and region of every page, for the filters: a file of its own, loaded only once
  // a filter is set, so that a plain query does not pay for it.
  Engine.prototype.facets = function (m) {
    var self = this;
    if (!this.facetData) {
      this.facetData = load(this.base, this.v, "f", "").then(function (f) {
        var k = 0, all = [new Uint8Array(m.n), new Uint16Array(m.n), new Uint16Array(m.n)];
        decode(f.facets, function (x) { all[k % 3][(k / 3) | 0] = x; k++; });
        f.kind = all[0];
        f.year = all[1];
        f.region = all[2];
        return f;
      });
    }
    return this.facetData;
  };

  // One code point in, one out: lowercase ASCII, full-width latin, traditional → simplified.
  Engine.prototype.norm = function (chars) {
    var fold = this.fold;
    return chars.map(function (c) {
      var cp = c.codePointAt(0);
      if (cp >= 0xFF01 && cp <= 0xFF5E) { cp -= 0xFEE0; c = String.fromCharCode(cp); }
      if (cp >= 0x41 && cp <= 0x5A) return String.fromCharCode(cp + 32);
      return fold[c] || c;
    });
  };

  // The query's words: each run of Han characters or of latin letters and digits, with the
  // index terms it needs (Han bigrams, a lone character, or the latin word itself).
  Engine.prototype.words = function (query) {
    var chars = this.norm(Array.from(query)), words = [], seen = {};
    var run = [], runHan = false;
    function flush() {
      if (!run.length) return;
      var text = run.join(""), terms = [];
      if (!runHan || run.length === 1) terms.push(text);
      else for (var i = 0; i + 1 < run.length; i++) terms.push(run[i] + run[i + 1]);
      if (!seen[text]) { seen[text] = 1; words.push({ text: text, chars: run.slice(), terms: terms }); }
      run = [];
    }
    chars.concat([" "]).forEach(function (c) {
      var cp = c.codePointAt(0), han = isHan(cp), latin = isLatin(cp);
      if (!han && !latin) { flush(); return; }
      if (run.length && han !== runHan) flush();
      runHan = han;
      run.push(c);
    });
    return words;
  };

  // A term's postings, decoded once per page view: `docs` in order, and `w`, the weight by
  // document (0: absent; bit 32 set when present, so a weight of 0 still counts).
  Engine.prototype.weights = function (term, m) {
    var p = this.postings[term];
    if (!p) {
      var text = (store["s" + shardOf(term, m.shards)] || {})[term] || "";
      var w = new Uint8Array(m.n), docs = new Int32Array(Math.min(m.n, text.length)), k = 0, doc = -1;
      var x = 0, odd = false, i;
      // Dense form (encode.rs): "=" and one weight per page.
      if (text.charCodeAt(0) === 61) {
        for (i = 1; i < text.length; i++) {
          x = DIGIT[text.charCodeAt(i)];
          if (x) { w[i - 1] = x | 32; docs[k++] = i - 1; }
        }
        text = "";
      }
      // decode() inlined: this loop runs once per posting, often before the JIT has warmed up.
      for (i = 0; i < text.length; i++) {
        var c = text.charCodeAt(i);
        x = x * 32 + DIGIT[c];
        if (!FINAL[c]) continue;
        if (odd) { w[doc] = x | 32; docs[k++] = doc; } else doc += x + 1;
        odd = !odd;
        x = 0;
      }
      p = this.postings[term] = { w: w, docs: docs.subarray(0, k) };
    }
    return p;
  };

  // Ranks the pages for `query`: first by how many of its words a page holds, then by where
  // (a word in the title counts most, then in the publisher/region/tags, then how often in the
  // body), then newest first (document numbers follow the site's date order).
  // filters: {kind: "case", region: "山西省/临汾市", year: "2020"}, each optional.
  Engine.prototype.search = function (query, filters) {
    var self = this;
    var t0 = performance.now();
    return this.ready().then(function (m) {
      var words = self.words(query);
      var shards = {};
      words.forEach(function (w) { w.terms.forEach(function (t) { shards[shardOf(t, m.shards)] = 1; }); });
      var f = filters || {}, files = Object.keys(shards).map(function (s) { return load(self.base, self.v, "s", s); });
      var facets = f.kind || f.region || f.year ? self.facets(m) : Promise.resolve(null);
      return Promise.all([facets].concat(files))
        .then(function (loaded) {
          var t1 = performance.now();
          var result = self.rank(m, words, f, loaded[0]);
          result.timing = { load: t1 - t0, rank: performance.now() - t1 };
          return result;
        });
    });
  };

  // Loads the shards a query will need, without ranking: called while the reader types.
  Engine.prototype.prefetch = function (query) {
    var self = this;
    return this.ready().then(function (m) {
      self.words(query).forEach(function (w) {
        w.terms.forEach(function (t) { load(self.base, self.v, "s", shardOf(t, m.shards)).catch(function () {}); });
      });
    });
  };

  Engine.prototype.rank = function (m, words, filters, facets) {
    var n = m.n, matched = new Uint8Array(n), score = new Uint32Array(n), hit = [];
    var self = this;
    words.forEach(function (word) {
      // Walk the rarest term's pages and look the others up by document.
      var ps = word.terms.map(function (t) { return self.weights(t, m); });
      ps.sort(function (a, b) { return a.docs.length - b.docs.length; });
      var first = ps[0].docs, ws = ps.map(function (p) { return p.w; });
      for (var i = 0; i < first.length; i++) {
        var d = first[i], all = IN_TITLE | IN_META, tf = BODY, ok = true;
        for (var k = 0; k < ws.length; k++) {
          var x = ws[k][d];
          if (!x) { ok = false; break; }
          all &= x;
          tf = Math.min(tf, x & BODY);
        }
        if (!ok) continue;
        if (!matched[d]) hit.push(d);
        matched[d]++;
        // Longer words say more: 发展党员 in a title outweighs 党员 in a title.
        score[d] += ((all & IN_TITLE ? 12 : 0) + (all & IN_META ? 4 : 0) + tf) * word.chars.length;
      }
    });
    var keep = function () { return true; };
    if (facets) {
      var kind = filters.kind ? facets.kinds.indexOf(filters.kind) : -1;
      var year = filters.year ? facets.years.indexOf(Number(filters.year)) + 1 : 0;
      var regionOk = new Uint8Array(facets.regions.length + 1).fill(1);
      if (filters.region) {
        facets.regions.forEach(function (r, i) {
          regionOk[i + 1] = r === filters.region || r.indexOf(filters.region + "/") === 0 ? 1 : 0;
        });
        regionOk[0] = 0;
      }
      keep = function (d) {
        return (!filters.kind || facets.kind[d] === kind) && (!filters.year || facets.year[d] === year) &&
          regionOk[facets.region[d]] === 1;
      };
    }
    // One number per page that sorts as the ranking: words matched, then score, then the
    // site's order (newest first); a typed array sorts it natively, without a comparator.
    var keys = new Float64Array(hit.length), count = 0;
    for (var j = 0; j < hit.length; j++) {
      var d = hit[j];
      if (keep(d)) keys[count++] = matched[d] * 1099511627776 + score[d] * 1048576 + (1048575 - d);
    }
    keys = keys.subarray(0, count).sort();
    var docs = new Array(count);
    for (var r = 0; r < count; r++) docs[r] = 1048575 - (keys[count - 1 - r] % 1048576);
    return { total: count, docs: docs, words: words };
  };

  // What the results show of pages `docs`: [path, title, kind, date, byline, region, text].
  Engine.prototype.records = function (docs) {
    var self = this;
    return this.ready().then(function (m) {
      var chunks = {};
      docs.forEach(function (d) { chunks[Math.floor(d / m.chunk)] = 1; });
      return Promise.all(Object.keys(chunks).map(function (c) { return load(self.base, self.v, "d", c); }))
        .then(function () {
          return docs.map(function (d) { return store["d" + Math.floor(d / m.chunk)][d % m.chunk]; });
        });
    });
  };

  // Where the words of the query stand in `text`: [start, end) in code points, sorted.
  Engine.prototype.matches = function (chars, words) {
    var norm = this.norm(chars), found = [];
    words.forEach(function (w) {
      var k = w.chars.length;
      for (var i = 0; i + k <= norm.length; i++) {
        var j = 0;
        while (j < k && norm[i + j] === w.chars[j]) j++;
        if (j === k) found.push([i, i + k]);
      }
    });
    found.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    return found;
  };

  api.engine = function (base, v) { return new Engine(base, v); };

  // ---- the search page ----

  function mark(parent, chars, from, to, found) {
    var at = from;
    found.forEach(function (f) {
      var s = Math.max(f[0], at), e = Math.min(f[1], to);
      if (e <= s) return;
      if (s > at) parent.appendChild(document.createTextNode(chars.slice(at, s).join("")));
      var m = document.createElement("mark");
      m.textContent = chars.slice(s, e).join("");
      parent.appendChild(m);
      at = e;
    });
    if (at < to) parent.appendChild(document.createTextNode(chars.slice(at, to).join("")));
  }

  function dateZh(iso) {
    var p = iso.split("-");
    return p.length === 3 ? Number(p[0]) + "年" + Number(p[1]) + "月" + Number(p[2]) + "日" : iso;
  }

  function init() {
    var form = document.getElementById("search-form");
    if (!form) return;
    var input = form.elements.q;
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var more = document.getElementById("search-more");
    var inline = document.getElementById("search-manifest");
    var engine = new Engine(form.dataset.index, form.dataset.v, inline && JSON.parse(inline.textContent));
    var root = form.dataset.root;
    // A folder link opens a directory listing from file://, so results link to index.html there.
    var suffix = location.protocol === "file:" ? "index.html" : "";
    var labels = {};
    Array.from(form.elements.kind.options).forEach(function (o) { labels[o.value] = o.textContent; });
    var shown = 0, serial = 0;

    function filters() {
      return { kind: form.elements.kind.value, region: form.elements.region.value, year: form.elements.year.value };
    }

    function item(rec, words) {
      var li = document.createElement("li");
      li.className = "search-result";
      var meta = document.createElement("p");
      meta.className = "card-meta";
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = labels[KINDS[rec[2]]] || "";
      meta.appendChild(kind);
      if (rec[3]) {
        meta.appendChild(document.createTextNode(" · "));
        var time = document.createElement("time");
        time.dateTime = rec[3];
        time.textContent = dateZh(rec[3]);
        meta.appendChild(time);
      }
      if (rec[4]) meta.appendChild(document.createTextNode(" · " + rec[4]));
      var h = document.createElement("h2");
      h.className = "card-title";
      var a = document.createElement("a");
      a.href = root + rec[0] + suffix;
      var title = Array.from(rec[1]);
      mark(a, title, 0, title.length, engine.matches(title, words));
      h.appendChild(a);
      var p = document.createElement("p");
      p.className = "search-excerpt";
      var text = Array.from(rec[6].replace(/\s+/g, " "));
      var found = engine.matches(text, words);
      // Start the excerpt at the clause before the first match, at most 30 characters back.
      var start = 0;
      if (found.length) {
        start = Math.max(0, found[0][0] - 30);
        for (var i = found[0][0] - 1; i > start; i--) {
          if ("。，；！？,;!? ".indexOf(text[i]) >= 0) { start = i + 1; break; }
        }
      }
      var end = Math.min(text.length, start + 110);
      if (start > 0) p.appendChild(document.createTextNode("…"));
      mark(p, text, start, end, found);
      if (end < text.length) p.appendChild(document.createTextNode("…"));
      li.appendChild(meta);
      li.appendChild(h);
      li.appendChild(p);
      return li;
    }

    function showMore(result, id) {
      var docs = result.docs.slice(shown, shown + PAGE);
      shown += docs.length;
      return engine.records(docs).then(function (recs) {
        if (id !== serial) return;
        recs.forEach(function (rec) { list.appendChild(item(rec, result.words)); });
        more.hidden = shown >= result.total;
      });
    }

    function run() {
      var q = input.value.trim(), id = ++serial;
      list.textContent = "";
      more.hidden = true;
      shown = 0;
      if (!q) { status.textContent = ""; return Promise.resolve(); }
      status.textContent = form.dataset.loading;
      var t0 = performance.now();
      return engine.search(q, filters()).then(function (result) {
        if (id !== serial) return;
        status.textContent = result.total
          ? form.dataset.found.replace("{n}", String(result.total))
          : form.dataset.none;
        return showMore(result, id).then(function () {
          result.timing.total = performance.now() - t0;
          // Since the page began to load: what a reader opening search/?q=… waits.
          result.timing.since_load = performance.now();
          api.last = result;
          more.onclick = function () {
            var next = shown;
            showMore(result, id).then(function () {
              // Keyboard readers go on from the first new result rather than the button.
              var link = list.children[next] && list.children[next].querySelector("a");
              if (link) link.focus();
            });
          };
        });
      }).catch(function (e) {
        status.textContent = form.dataset.failed;
        api.error = String(e);
      });
    }

    function remember() {
      try {
        var params = new URLSearchParams(new FormData(form));
        history.replaceState(null, "", "?" + params.toString());
      } catch (e) { /* file:// pages may refuse; the results still show */ }
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      remember();
      run();
    });
    // While the reader types (not while an input method is composing), fetch the shards the
    // words need, so that Enter only has to rank.
    var typing = 0;
    input.addEventListener("input", function (ev) {
      clearTimeout(typing);
      if (!ev.isComposing) typing = setTimeout(function () { engine.prefetch(input.value); }, 150);
    });
    form.addEventListener("change", function (ev) {
      if (ev.target.tagName === "SELECT") { remember(); run(); }
    });
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    ["kind", "region", "year"].forEach(function (k) {
      if (params.get(k)) form.elements[k].value = params.get(k);
    });
    var header = document.getElementById("site-search-q");
    if (header) header.value = input.value;
    api.done = run();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
