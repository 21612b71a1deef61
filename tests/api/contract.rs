//! The API contract: `/api/openapi.json` is an OpenAPI 3.1 document, and every operation it
//! lists is one the server serves (the other direction, that every route the router serves is
//! in the document, holds by construction and is checked by `openapi::tests`).

use reqwest::Method;
use serde_json::Value;

use crate::Server;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

#[tokio::test]
async fn the_document_is_openapi_3_1_and_the_server_serves_each_of_its_operations() {
    let server = Server::start();
    let anon = server.anon();
    let response = anon.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let document: Value = response.json().await.expect("the document is JSON");
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["info"]["title"], "coderoom");
    assert_eq!(document["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(document["components"]["schemas"]["ErrorBody"].is_object());

    // Redirects are answers of their own (sign-in callbacks): not followed.
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let paths = document["paths"].as_object().expect("paths");
    let mut operations = 0;
    for (path, item) in paths {
        for method in METHODS.iter().filter(|method| item.get(**method).is_some()) {
            let operation = &item[*method];
            operations += 1;
            assert!(operation["responses"]["default"].is_object(), "{method} {path}: no error answer described");
            let tags = operation["tags"].as_array().map_or(0, Vec::len);
            assert!(tags > 0, "{method} {path}: no tag");
            assert!(operation["summary"].is_string(), "{method} {path}: no summary");
            // Placeholders for path parameters: the route must still be found.
            let concrete: String = path
                .split('/')
                .map(|segment| if segment.starts_with('{') { "placeholder" } else { segment })
                .collect::<Vec<_>>()
                .join("/");
            let method_name = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let request = http.request(method_name, format!("{}{concrete}", server.url));
            let response = request.send().await.expect("request");
            let status = response.status();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let body = response.text().await.unwrap_or_default();
            assert_ne!(status, 405, "{method} {path}: the router does not serve this method");
            assert!(!body.contains("No such API endpoint"), "{method} {path}: the router does not serve this path");
            assert!(
                !content_type.starts_with("text/html") || path == "/api/docs",
                "{method} {path}: answered by the web app, not by an API route"
            );
        }
    }
    assert!(operations >= 75, "only {operations} operations are documented");
}
