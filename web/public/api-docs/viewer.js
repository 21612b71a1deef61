// Shows this server's own OpenAPI document. The validator badge is off: it would send the
// document to a public service, and coderoom's pages talk only to coderoom.
window.SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#api-docs',
  validatorUrl: null,
  deepLinking: true,
  tryItOutEnabled: false,
})
