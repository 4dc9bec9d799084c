// Starts YASGUI on /editor from the JSON configuration the server put in the page.
// Everything that would reach another server is switched off here.
(function () {
  "use strict";
  var element = document.getElementById("yasgui");
  var config = JSON.parse(document.getElementById("editor-config").textContent);
  function tab(name, query) {
    return { name: name, yasqe: { value: query }, requestConfig: { endpoint: config.endpoint } };
  }
  var yasgui = new Yasgui(element, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
    corsProxy: undefined,
    persistenceId: null,
    populateFromUrl: false,
    // Wrapped lines: on a phone a query reads down the screen instead of scrolling sideways.
    yasqe: { autocompleters: ["variables"], prefixCcApi: null, value: config.start, lineWrapping: true },
    yasr: { prefixes: config.prefixes }
  });
  var first = config.query ? tab("Your query", config.query) : null;
  config.examples.forEach(function (example) { yasgui.addTab(false, tab(example.name, example.query)); });
  if (first) { yasgui.addTab(true, first); }
  window.cscipYasgui = yasgui;

  // YASR links every result IRI to the IRI itself, in a new window; one minted here goes to this
  // server's own page for it instead, in this window, as the site's tables do.
  function localLinks() {
    element.querySelectorAll("a.iri").forEach(function (link) {
      var iri = link.getAttribute("href") || "";
      if (iri.indexOf(config.base) === 0) {
        link.setAttribute("href", config.local + iri.substring(config.base.length));
        link.setAttribute("title", iri);
        link.removeAttribute("target");
        link.removeAttribute("ref");
      }
    });
  }

  // YASGUI's markup has gaps that screen readers trip on; mend them whenever it redraws.
  // A tab's aria-controls names a panel YASGUI creates only when the tab is first opened.
  function mend() {
    localLinks();
    element.querySelectorAll("a[role=tab][aria-controls]").forEach(function (tabLink) {
      if (!document.getElementById(tabLink.getAttribute("aria-controls"))) { tabLink.removeAttribute("aria-controls"); }
    });
    element.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach(function (box) { box.setAttribute("aria-label", "SPARQL query"); });
    element.querySelectorAll("input.autocomplete:not([aria-label])").forEach(function (box) { box.setAttribute("aria-label", "Complete a name"); });
    element.querySelectorAll(".tabsList .tab input:not([aria-label])").forEach(function (box) { box.setAttribute("aria-label", "New name of the tab"); });
  }
  // A tablist may hold only tabs: YASGUI's own "+" sits inside it, so it is hidden and this button stands in.
  var add = document.createElement("button");
  add.type = "button";
  add.className = "new-tab";
  add.textContent = "New query tab";
  add.addEventListener("click", function () { yasgui.addTab(true); });
  element.parentNode.insertBefore(add, element);
  mend();
  new MutationObserver(mend).observe(element, { childList: true, subtree: true });
}());
