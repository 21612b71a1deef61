//! User records in the database.

use serde::Deserialize;
use serde_json::json;

use super::{Role, User};
use crate::db::{Db, take_rows};

/// A user row as stored, including what never leaves the server.
#[derive(Debug, Clone, Deserialize)]
pub struct UserRecord {
    pub id: String,
    pub name: String,
    pub email: String,
    pub image: Option<String>,
    pub role: Role,
    pub password_hash: Option<String>,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub token_version: i64,
    /// A guest's one session.
    #[serde(default)]
    pub guest_session: Option<String>,
    /// The e-mail address a guest gave, if any (`email` itself must stay unique).
    #[serde(default)]
    pub contact_email: Option<String>,
}

impl UserRecord {
    pub fn to_user(&self) -> User {
        User {
            id: self.id.clone(),
            name: self.name.clone(),
            email: match self.role {
                Role::Guest => self.contact_email.clone().unwrap_or_default(),
                _ => self.email.clone(),
            },
            image: self.image.clone(),
            role: self.role,
            session_id: self.guest_session.clone(),
        }
    }
}

pub(crate) const USER_FIELDS: &str = "record::id(id) AS id, name, email, image, role, password_hash, disabled, token_version, guest_session, contact_email";

pub struct NewUser<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
}

pub enum CreateOutcome {
    Created(UserRecord),
    EmailTaken,
}

pub async fn create(db: &Db, user: NewUser<'_>) -> anyhow::Result<CreateOutcome> {
    let id = uuid::Uuid::now_v7().simple().to_string();
    let result = db
        .query(format!(
            "CREATE type::record('user', $id) CONTENT {{
                name: $name, email: $email, image: NONE, role: $role, password_hash: $hash,
                disabled: false, token_version: 0, created_at: time::now()
            }} RETURN {USER_FIELDS}"
        ))
        .bind(
            json!({ "id": id, "name": user.name, "email": user.email, "role": user.role, "hash": user.password_hash }),
        )
        .await?;
    let mut response = match result.check() {
        Ok(response) => response,
        Err(err) if err.to_string().contains("user_email") => return Ok(CreateOutcome::EmailTaken),
        Err(err) => return Err(err.into()),
    };
    let created =
        take_rows::<UserRecord>(&mut response, 0)?.pop().ok_or_else(|| anyhow::anyhow!("user was not created"))?;
    Ok(CreateOutcome::Created(created))
}

/// A guest account for someone who opened an invitation link to `session_id`: no password,
/// and a placeholder address that keeps `email` unique.
pub async fn create_guest(
    db: &Db,
    name: &str,
    contact_email: Option<&str>,
    session_id: &str,
) -> anyhow::Result<UserRecord> {
    let id = uuid::Uuid::now_v7().simple().to_string();
    let mut response = db
        .query(format!(
            "CREATE type::record('user', $id) CONTENT {{
                name: $name, email: $placeholder, contact_email: $contact, image: NONE, role: 'guest',
                password_hash: NONE, guest_session: $guest_session, disabled: false, token_version: 0,
                created_at: time::now()
            }} RETURN {USER_FIELDS}"
        ))
        .bind(json!({
            "id": id,
            "name": name,
            "placeholder": format!("guest-{id}@guests.invalid"),
            "contact": contact_email,
            "guest_session": session_id,
        }))
        .await?
        .check()?;
    take_rows::<UserRecord>(&mut response, 0)?.pop().ok_or_else(|| anyhow::anyhow!("guest was not created"))
}

/// Removes a guest who never got a seat (the loser of a race for one invitation).
pub async fn delete_guest(db: &Db, id: &str) -> anyhow::Result<()> {
    db.query("DELETE type::record('user', $id) WHERE role = 'guest'").bind(json!({ "id": id })).await?.check()?;
    Ok(())
}

/// Ends a guest's sign-in for good: removed from the session or the invitation withdrawn.
pub async fn disable_guest(db: &Db, id: &str) -> anyhow::Result<()> {
    db.query("UPDATE type::record('user', $id) SET disabled = true, token_version += 1 WHERE role = 'guest'")
        .bind(json!({ "id": id }))
        .await?
        .check()?;
    Ok(())
}

pub async fn find_by_email(db: &Db, email: &str) -> anyhow::Result<Option<UserRecord>> {
    let mut response = db
        .query(format!("SELECT {USER_FIELDS} FROM user WHERE email = $email LIMIT 1"))
        .bind(json!({ "email": email }))
        .await?
        .check()?;
    Ok(take_rows(&mut response, 0)?.pop())
}

pub async fn find_by_id(db: &Db, id: &str) -> anyhow::Result<Option<UserRecord>> {
    let mut response = db
        .query(format!("SELECT {USER_FIELDS} FROM type::record('user', $id)"))
        .bind(json!({ "id": id }))
        .await?
        .check()?;
    Ok(take_rows(&mut response, 0)?.pop())
}

pub async fn list(db: &Db) -> anyhow::Result<Vec<UserRecord>> {
    let mut response =
        db.query(format!("SELECT {USER_FIELDS}, created_at FROM user ORDER BY created_at ASC")).await?.check()?;
    take_rows(&mut response, 0)
}

/// Applies `changes` (a JSON object of fields) to the user with `email`; `None` when no such user.
/// Every change revokes the user's existing sign-ins.
pub async fn update_by_email(db: &Db, email: &str, changes: serde_json::Value) -> anyhow::Result<Option<UserRecord>> {
    let mut response = db
        .query(format!(
            "UPDATE user MERGE $changes WHERE email = $email RETURN NONE;
             UPDATE user SET token_version += 1 WHERE email = $email RETURN {USER_FIELDS}"
        ))
        .bind(json!({ "email": email, "changes": changes }))
        .await?
        .check()?;
    Ok(take_rows(&mut response, 1)?.pop())
}

/// Applies `changes` to the user with record id `id`; `None` when no such user. Like
/// [`update_by_email`], every change revokes the user's existing sign-ins.
pub async fn update_by_id(db: &Db, id: &str, changes: serde_json::Value) -> anyhow::Result<Option<UserRecord>> {
    let mut response = db
        .query(format!(
            "UPDATE type::record('user', $id) MERGE $changes RETURN NONE;
             UPDATE type::record('user', $id) SET token_version += 1 RETURN {USER_FIELDS}"
        ))
        .bind(json!({ "id": id, "changes": changes }))
        .await?
        .check()?;
    Ok(take_rows(&mut response, 1)?.pop())
}

/// How many administrators can still sign in.
pub async fn count_active_admins(db: &Db) -> anyhow::Result<u64> {
    let mut response =
        db.query("SELECT count() AS n FROM user WHERE role = 'admin' AND disabled != true GROUP ALL").await?.check()?;
    #[derive(Deserialize)]
    struct Count {
        n: u64,
    }
    Ok(take_rows::<Count>(&mut response, 0)?.first().map_or(0, |c| c.n))
}

pub async fn add_invite(db: &Db, email: &str) -> anyhow::Result<()> {
    db.query("UPSERT type::record('invite', $email) SET email = $email, created_at = time::now()")
        .bind(json!({ "email": email }))
        .await?
        .check()?;
    Ok(())
}

pub async fn has_invite(db: &Db, email: &str) -> anyhow::Result<bool> {
    let mut response =
        db.query("SELECT email FROM type::record('invite', $email)").bind(json!({ "email": email })).await?.check()?;
    Ok(!take_rows::<serde_json::Value>(&mut response, 0)?.is_empty())
}

/// The names of the users `ids` (those that exist), by id.
pub async fn names(db: &Db, ids: &[String]) -> anyhow::Result<std::collections::HashMap<String, String>> {
    #[derive(serde::Deserialize)]
    struct Row {
        id: String,
        name: String,
    }
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let records: Vec<String> = ids.iter().take(1000).cloned().collect();
    let mut response = db
        .query("SELECT record::id(id) AS id, name FROM array::map($ids, |$id| type::record('user', $id))")
        .bind(serde_json::json!({ "ids": records }))
        .await?
        .check()?;
    Ok(take_rows::<Row>(&mut response, 0)?.into_iter().map(|row| (row.id, row.name)).collect())
}
