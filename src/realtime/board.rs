//! The room's whiteboard: a second shared document, reached at `GET /api/collab/:id/board`
//! by the same people and under the same limits as the code (see `collab`), with a size and
//! shape cap of its own (`realtime.max_board_kb`, `realtime.max_board_elements`).
//!
//! The document holds one map, `doc.getMap("elements")`: shape id → the shape as the
//! browser's drawing library keeps it, as JSON text (an object with its `version`, its
//! fractional `index` for stacking order and an `isDeleted` flag). Each browser writes only the shapes it
//! changed; Yjs merges concurrent writes and the browsers keep the higher `version` of a
//! shape, so two people drawing at once converge. Live pointers travel as awareness states.
//!
//! `GET /api/sessions/:id/whiteboard` reads the board (live or as stored), for the ended
//! session's read-only view and the report.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use yrs::types::ToJson;
use yrs::updates::decoder::Decode;
use yrs::{Doc, Map, ReadTxn, StateVector, Transact, Update};

use super::collab::DocState;
use super::store::DocKind;
use super::{authorize, lock};
use crate::app::AppState;
use crate::auth::SignedIn;
use crate::error::{ApiQuery, AppError, AppResult};
use crate::sessions::Session;

/// Name of the shared map of shapes (`doc.getMap(ELEMENTS)`).
pub const ELEMENTS: &str = "elements";
/// What a person who draws past the cap is told.
pub const FULL: &str = "the whiteboard is full";
/// The fewest bytes a new map entry takes in an encoded update (item header, parent, key and
/// the smallest value): an update of `n` bytes adds at most `n / MIN_ENTRY_BYTES` shapes.
const MIN_ENTRY_BYTES: usize = 6;

fn element_count(doc: &Doc) -> usize {
    let txn = doc.transact();
    txn.get_map(ELEMENTS).map_or(0, |elements| elements.len(&txn) as usize)
}

/// Refuses an update that would take the board past `max` shapes, before it is applied:
/// Yjs cannot take an applied update back. Far from the cap the update's size proves it
/// harmless; near it, the update is tried on a copy of the board.
pub fn check_elements(doc: &Doc, update: &[u8], max: usize) -> Result<(), String> {
    let count = element_count(doc);
    if count + update.len() / MIN_ENTRY_BYTES <= max {
        return Ok(());
    }
    let probe = Doc::new();
    let state = doc.transact().encode_state_as_update_v1(&StateVector::default());
    {
        let mut txn = probe.transact_mut();
        for bytes in [&state[..], update] {
            let decoded = Update::decode_v1(bytes).map_err(|err| err.to_string())?;
            txn.apply_update(decoded).map_err(|err| err.to_string())?;
        }
    }
    let after = element_count(&probe);
    if after > max && after > count {
        return Err(format!("{after} shapes, at most {max}"));
    }
    Ok(())
}

/// The shapes on the board, deleted ones left out, in stacking order.
pub fn elements(doc: &Doc) -> Vec<Value> {
    let txn = doc.transact();
    let Some(map) = txn.get_map(ELEMENTS) else {
        return Vec::new();
    };
    let mut shapes: Vec<Value> = match serde_json::to_value(map.to_json(&txn)) {
        Ok(Value::Object(entries)) => entries.into_iter().map(|(_, shape)| parse_shape(shape)).collect(),
        _ => Vec::new(),
    };
    shapes.retain(|shape| shape.is_object() && shape.get("isDeleted") != Some(&Value::Bool(true)));
    // Fractional indices sort as plain strings; the id breaks ties the same way everywhere.
    let key = |shape: &Value| {
        let text = |field: &str| shape.get(field).and_then(Value::as_str).unwrap_or_default().to_string();
        (text("index"), text("id"))
    };
    shapes.sort_by_cached_key(key);
    shapes
}

/// A shape as stored: browsers write each as JSON text (a Yjs string costs the server a
/// fraction of the memory of the same shape as a tree of Yjs values); an object is taken as it
/// is.
fn parse_shape(stored: Value) -> Value {
    match stored {
        Value::String(text) => serde_json::from_str(&text).unwrap_or(Value::Null),
        other => other,
    }
}

/// The board of a session: from its open room, else as stored.
pub async fn board_of(state: &AppState, session: &Session) -> anyhow::Result<Vec<Value>> {
    let live =
        state.rooms.loaded(&session.id).and_then(|room| room.board.doc.get().map(|doc| elements(lock(doc).doc())));
    match live {
        Some(shapes) => Ok(shapes),
        None => Ok(elements(DocState::load(&state.rooms, session, DocKind::Board).await?.doc())),
    }
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// `json` (the default) or `svg`.
    // Read as text so that an unknown format gets its own message.
    #[param(value_type = Option<BoardFormat>, inline)]
    format: Option<String>,
}

/// How the whiteboard is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum BoardFormat {
    Json,
    Svg,
}

/// The shapes on a whiteboard, deleted ones left out, in stacking order.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct BoardElements {
    /// Each shape as the browser's drawing library keeps it (an object with at least its `id`,
    /// `type`, `version` and fractional `index`).
    #[schema(value_type = Vec<Object>)]
    elements: Vec<Value>,
}

/// A session's whiteboard: its shapes as JSON, or with `?format=svg` the drawing.
///
/// Live, or as stored once the session ended. The host, the people seated (guests included)
/// and administrators.
#[utoipa::path(get, path = "/sessions/{id}/whiteboard", tag = "room",
    params(("id" = String, Path, description = "The session's id"), BoardQuery),
    responses((status = 200, description = "The shapes, or the drawing with `?format=svg`", content(
        (BoardElements = "application/json"),
        (String = "image/svg+xml"),
    ))))]
pub async fn whiteboard(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<BoardQuery>,
) -> AppResult<Response> {
    let format = match query.format.as_deref() {
        None | Some("json") => BoardFormat::Json,
        Some("svg") => BoardFormat::Svg,
        Some(other) => return Err(AppError::bad_request(format!("Unknown format `{other}`; use json or svg"))),
    };
    let (session, _) = authorize(&state, &user, &id).await?;
    let elements = board_of(&state, &session).await?;
    if format == BoardFormat::Svg {
        let headers = [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            // Opened on its own, the drawing must not be able to run anything.
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'"),
        ];
        return Ok((headers, super::board_svg::render(&elements)).into_response());
    }
    Ok(Json(BoardElements { elements }).into_response())
}

/// The words written on the board, top to bottom: what a text-only report can carry.
pub fn texts(elements: &[Value]) -> Vec<String> {
    let mut found: Vec<(f64, f64, String)> = elements
        .iter()
        .filter(|shape| shape.get("type").and_then(Value::as_str) == Some("text"))
        .filter_map(|shape| {
            let text = shape.get("text").and_then(Value::as_str)?.trim();
            let at = |field: &str| shape.get(field).and_then(Value::as_f64).unwrap_or(0.0);
            (!text.is_empty()).then(|| (at("y"), at("x"), text.to_string()))
        })
        .collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    found.into_iter().map(|(_, _, text)| text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::Any;

    fn shape(id: &str, index: &str, deleted: bool) -> Any {
        let json =
            serde_json::json!({ "id": id, "type": "rectangle", "index": index, "version": 1, "isDeleted": deleted });
        serde_json::from_value(json).expect("an Any")
    }

    fn update_adding(doc: &Doc, shapes: &[(&str, Any)]) -> Vec<u8> {
        let before = doc.transact().state_vector();
        let map = doc.get_or_insert_map(ELEMENTS);
        let mut txn = doc.transact_mut();
        for (id, value) in shapes {
            map.insert(&mut txn, *id, value.clone());
        }
        drop(txn);
        doc.transact().encode_state_as_update_v1(&before)
    }

    #[test]
    fn shapes_stored_as_json_text_are_read_like_objects() {
        let doc = Doc::new();
        let text = Any::String(r#"{"id":"t","type":"text","index":"a0","text":"API","isDeleted":false}"#.into());
        update_adding(&doc, &[("t", text), ("r", shape("r", "a1", false))]);
        let shapes = elements(&doc);
        assert_eq!((shapes[0]["text"].as_str(), shapes[1]["id"].as_str()), (Some("API"), Some("r")));
    }

    #[test]
    fn shapes_come_out_in_stacking_order_without_deleted_ones() {
        let doc = Doc::new();
        update_adding(
            &doc,
            &[("b", shape("b", "a2", false)), ("a", shape("a", "a1", false)), ("c", shape("c", "a0", true))],
        );
        let ids: Vec<String> =
            elements(&doc).iter().map(|s| s["id"].as_str().unwrap_or_default().to_string()).collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn an_update_past_the_cap_is_refused_before_it_is_applied() {
        let board = Doc::new();
        let author = Doc::new();
        let first = update_adding(&author, &[("a", shape("a", "a0", false)), ("b", shape("b", "a1", false))]);
        assert!(check_elements(&board, &first, 2).is_ok(), "two shapes fit a cap of two");
        board.transact_mut().apply_update(Update::decode_v1(&first).expect("decodes")).expect("applies");
        let third = update_adding(&author, &[("c", shape("c", "a2", false))]);
        let refusal = check_elements(&board, &third, 2).expect_err("a third shape is refused");
        assert!(refusal.contains("3 shapes"), "{refusal}");
        assert_eq!(element_count(&board), 2, "nothing was applied");
        let edit = update_adding(&author, &[("a", shape("a", "a0", true))]);
        assert!(check_elements(&board, &edit, 2).is_ok(), "changing a shape at the cap is allowed");
    }
}
