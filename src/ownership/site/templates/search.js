// Instant search over the index embedded in this page. Results are built with textContent only, so catalog
// text is never parsed as HTML. No fetch(): the page works from file://.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("search-index").textContent);
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("results-status");
  var KIND = {s: "system", t: "team", p: "person"};
  var LIMIT = 50;
  var rows = data.map(function (e) {
    return {e: e, name: e[1].toLowerCase(), hay: (e[1] + " " + e[3] + " " + e[4]).toLowerCase()};
  });

  function rank(name, word) {
    if (name === word) return 0;
    var at = name.indexOf(word);
    return at === 0 ? 1 : at > 0 ? 2 : 3;
  }

  function search(text) {
    var words = text.toLowerCase().split(/\s+/).filter(Boolean);
    var hits = [];
    if (!words.length) return hits;
    rows.forEach(function (r) {
      for (var j = 0; j < words.length; j++) {
        if (r.hay.indexOf(words[j]) < 0) return;
      }
      hits.push({r: r, score: rank(r.name, words[0])});
    });
    hits.sort(function (a, b) {
      return a.score - b.score || (a.r.name < b.r.name ? -1 : a.r.name > b.r.name ? 1 : 0);
    });
    return hits;
  }

  function show() {
    var hits = search(input.value);
    while (list.firstChild) list.removeChild(list.firstChild);
    hits.slice(0, LIMIT).forEach(function (h) {
      var e = h.r.e;
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = KIND[e[0]] || e[0];
      var a = document.createElement("a");
      a.href = e[2];
      a.textContent = e[1];
      li.appendChild(kind);
      li.appendChild(a);
      if (e[3]) {
        var d = document.createElement("span");
        d.className = "desc";
        d.textContent = e[3];
        li.appendChild(d);
      }
      list.appendChild(li);
    });
    var n = hits.length;
    status.textContent = input.value.trim() ?
      n + " result" + (n === 1 ? "" : "s") + (n > LIMIT ? ", first " + LIMIT + " shown" : "") : "";
  }

  input.addEventListener("input", show);
  document.getElementById("search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var first = list.querySelector("a");
    if (first) first.click();
  });
  if (input.value) show();
})();
