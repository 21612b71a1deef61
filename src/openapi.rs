//! The API contract. Every route is registered through `utoipa_axum`'s router together with
//! its `#[utoipa::path]` description, so the OpenAPI 3.1 document is generated from the same
//! handlers and types that serve the requests and lists exactly the routes the router serves.
//! It is served at `/api/openapi.json`, shown by a bundled viewer at `/api/docs`, printed by
//! `coderoom openapi`; the web app's TypeScript types are generated from it
//! (`scripts/api-types.sh`) and a fuzzer runs it against the server (`scripts/fuzz-api.sh`).

use std::sync::LazyLock;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::{OpenApi as _, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::error::AppError;

/// A router that documents what it serves.
pub type ApiRouter = OpenApiRouter<AppState>;

/// Every error answer: a status and a sentence for a person.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, written to be shown as it is.
    pub message: String,
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "coderoom",
        description = "The HTTP API of a coderoom server: sessions and their invitations, the problem \
            library and its judge, the interview record (notes, scorecards, replay, report), accounts, \
            administration, and the Piston-compatible code-execution API.\n\n\
            Sign in with `POST /api/auth/login` (or an invitation), then send the token as \
            `Authorization: Bearer <token>` or let the browser keep the `coderoom_session` cookie. \
            Every error is JSON `{\"message\": ...}` with its status. WebSocket endpoints are described \
            as their `GET` handshake.",
        license(name = "AGPL-3.0-only"),
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "auth", description = "Accounts, signing in and out, first-run setup"),
        (name = "sessions", description = "Interview sessions, seats and invitation links"),
        (name = "room", description = "The live room: shared editor, whiteboard, chat and events"),
        (name = "problems", description = "The problem library, runs and judged submissions"),
        (name = "record", description = "Notes, scorecards, rubrics, replay, timeline and report"),
        (name = "admin", description = "Accounts, problems, API keys, audit log and backups"),
        (name = "piston", description = "Piston-compatible code execution (`/api/v2`)"),
        (name = "operations", description = "Health, readiness, metrics and the certificate authority"),
    )
)]
struct Contract;

/// The document's fixed parts, to which the routers add their paths.
pub fn base() -> OpenApi {
    Contract::openapi()
}

/// Adds what holds for every operation: how callers sign in, and the JSON error answer.
fn finish(mut api: OpenApi) -> serde_json::Value {
    api.info.version = env!("CARGO_PKG_VERSION").to_string();
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "token",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("A coderoom sign-in token, a company sign-in's token, or a Piston API key"))
                .build(),
        ),
    );
    components.add_security_scheme(
        "cookie",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::token::COOKIE_NAME))),
    );
    // Signed in by either; operations open to everyone say so with an empty requirement.
    api.security = Some(vec![
        SecurityRequirement::new("token", Vec::<String>::new()),
        SecurityRequirement::new("cookie", Vec::<String>::new()),
    ]);
    let mut document = serde_json::to_value(&api).unwrap_or_default();
    name_operations_uniquely_and_describe_errors(&mut document);
    let requests = request_schemas(&document);
    if let Some(schemas) = document.pointer_mut("/components/schemas").and_then(|s| s.as_object_mut()) {
        schemas
            .iter_mut()
            .filter(|(name, _)| !requests.contains(name.as_str()))
            .for_each(|(_, schema)| require_nullable_properties(schema));
    }
    document
}

/// The schemas a request body uses, directly or inside another: a client may leave their
/// nullable keys out.
fn request_schemas(document: &serde_json::Value) -> std::collections::HashSet<String> {
    let mut pending = Vec::new();
    for item in document["paths"].as_object().into_iter().flat_map(|paths| paths.values()) {
        for operation in item.as_object().into_iter().flat_map(|item| item.values()) {
            schema_refs(&operation["requestBody"], &mut pending);
        }
    }
    let mut found = std::collections::HashSet::new();
    while let Some(name) = pending.pop() {
        if found.insert(name.clone()) {
            schema_refs(&document["components"]["schemas"][&name], &mut pending);
        }
    }
    found
}

/// The names of the component schemas `value` refers to.
fn schema_refs(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner.as_str().and_then(|target| target.strip_prefix("#/components/schemas/"))) {
                    ("$ref", Some(name)) => found.push(name.to_string()),
                    _ => schema_refs(inner, found),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| schema_refs(item, found)),
        _ => {}
    }
}

/// Marks every nullable property required: coderoom's answers send `null` rather than leave a
/// key out (a key that is sometimes left out is declared not nullable instead), and a client
/// generated from the document can then rely on the key. The fuzzer checks it on every answer.
fn require_nullable_properties(schema: &mut serde_json::Value) {
    let Some(object) = schema.as_object_mut() else { return };
    for composite in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = object.get_mut(composite).and_then(|parts| parts.as_array_mut()) {
            parts.iter_mut().for_each(require_nullable_properties);
        }
    }
    let Some(properties) = object.get_mut("properties").and_then(|p| p.as_object_mut()) else { return };
    properties.values_mut().for_each(require_nullable_properties);
    let nullable: Vec<serde_json::Value> = properties
        .iter()
        .filter(|(_, property)| is_nullable(property))
        .map(|(name, _)| serde_json::Value::String(name.clone()))
        .collect();
    if nullable.is_empty() {
        return;
    }
    let required = object.entry("required").or_insert_with(|| serde_json::Value::Array(Vec::new()));
    if let Some(required) = required.as_array_mut() {
        for name in nullable {
            if !required.contains(&name) {
                required.push(name);
            }
        }
    }
}

fn is_nullable(schema: &serde_json::Value) -> bool {
    let null_type = |schema: &serde_json::Value| match &schema["type"] {
        serde_json::Value::String(single) => single == "null",
        serde_json::Value::Array(types) => types.iter().any(|t| t == "null"),
        _ => false,
    };
    null_type(schema)
        || ["oneOf", "anyOf"].iter().any(|key| schema[*key].as_array().is_some_and(|parts| parts.iter().any(null_type)))
}

/// The keys of a path item that are operations.
const HTTP_METHODS: [&str; 8] = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/// Gives every operation the JSON error answer, and the operations of handlers that share a
/// name (`list`, `create` in different modules) ids made of their method and path, so that
/// every operation id is unique.
fn name_operations_uniquely_and_describe_errors(document: &mut serde_json::Value) {
    let error = serde_json::json!({
        "description": "An error, with a sentence saying what went wrong",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } },
    });
    let Some(paths) = document["paths"].as_object_mut() else { return };
    let mut names: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let is_method = |key: &String| HTTP_METHODS.contains(&key.as_str());
    for operation in paths
        .values()
        .filter_map(|item| item.as_object())
        .flat_map(|item| item.iter())
        .filter(|(key, _)| is_method(key))
        .map(|(_, operation)| operation)
    {
        *names.entry(operation["operationId"].as_str().unwrap_or_default().to_string()).or_default() += 1;
    }
    for (path, item) in paths.iter_mut() {
        for (method, operation) in
            item.as_object_mut().into_iter().flat_map(|item| item.iter_mut()).filter(|(key, _)| is_method(key))
        {
            if let Some(responses) = operation["responses"].as_object_mut() {
                responses.entry("default").or_insert_with(|| error.clone());
            }
            let shared = names.get(operation["operationId"].as_str().unwrap_or_default()).is_some_and(|n| *n > 1);
            if shared {
                operation["operationId"] = serde_json::Value::String(operation_name(method, path));
            }
        }
    }
}

/// `post` + `/api/sessions/{id}/invites` → `postApiSessionsInvites`.
fn operation_name(method: &str, path: &str) -> String {
    let mut name = method.to_string();
    for word in path.split(['/', '-', '.']).filter(|word| !word.is_empty() && !word.starts_with('{')) {
        let mut letters = word.chars();
        if let Some(first) = letters.next() {
            name.extend(first.to_uppercase());
            name.extend(letters);
        }
    }
    name
}

/// The whole document, built once from the routers.
pub fn document() -> &'static serde_json::Value {
    static DOCUMENT: LazyLock<serde_json::Value> = LazyLock::new(|| finish(crate::app::api().split_for_parts().1));
    &DOCUMENT
}

pub fn routes() -> ApiRouter {
    ApiRouter::new().routes(routes!(openapi_json)).routes(routes!(viewer))
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object)))]
async fn openapi_json() -> Response {
    static JSON: LazyLock<String> = LazyLock::new(|| document().to_string());
    ([(header::CONTENT_TYPE, "application/json")], JSON.as_str()).into_response()
}

/// A viewer of this document, bundled with the server (it loads nothing from elsewhere).
#[utoipa::path(get, path = "/api/docs", tag = "operations", security(()),
    responses((status = 200, description = "The viewer's page", content_type = "text/html", body = String)))]
async fn viewer(headers: HeaderMap) -> Result<Response, AppError> {
    let mut response = crate::web::page("api-docs/index.html", &headers)
        .ok_or_else(|| AppError::not_found("This server was built without its web app"))?;
    // The viewer's own script and styles only; it reads the document from this server.
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             connect-src 'self'; frame-ancestors 'none'",
        ),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Files that may register routes with axum's own `.route(`, which the document does not
    /// see: undocumented aliases of documented routes, the API's not-found answer, and the
    /// plain-HTTP listener that only redirects to HTTPS.
    const UNDOCUMENTED_ROUTES: [(&str, usize); 3] = [("app.rs", 2), ("sandbox/api.rs", 4), ("tls/listener.rs", 1)];

    fn rust_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, found);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                found.push(path);
            }
        }
    }

    #[test]
    fn every_route_is_registered_through_the_documenting_router() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read");
            let name = file.strip_prefix(&src).expect("under src").to_string_lossy().replace('\\', "/");
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let plain_routes = code.matches(".route(").count() + code.matches(".route_service(").count();
            let allowed = UNDOCUMENTED_ROUTES.iter().find(|(allowed, _)| *allowed == name).map_or(0, |(_, n)| *n);
            assert_eq!(
                plain_routes, allowed,
                "{name}: register routes with `.routes(routes!(handler))` so the document lists them"
            );
        }
    }

    #[test]
    fn operation_ids_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for item in super::document()["paths"].as_object().expect("paths").values() {
            for operation in item.as_object().expect("a path item").values() {
                let id = operation["operationId"].as_str().expect("every operation has an id");
                assert!(seen.insert(id.to_string()), "operation id {id} is used twice");
            }
        }
    }

    #[test]
    fn keys_sent_as_null_are_required() {
        let person = &super::document()["components"]["schemas"]["Person"];
        assert_eq!(person["required"], serde_json::json!(["id", "name", "image"]));
    }

    #[test]
    fn every_reference_in_the_document_resolves() {
        let document = super::document();
        let mut found = Vec::new();
        super::schema_refs(document, &mut found);
        assert!(!found.is_empty());
        for name in found {
            assert!(document["components"]["schemas"][&name].is_object(), "{name} is not in the document");
        }
    }
}
