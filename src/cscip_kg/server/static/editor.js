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
    yasqe: { autocompleters: ["variables"], prefixCcApi: null, value: config.start },
    yasr: { prefixes: config.prefixes }
  });
  var first = config.query ? tab("Your query", config.query) : null;
  config.examples.forEach(function (example) { yasgui.addTab(false, tab(example.name, example.query)); });
  if (first) { yasgui.addTab(true, first); }
  window.cscipYasgui = yasgui;
}());
