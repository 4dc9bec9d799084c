// The query editor at /editor: YASQE to write SPARQL in; the tabs and the results table are drawn here
// (YASGUI's own results half, YASR, was most of the page's load time). The configuration is the JSON
// block the server put in the page, and nothing here asks any server but this one.
(function () {
  "use strict";
  var root = document.getElementById("editor");
  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var MAX_ROWS = 1000;  // a bigger answer is shown in part, with the whole of it as CSV
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMBERS = ["integer", "decimal", "double", "float", "long", "int", "nonNegativeInteger"].map(function (t) { return XSD + t; });
  // Longest namespace first, so an IRI is written with the most specific prefix.
  var namespaces = Object.keys(config.prefixes).map(function (p) { return [p, config.prefixes[p]]; })
    .sort(function (a, b) { return b[1].length - a[1].length; });

  function make(tag, attributes, text) {
    var element = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { element.setAttribute(name, attributes[name]); });
    if (text !== undefined) { element.textContent = text; }
    return element;
  }

  function short(iri) {
    for (var i = 0; i < namespaces.length; i++) {
      var rest = iri.indexOf(namespaces[i][1]) === 0 ? iri.substring(namespaces[i][1].length) : null;
      if (rest !== null && /^([\w-]([\w.-]*[\w-])?)?$/.test(rest)) { return namespaces[i][0] + ":" + rest; }
    }
    return iri;
  }

  // An IRI minted here opens this server's page for it, as the site's own tables do: the canonical
  // base (w3id.org) would leave the instance, and does not answer offline or on another deployment.
  // Any other IRI is a link only when it is a web address (http or https), as rendering/links.py's href():
  // an answer may hold javascript: or data: IRIs, which must stay text.
  function iriLink(iri) {
    var minted = iri.indexOf(config.base) === 0;
    if (!minted && !/^https?:\/\//i.test(iri)) {
      var text = make("span", { "class": "iri" }, short(iri));
      text.title = iri;
      return unbroken(text);
    }
    var link = make("a", { "class": "iri", href: minted ? config.local + iri.substring(config.base.length) : iri }, short(iri));
    link.title = iri;
    return unbroken(link);
  }

  // A long run without spaces (a full IRI, a list of URLs) may break anywhere, so the table fits the
  // screen; words and prefixed names keep whole, which they would not if every cell could break anywhere.
  function unbroken(element) {
    if (/\S{30,}/.test(element.textContent)) { element.className += " long"; }
    return element;
  }

  function term(value) {
    if (!value) { return make("span"); }
    if (value.type === "uri") { return iriLink(value.value); }
    if (value.type === "bnode") { return make("span", {}, "_:" + value.value); }
    var literal = unbroken(make("span", {}, value.value));
    if (value["xml:lang"]) { literal.lang = value["xml:lang"]; }
    if (value.datatype && value.datatype !== XSD + "string") { literal.title = short(value.datatype); }
    return literal;
  }

  function table(answer, truncated) {
    var names = answer.head.vars || [], rows = answer.results.bindings;
    var shown = rows.slice(0, MAX_ROWS);
    var note = rows.length + (rows.length === 1 ? " row" : " rows") + (truncated ? ", cut at the server's limit" : "") +
      (shown.length < rows.length ? "; the first " + shown.length + " shown" : "");
    var grid = make("table", { "class": "results" });
    grid.appendChild(make("caption", {}, "Results ")).appendChild(make("small", { "class": "note" }, "(" + note + ")"));
    var head = grid.appendChild(make("thead")).appendChild(make("tr"));
    names.forEach(function (name) { head.appendChild(make("th", { scope: "col" }, name)); });
    var body = grid.appendChild(make("tbody"));
    shown.forEach(function (row) {
      var line = body.appendChild(make("tr"));
      names.forEach(function (name) {
        var cell = line.appendChild(make("td", { "data-label": name }));
        if (row[name] && NUMBERS.indexOf(row[name].datatype) >= 0) { cell.className = "num"; }
        cell.appendChild(term(row[name]));
      });
    });
    // A wide answer scrolls inside this box, which the keyboard can reach, not the page sideways.
    var wrap = make("div", { "class": "scroll", role: "region", "aria-label": "Results", tabindex: "0" });
    wrap.appendChild(grid);
    return wrap;
  }

  function answerOf(response, truncated) {
    var type = (response.headers.get("Content-Type") || "").split(";")[0];
    if (type !== "application/sparql-results+json") { return make("pre", {}, response.content); }
    var answer = JSON.parse(response.content);
    if (typeof answer.boolean === "boolean") { return make("p", { "class": "answer" }, "Answer: " + (answer.boolean ? "yes" : "no")); }
    return table(answer, truncated);
  }

  // The whole answer, POSTed to the endpoint and saved as a file: a table's rows as CSV, a graph as Turtle
  // (an ASK has nothing more). Not a link carrying the query: a long query's address (10 KB for the
  // authority profile) is refused with 414 by a proxy's default limit (8 KB in nginx).
  function download(ran) {
    var graph = /^(CONSTRUCT|DESCRIBE)$/.test(ran.type);
    if (!graph && ran.type !== "SELECT") { return make("span"); }
    var format = graph ? "turtle" : "csv", line = make("p", { "class": "downloads" });
    var button = line.appendChild(make("button", { type: "button" }, graph ? "Download as Turtle" : "Download as CSV"));
    var note = line.appendChild(make("span", { "class": "note", role: "status" }));
    button.addEventListener("click", function () {
      note.textContent = " Downloading…";
      fetch(config.endpoint, { method: "POST", body: new URLSearchParams({ query: ran.query, format: format }) })
        .then(function (response) {
          if (!response.ok) { return response.text().then(function (text) { throw new Error(text || response.statusText); }); }
          return response.blob();
        })
        .then(function (blob) { save(blob, "results." + (graph ? "ttl" : "csv")); note.textContent = ""; })
        .catch(function (error) { note.textContent = " The download failed: " + error.message; });
    });
    return line;
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob), link = make("a", { href: url, download: name });
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(url); }, 0);
  }

  function show(tab, response, ran) {
    tab.results.textContent = "";
    if (response instanceof Error) {
      tab.results.appendChild(make("div", { "class": "error", role: "alert" }, "The query failed: " + response.message));
      return;
    }
    var truncated = (response.headers.get("X-Result-Truncated") || "").indexOf("true") === 0;
    tab.results.appendChild(answerOf(response, truncated));
    tab.results.appendChild(download(ran));
  }

  // Only the variables completer: the others ask LOV and prefix.cc (other servers) or fill a trie of
  // prefix.cc's 2,000 prefixes on every load. Set on the defaults because YASQE merges its settings into
  // them, and a merge cannot shorten the default list of four.
  function newEditor(holder, value) {
    Yasqe.defaults.autocompleters = ["variables"];
    predeclare(config.prefixes);
    return new Yasqe(holder, {
      value: value, requestConfig: { endpoint: config.endpoint, method: "POST", acceptHeaderGraph: "text/turtle" },
      persistenceId: null, consumeShareLink: null, createShareableLink: null, screenReaderLabel: "SPARQL query",
      lineWrapping: true,  // on a phone a query reads down the screen instead of scrolling sideways
      extraKeys: { "Shift-Tab": leaveOrOutdent },
      // false: the key is not CodeMirror's, so the browser moves focus back (the default map would re-indent the line).
      keyMap: { "Shift-Tab": false, fallthrough: "default" }
    });
  }

  // The server declares these prefixes for every query, so a query may use them without PREFIX lines. YASQE
  // has no setting for that: its checker starts each parse with no prefixes and flags any it has not seen
  // declared. So its mode is wrapped (CodeMirror's defineMode) to start from the server's; a prefix that
  // neither the server nor the query declares is still flagged, and a PREFIX line still overrides.
  function predeclare(prefixes) {
    var sparql = Yasqe.modes.sparql11;
    if (sparql.predeclared) { return; }
    var wrapped = function (options, modeConfig) {
      var mode = sparql(options, modeConfig), start = mode.startState;
      mode.startState = function () {
        var state = start.apply(this, arguments);
        Object.keys(prefixes).forEach(function (p) { state.prefixes[p] = prefixes[p]; });
        return state;
      };
      return mode;
    };
    wrapped.predeclared = true;
    Yasqe.defineMode("sparql11", wrapped);
  }

  // Shift+Tab with nothing selected leaves the editor for the control before it, as it does anywhere else
  // on the page (CodeMirror.Pass goes on to the key map below, which leaves the key to the browser); with a
  // selection it outdents the selected lines.
  function leaveOrOutdent(cm) {
    if (!cm.somethingSelected()) { return Yasqe.Pass; }
    cm.execCommand("indentLess");
  }

  // The tabs: one tablist and one panel holding the one editor; each tab keeps its own text and results.
  function Tabs(list, panel, yasqe) {
    this.list = list; this.panel = panel; this.yasqe = yasqe; this.all = []; this.current = null;
  }
  Tabs.prototype.add = function (name, query) {
    var tabs = this, tab = { name: name, query: query, results: make("div", { "class": "query-results" }) };
    tab.button = this.list.appendChild(make("button", { type: "button", role: "tab", id: "query-tab-" + this.all.length,
      "aria-controls": this.panel.id, "aria-selected": "false", tabindex: "-1", title: name }, name));
    tab.button.addEventListener("click", function () { tabs.select(tab); });
    this.all.push(tab);
    return tab;
  };
  Tabs.prototype.select = function (tab, focus) {
    var was = this.current;
    if (was) {  // (the first tab's text is the editor's from the start)
      was.query = this.yasqe.getValue();
      was.button.setAttribute("aria-selected", "false");
      was.button.tabIndex = -1;
      this.panel.removeChild(was.results);
      this.yasqe.setValue(tab.query);
      this.yasqe.clearHistory();  // undo stays within the tab
    }
    this.current = tab;
    tab.button.setAttribute("aria-selected", "true");
    tab.button.tabIndex = 0;
    this.panel.setAttribute("aria-labelledby", tab.button.id);
    this.panel.appendChild(tab.results);
    if (focus) { tab.button.focus(); } else { this.reveal(tab); }
  };
  // On a phone the tabs are one row that scrolls sideways: bring the open one into it, the page left where it is.
  Tabs.prototype.reveal = function (tab) {
    var list = this.list, button = tab.button;  // (the list is positioned, so offsetLeft is within it)
    if (button.offsetLeft < list.scrollLeft || button.offsetLeft + button.offsetWidth > list.scrollLeft + list.clientWidth) {
      list.scrollLeft = button.offsetLeft;
    }
  };
  // Arrow keys, Home and End move between tabs, as in any tablist; Tab moves on to the editor.
  Tabs.prototype.key = function (event) {
    var all = this.all, at = all.indexOf(this.current);
    var to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: all.length - 1 }[event.key];
    if (to === undefined) { return; }
    event.preventDefault();
    this.select(all[(to + all.length) % all.length], true);
  };

  function start() {
    var list = root.appendChild(make("div", { role: "tablist", "aria-label": "Queries", "class": "query-tabs" }));
    var add = root.appendChild(make("button", { type: "button", "class": "new-tab" }, "New query tab"));
    var panel = root.appendChild(make("div", { role: "tabpanel", id: "query-panel", "class": "query-panel" }));
    var named = config.examples.filter(function (example) { return example.id === config.tab; })[0];
    var yasqe = newEditor(panel.appendChild(make("div")), config.query || (named ? named.query : config.start));
    // Said to screen readers when a query starts and ends, rather than reading out the whole table.
    var status = root.appendChild(make("p", { role: "status", "class": "visually-hidden" }));
    var tabs = new Tabs(list, panel, yasqe), running = null;
    list.addEventListener("keydown", function (event) { tabs.key(event); });
    add.addEventListener("click", function () { tabs.select(tabs.add("Query " + (tabs.all.length + 1), config.start), true); });
    // The answer goes to the tab the query was run from, whichever is open when it comes.
    yasqe.on("query", function () {
      running = { tab: tabs.current, query: yasqe.getValue(), type: yasqe.getQueryType() };
      running.tab.results.textContent = "";
      running.tab.results.appendChild(make("p", { "class": "note" }, "Running…"));
      status.textContent = "Running the query";
    });
    yasqe.on("queryAbort", function () { if (running) { running.tab.results.textContent = ""; status.textContent = "Stopped"; } });
    yasqe.on("queryResponse", function (_yasqe, response) {
      if (!running) { return; }
      show(running.tab, response, running);
      var caption = running.tab.results.querySelector("caption, .answer");
      status.textContent = response instanceof Error ? "The query failed" : caption ? caption.textContent : "Answer shown below the editor";
    });
    var first = tabs.add("Query", config.start), opened = first;
    config.examples.forEach(function (example) {
      var tab = tabs.add(example.name, example.query);
      if (example === named) { opened = tab; }
    });
    tabs.select(config.query ? tabs.add("Your query", config.query) : opened);
  }

  start();
}());
