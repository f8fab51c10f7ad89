// Starts GraphiQL on the endpoint named by #graphiql's data-endpoint. An
// API key or holder session goes in the Headers tab:
// {"Authorization": "Bearer <token>"}.
(function () {
  "use strict";
  var el = document.getElementById("graphiql");
  var url = new URL(el.dataset.endpoint, window.location.href).href;
  var fetcher = GraphiQL.createFetcher({ url: url });
  ReactDOM.createRoot(el).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true })
  );
})();
