//! Administration over HTTP: role changes, disabling accounts and their guards.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{Client, Server, assert_error, session_cookie};

async fn patch_user(client: &Client, id: &Value, body: Value) -> (StatusCode, Value) {
    client.patch_json(&format!("/api/admin/users/{}", id.as_str().expect("user id")), body).await
}

async fn sign_in(server: &Server, credentials: Value) -> Client {
    let mut client = server.anon();
    let response = client.post("/api/auth/login", credentials).await;
    assert_eq!(response.status(), StatusCode::OK, "login");
    client.cookie = Some(session_cookie(&response).expect("login sets a cookie"));
    client
}

fn listed<'a>(users: &'a Value, id: &Value) -> &'a Value {
    users["users"].as_array().expect("users").iter().find(|u| u["id"] == *id).expect("user listed")
}

#[tokio::test]
async fn admin_changes_roles_and_disables_accounts() {
    let server = Server::start();
    let (admin, admin_user) = server.admin("Ada").await;
    let (bob, bob_user) = server.user("Bob").await;
    assert_eq!(bob_user["role"], "candidate");

    // Role change: answered with the new view, listed, and Bob's old sign-in is revoked.
    let (status, body) = patch_user(&admin, &bob_user["id"], json!({ "role": "interviewer" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["role"], "interviewer");
    assert_eq!(body["user"]["disabled"], false);
    let (_, users) = admin.get_json("/api/admin/users").await;
    assert_eq!(listed(&users, &bob_user["id"])["role"], "interviewer");
    assert_eq!(bob.get("/api/me").await.status(), StatusCode::UNAUTHORIZED);

    // Disable: Bob signs in again, then his cookie gets 401 at once and he cannot sign in.
    let credentials = json!({ "email": bob_user["email"], "password": "correct horse battery" });
    let bob = sign_in(&server, credentials.clone()).await;
    assert_eq!(bob.get("/api/me").await.status(), StatusCode::OK);
    let (status, body) = patch_user(&admin, &bob_user["id"], json!({ "disabled": true })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["disabled"], true);
    let (_, users) = admin.get_json("/api/admin/users").await;
    assert_eq!(listed(&users, &bob_user["id"])["disabled"], true);
    assert_error(bob.get_json("/api/me").await, StatusCode::UNAUTHORIZED, "Sign in");
    let login = server.anon().post_json("/api/auth/login", credentials.clone()).await;
    assert!(login.0.is_client_error(), "a disabled account signs in: {login:?}");

    // Enabled again, he may sign in.
    let (status, body) = patch_user(&admin, &bob_user["id"], json!({ "disabled": false })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let bob = sign_in(&server, credentials).await;
    assert_eq!(bob.get_json("/api/me").await.1["user"]["role"], "interviewer");

    // The admin is still signed in and still an administrator.
    let (_, me) = admin.get_json("/api/me").await;
    assert_eq!(me["user"]["id"], admin_user["id"]);
    assert_eq!(me["user"]["role"], "admin");
}

#[tokio::test]
async fn admins_cannot_demote_or_disable_themselves_or_the_last_admin() {
    let server = Server::start();
    let (admin, admin_user) = server.admin("Ada").await;
    let (_, bob_user) = server.user("Bob").await;

    let demote = patch_user(&admin, &admin_user["id"], json!({ "role": "candidate" })).await;
    assert_error(demote, StatusCode::BAD_REQUEST, "your own administrator role");
    let disable = patch_user(&admin, &admin_user["id"], json!({ "disabled": true })).await;
    assert_error(disable, StatusCode::BAD_REQUEST, "your own account");
    assert_eq!(admin.get("/api/me").await.status(), StatusCode::OK, "a refused change revoked nothing");

    // Validation: JSON messages for unknown roles, unknown fields, empty bodies and unknown users.
    let bad_role = patch_user(&admin, &bob_user["id"], json!({ "role": "root" })).await;
    assert_eq!(bad_role.0, StatusCode::BAD_REQUEST, "{}", bad_role.1);
    assert!(bad_role.1["message"].is_string());
    let unknown_field = patch_user(&admin, &bob_user["id"], json!({ "password": "x" })).await;
    assert_eq!(unknown_field.0, StatusCode::BAD_REQUEST, "{}", unknown_field.1);
    assert_error(patch_user(&admin, &bob_user["id"], json!({})).await, StatusCode::BAD_REQUEST, "Nothing to change");
    assert_error(
        patch_user(&admin, &json!("no-such-user"), json!({ "role": "admin" })).await,
        StatusCode::NOT_FOUND,
        "User not found",
    );

    // With a second administrator, one may demote the other — but not the last one left.
    let (status, body) = patch_user(&admin, &bob_user["id"], json!({ "role": "admin" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (bob, _) = server.register("Bob Two", "bob-two@example.test", "correct horse battery").await;
    let (_, bob_two) = bob.get_json("/api/me").await;
    let (status, body) = patch_user(&admin, &bob_two["user"]["id"], json!({ "role": "admin" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Bob Two signs in again as an administrator, demotes Ada and disables Bob.
    let bob = sign_in(&server, json!({ "email": "bob-two@example.test", "password": "correct horse battery" })).await;
    let (status, body) = patch_user(&bob, &admin_user["id"], json!({ "role": "interviewer" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = patch_user(&bob, &bob_user["id"], json!({ "disabled": true })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(admin.get("/api/admin/users").await.status(), StatusCode::UNAUTHORIZED, "role change revoked Ada");
    // Bob Two is now the last administrator: he cannot step down.
    let last = patch_user(&bob, &bob_two["user"]["id"], json!({ "role": "candidate" })).await;
    assert_error(last, StatusCode::BAD_REQUEST, "your own administrator role");
    let (_, users) = bob.get_json("/api/admin/users").await;
    let admins =
        users["users"].as_array().expect("users").iter().filter(|u| u["role"] == "admin" && u["disabled"] == false);
    assert_eq!(admins.count(), 1);
}

#[tokio::test]
async fn only_signed_in_admins_may_change_users() {
    let server = Server::start();
    let (_, admin_user) = server.admin("Ada").await;
    let (bob, bob_user) = server.user("Bob").await;

    let forbidden = patch_user(&bob, &bob_user["id"], json!({ "role": "admin" })).await;
    assert_error(forbidden, StatusCode::FORBIDDEN, "Administrators only");
    let forbidden = patch_user(&bob, &admin_user["id"], json!({ "disabled": true })).await;
    assert_error(forbidden, StatusCode::FORBIDDEN, "Administrators only");
    assert_eq!(bob.get("/api/admin/users").await.status(), StatusCode::FORBIDDEN);

    let anonymous = patch_user(&server.anon(), &admin_user["id"], json!({ "disabled": true })).await;
    assert_error(anonymous, StatusCode::UNAUTHORIZED, "Sign in");
    let (_, me) = bob.get_json("/api/me").await;
    assert_eq!(me["user"]["role"], "candidate");
}
