//! Rubric templates for scorecards (table `rubric`, record id = the rubric's id): criteria rated
//! 1–4 with guidance for the interviewer. One rubric is the default for new scorecards; a
//! default one ships, and administrators manage the rest from the admin page or
//! `coderoom rubrics …`.

use clap::Subcommand;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::cli::say;
use crate::config::Config;
use crate::db::{Db, take_rows};

const MAX_CRITERIA: usize = 12;

/// One thing a rubric rates, 1 to 4.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Criterion {
    /// 1 to 40 lowercase letters, digits, `-` or `_`, unique in the rubric.
    pub id: String,
    /// 1 to 80 characters.
    pub name: String,
    /// What each rating means, for the interviewer (at most 2,000 characters).
    #[serde(default)]
    pub guidance: String,
}

/// A scorecard template.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rubric {
    pub id: String,
    pub name: String,
    #[serde(default)]
    #[schema(required = true)]
    pub description: String,
    pub criteria: Vec<Criterion>,
    /// The rubric new scorecards start from (exactly one is).
    #[serde(default)]
    #[schema(required = true)]
    pub is_default: bool,
}

/// What an administrator sends to create or replace a rubric.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RubricInput {
    /// When given, the same as the id in the path.
    #[serde(default)]
    pub id: Option<String>,
    /// 1 to 80 characters.
    pub name: String,
    /// At most 1,000 characters.
    #[serde(default)]
    pub description: String,
    /// 1 to 12 criteria.
    pub criteria: Vec<Criterion>,
}

fn valid_id(id: &str) -> bool {
    (1..=40).contains(&id.len())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn length_between(what: &str, text: &str, min: usize, max: usize) -> Result<(), String> {
    let chars = text.trim().chars().count();
    if chars < min || chars > max {
        return Err(format!("{what} is {min} to {max} characters"));
    }
    Ok(())
}

impl RubricInput {
    /// Checks the input and gives the rubric it describes.
    pub fn into_rubric(self, id: &str) -> Result<Rubric, String> {
        if !valid_id(id) {
            return Err("A rubric id is 1 to 40 lowercase letters, digits, `-` or `_`".into());
        }
        if self.id.as_deref().is_some_and(|given| given != id) {
            return Err("The rubric's id in the body differs from the one in the path".into());
        }
        length_between("A rubric's name", &self.name, 1, 80)?;
        length_between("A rubric's description", &self.description, 0, 1000)?;
        if self.criteria.is_empty() || self.criteria.len() > MAX_CRITERIA {
            return Err(format!("A rubric has 1 to {MAX_CRITERIA} criteria"));
        }
        let mut seen = std::collections::HashSet::new();
        for criterion in &self.criteria {
            if !valid_id(&criterion.id) {
                return Err(format!("Criterion id `{}`: 1 to 40 lowercase letters, digits, `-` or `_`", criterion.id));
            }
            if !seen.insert(criterion.id.as_str()) {
                return Err(format!("Criterion id `{}` appears twice", criterion.id));
            }
            length_between("A criterion's name", &criterion.name, 1, 80)?;
            length_between("A criterion's guidance", &criterion.guidance, 0, 2000)?;
        }
        let criteria = self
            .criteria
            .into_iter()
            .map(|c| Criterion { id: c.id, name: c.name.trim().to_string(), guidance: c.guidance.trim().to_string() })
            .collect();
        Ok(Rubric {
            id: id.to_string(),
            name: self.name.trim().to_string(),
            description: self.description.trim().to_string(),
            criteria,
            is_default: false,
        })
    }
}

/// The rubric that ships: the four things most interview loops rate.
fn standard() -> Rubric {
    let criterion = |id: &str, name: &str, guidance: &str| Criterion {
        id: id.into(),
        name: name.into(),
        guidance: guidance.into(),
    };
    Rubric {
        id: "standard".into(),
        name: "Coding interview".into(),
        description: "Rate each criterion 1 (weak) to 4 (strong) from what you saw in this interview alone.".into(),
        criteria: vec![
            criterion(
                "problem_solving",
                "Problem solving",
                "4: clarified the problem, found an efficient approach and explained its cost. 1: could not reach a working approach even with hints.",
            ),
            criterion(
                "code_quality",
                "Code quality",
                "4: clear names and structure, idiomatic for the language, handles edge cases. 1: hard to follow or largely incorrect.",
            ),
            criterion(
                "communication",
                "Communication",
                "4: thought aloud, took hints well, explained trade-offs. 1: silent or could not explain the code.",
            ),
            criterion(
                "testing",
                "Testing",
                "4: chose tests and edge cases unprompted and traced the code by hand. 1: never checked the solution.",
            ),
        ],
        is_default: true,
    }
}

const VIEW: &str = "record::id(id) AS id, name, description, criteria, is_default AS isDefault";

/// Stores the shipped rubric when none exists (first start).
pub async fn ensure_default(db: &Db) -> anyhow::Result<()> {
    let rubric = standard();
    db.query(
        "IF array::len(SELECT VALUE id FROM rubric LIMIT 1) = 0 {
            CREATE type::record('rubric', $id) CONTENT {
                name: $name, description: $description, criteria: $criteria, is_default: true, created_at: time::now()
            } RETURN NONE;
        };",
    )
    .bind(
        json!({ "id": rubric.id, "name": rubric.name, "description": rubric.description, "criteria": rubric.criteria }),
    )
    .await?
    .check()?;
    Ok(())
}

pub async fn list(db: &Db) -> anyhow::Result<Vec<Rubric>> {
    let mut response = db.query(format!("SELECT {VIEW} FROM rubric ORDER BY isDefault DESC, name")).await?.check()?;
    take_rows(&mut response, 0)
}

pub async fn find(db: &Db, id: &str) -> anyhow::Result<Option<Rubric>> {
    if !valid_id(id) {
        return Ok(None);
    }
    let mut response =
        db.query(format!("SELECT {VIEW} FROM type::record('rubric', $id)")).bind(json!({ "id": id })).await?.check()?;
    Ok(take_rows(&mut response, 0)?.pop())
}

pub async fn default_rubric(db: &Db) -> anyhow::Result<Rubric> {
    let mut response =
        db.query(format!("SELECT {VIEW} FROM rubric ORDER BY isDefault DESC, name LIMIT 1")).await?.check()?;
    Ok(take_rows::<Rubric>(&mut response, 0)?.pop().unwrap_or_else(standard))
}

/// Creates or replaces a rubric (its default flag stays as it was).
pub async fn save(db: &Db, rubric: &Rubric) -> anyhow::Result<Rubric> {
    let mut response = db
        .query(format!(
            "UPSERT type::record('rubric', $id) MERGE {{
                name: $name, description: $description, criteria: $criteria, updated_at: time::now()
            }} RETURN NONE;
            UPDATE type::record('rubric', $id) SET is_default = false, created_at = time::now() WHERE is_default = NONE RETURN NONE;
            SELECT {VIEW} FROM type::record('rubric', $id);"
        ))
        .bind(json!({ "id": rubric.id, "name": rubric.name, "description": rubric.description, "criteria": rubric.criteria }))
        .await?
        .check()?;
    take_rows::<Rubric>(&mut response, 2)?.pop().ok_or_else(|| anyhow::anyhow!("the rubric was not saved"))
}

/// Why a rubric cannot be removed.
pub enum RemoveError {
    NotFound,
    Last,
}

/// Removes a rubric; when it was the default, another becomes the default. Scorecards keep
/// the copy of the criteria they were filled against.
pub async fn remove(db: &Db, id: &str) -> anyhow::Result<Result<(), RemoveError>> {
    let rubrics = list(db).await?;
    if !rubrics.iter().any(|r| r.id == id) {
        return Ok(Err(RemoveError::NotFound));
    }
    if rubrics.len() == 1 {
        return Ok(Err(RemoveError::Last));
    }
    db.query(
        "DELETE type::record('rubric', $id) RETURN NONE;
         IF array::len(SELECT VALUE id FROM rubric WHERE is_default = true) = 0 {
            UPDATE (SELECT VALUE id FROM rubric ORDER BY name LIMIT 1) SET is_default = true RETURN NONE;
         };",
    )
    .bind(json!({ "id": id }))
    .await?
    .check()?;
    Ok(Ok(()))
}

pub async fn make_default(db: &Db, id: &str) -> anyhow::Result<Option<Rubric>> {
    if find(db, id).await?.is_none() {
        return Ok(None);
    }
    db.query(
        "BEGIN;
         UPDATE rubric SET is_default = false WHERE is_default = true RETURN NONE;
         UPDATE type::record('rubric', $id) SET is_default = true RETURN NONE;
         COMMIT;",
    )
    .bind(json!({ "id": id }))
    .await?
    .check()?;
    find(db, id).await
}

#[derive(Subcommand)]
pub enum RubricsCommand {
    /// List the rubrics (the default first).
    List,
    /// Print a rubric as JSON (the format `import` reads).
    Show { id: String },
    /// Create or replace a rubric from a JSON or TOML file: id, name, description, criteria
    /// (each with id, name, guidance).
    Import { file: std::path::PathBuf },
    /// Make a rubric the one new scorecards start from.
    Default { id: String },
    /// Remove a rubric (scorecards filled against it keep their criteria).
    Remove { id: String },
}

/// `coderoom rubrics …`: through the running server's administrator endpoints when one runs
/// (the embedded store admits one process), otherwise on the database directly.
pub async fn run(command: RubricsCommand, config: &Config) -> anyhow::Result<()> {
    if let RubricsCommand::Import { file } = &command {
        let text = std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
        let input: RubricInput = if file.extension().is_some_and(|ext| ext == "toml") {
            toml::from_str(&text)?
        } else {
            serde_json::from_str(&text)?
        };
        let id = input.id.clone().ok_or_else(|| anyhow::anyhow!("the file gives no `id`"))?;
        let rubric = input.into_rubric(&id).map_err(|e| anyhow::anyhow!(e))?;
        return match crate::cli::running_server(config, std::time::Duration::from_secs(30)).await? {
            Some(server) => {
                let body =
                    json!({ "name": rubric.name, "description": rubric.description, "criteria": rubric.criteria });
                let url = format!("{}/api/rubrics/{id}", server.base);
                let reply = admin_call(&server, server.client.put(url).json(&body)).await?;
                say!("saved rubric {}", reply["rubric"]["id"].as_str().unwrap_or(&id));
                Ok(())
            }
            None => {
                let db = crate::cli::open_db(config).await?;
                save(&db, &rubric).await?;
                say!("saved rubric {id}");
                Ok(())
            }
        };
    }
    let rubrics: Vec<Rubric> = match crate::cli::running_server(config, std::time::Duration::from_secs(30)).await? {
        Some(server) => {
            let reply = match &command {
                RubricsCommand::Default { id } => {
                    admin_call(&server, server.client.post(format!("{}/api/rubrics/{id}/default", server.base))).await?
                }
                RubricsCommand::Remove { id } => {
                    admin_call(&server, server.client.delete(format!("{}/api/rubrics/{id}", server.base))).await?
                }
                _ => admin_call(&server, server.client.get(format!("{}/api/admin/rubrics", server.base))).await?,
            };
            serde_json::from_value(reply["rubrics"].clone()).unwrap_or_default()
        }
        None => {
            let db = crate::cli::open_db(config).await?;
            match &command {
                RubricsCommand::Default { id } => {
                    anyhow::ensure!(make_default(&db, id).await?.is_some(), "no rubric {id}");
                }
                RubricsCommand::Remove { id } => match remove(&db, id).await? {
                    Ok(()) => {}
                    Err(RemoveError::NotFound) => anyhow::bail!("no rubric {id}"),
                    Err(RemoveError::Last) => anyhow::bail!("{id} is the last rubric; add another first"),
                },
                _ => {}
            }
            list(&db).await?
        }
    };
    match command {
        RubricsCommand::List => {
            for rubric in &rubrics {
                let mark = if rubric.is_default { " (default)" } else { "" };
                say!("{:<24} {}{mark}: {} criteria", rubric.id, rubric.name, rubric.criteria.len());
            }
        }
        RubricsCommand::Show { id } => {
            let rubric = rubrics.iter().find(|r| r.id == id).ok_or_else(|| anyhow::anyhow!("no rubric {id}"))?;
            say!("{}", serde_json::to_string_pretty(rubric)?);
        }
        RubricsCommand::Default { id } => say!("{id} is now the default rubric"),
        RubricsCommand::Remove { id } => say!("removed rubric {id}"),
        RubricsCommand::Import { .. } => {}
    }
    Ok(())
}

async fn admin_call(server: &crate::cli::RunningServer, request: reqwest::RequestBuilder) -> anyhow::Result<Value> {
    let response = request.bearer_auth(&server.token).send().await?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        let message = body["message"].as_str().unwrap_or("no reason given");
        anyhow::bail!("the server at {} refused: {message} ({status})", server.base);
    }
    Ok(body)
}
