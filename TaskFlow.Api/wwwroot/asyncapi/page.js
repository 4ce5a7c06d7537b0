// Renders /asyncapi/asyncapi.json (the Api's AsyncAPI document) with the vendored AsyncAPI React component.
AsyncApiStandalone.render({
  schema: { url: '/asyncapi/asyncapi.json', options: { method: 'GET' } },
  config: { show: { sidebar: true, errors: true } },
}, document.getElementById('asyncapi'));
