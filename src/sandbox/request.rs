//! Piston v2 request parsing and validation (the messages and their order are Piston's), and
//! the result types shared by the HTTP API, the WebSocket and the judge.

use std::path::{Component, Path};

use base64::Engine as _;
use serde::Serialize;
use serde_json::Value;

use super::SandboxConfig;
use super::runtimes::{Registry, Runtime};

/// A limit as the client gave it. Piston treats every falsy value (absent, null, 0, "", false)
/// as "not given"; coderoom then applies the configured maximum, never "unlimited".
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum LimitInput {
    #[default]
    Default,
    Value(f64),
    NotANumber,
}

impl LimitInput {
    fn from_json(value: Option<&Value>) -> Self {
        match value {
            None | Some(Value::Null) | Some(Value::Bool(false)) => Self::Default,
            Some(Value::String(s)) if s.is_empty() => Self::Default,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(0.0) => Self::Default,
                Some(v) => Self::Value(v),
                None => Self::NotANumber,
            },
            Some(_) => Self::NotANumber,
        }
    }
}

/// One file as the client sent it.
#[derive(Debug, Clone, Default, utoipa::ToSchema)]
pub struct RequestFile {
    /// A relative path in the workspace (sub-folders allowed); `file{i}.code` when missing.
    pub name: Option<String>,
    pub content: String,
    /// `utf8` (default), `base64` or `hex`.
    pub encoding: Option<String>,
}

/// An execution request in Piston's terms; also the judge's entry point. Unknown fields are
/// ignored. A limit that is absent, `null`, `0`, `""` or `false` means the server's maximum; a
/// request may lower a limit, never raise it.
#[derive(Debug, Clone, Default, utoipa::ToSchema)]
pub struct ExecuteRequest {
    /// A language name or alias.
    pub language: String,
    /// A semver range (`3.12.0`, `3.x`, `3`, `*`): the highest installed match runs.
    pub version: String,
    /// At least one utf8 file; the first utf8 file is the main file.
    pub files: Vec<RequestFile>,
    /// Standard input; a final newline is added when missing.
    #[schema(required = false)]
    pub stdin: String,
    /// Arguments of the run stage, after the main file.
    #[schema(required = false)]
    pub args: Vec<String>,
    /// Wall-clock milliseconds of the compile stage.
    #[schema(value_type = Option<f64>)]
    pub compile_timeout: LimitInput,
    /// Wall-clock milliseconds of the run stage.
    #[schema(value_type = Option<f64>)]
    pub run_timeout: LimitInput,
    /// CPU milliseconds of the compile stage.
    #[schema(value_type = Option<f64>)]
    pub compile_cpu_time: LimitInput,
    /// CPU milliseconds of the run stage.
    #[schema(value_type = Option<f64>)]
    pub run_cpu_time: LimitInput,
    /// Bytes of memory of the compile stage; `-1` means the server's maximum.
    #[schema(value_type = Option<f64>)]
    pub compile_memory_limit: LimitInput,
    /// Bytes of memory of the run stage; `-1` means the server's maximum.
    #[schema(value_type = Option<f64>)]
    pub run_memory_limit: LimitInput,
}

impl ExecuteRequest {
    /// Steps 1–4 of Piston's validation, on the raw JSON (types matter for the messages).
    pub fn from_json(body: &Value) -> Result<Self, String> {
        let text = |key: &str| match body.get(key) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        };
        let language = text("language").ok_or("language is required as a string")?;
        let version = text("version").ok_or("version is required as a string")?;
        let Some(Value::Array(raw_files)) = body.get("files") else {
            return Err("files is required as an array".into());
        };
        let mut files = Vec::with_capacity(raw_files.len());
        for (i, file) in raw_files.iter().enumerate() {
            let Some(Value::String(content)) = file.get("content") else {
                return Err(format!("files[{i}].content is required as a string"));
            };
            files.push(RequestFile {
                name: file.get("name").and_then(Value::as_str).map(str::to_string),
                content: content.clone(),
                encoding: file.get("encoding").and_then(Value::as_str).map(str::to_string),
            });
        }
        let stdin = body.get("stdin").and_then(Value::as_str).unwrap_or_default().to_string();
        let args = match body.get("args") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let limit = |key: &str| LimitInput::from_json(body.get(key));
        Ok(Self {
            language,
            version,
            files,
            stdin,
            args,
            compile_timeout: limit("compile_timeout"),
            run_timeout: limit("run_timeout"),
            compile_cpu_time: limit("compile_cpu_time"),
            run_cpu_time: limit("run_cpu_time"),
            compile_memory_limit: limit("compile_memory_limit"),
            run_memory_limit: limit("run_memory_limit"),
        })
    }

    /// The files' contents as sent (before decoding), in bytes: what the API caps.
    pub fn files_size(&self) -> usize {
        self.files.iter().map(|file| file.content.len()).sum()
    }
}

/// Limits of one stage after validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageLimits {
    pub timeout_ms: u64,
    pub cpu_ms: u64,
    pub memory_bytes: u64,
    pub output_cap: u64,
}

/// A validated job, ready for the engine.
#[derive(Debug, Clone)]
pub struct Job {
    pub runtime: Runtime,
    /// Relative paths (validated) and their bytes; the main file first.
    pub files: Vec<(String, Vec<u8>)>,
    pub main: String,
    pub stdin: Vec<u8>,
    pub args: Vec<String>,
    pub compile: StageLimits,
    pub run: StageLimits,
}

impl Job {
    /// Steps 5–7 of Piston's validation, then file decoding and the limits.
    pub fn validate(request: ExecuteRequest, registry: &Registry, config: &SandboxConfig) -> Result<Self, String> {
        let runtime = registry
            .find(&request.language, &request.version)
            .ok_or_else(|| format!("{}-{} runtime is unknown", request.language, request.version))?;
        let is_utf8 = |file: &RequestFile| matches!(file.encoding.as_deref(), None | Some("utf8"));
        if !request.files.iter().any(is_utf8) {
            return Err("files must include at least one utf8 encoded file".into());
        }

        let limits = &runtime.limits;
        let maximum = |configured: u64, runtime: Option<u64>| runtime.map_or(configured, |r| r.min(configured));
        let max_compile_memory = maximum(config.compile_memory_limit, limits.compile_memory_limit);
        let max_run_memory = maximum(config.run_memory_limit, limits.run_memory_limit);
        let max_compile_timeout = maximum(config.compile_timeout, limits.compile_timeout);
        let max_run_timeout = maximum(config.run_timeout, limits.run_timeout);
        let max_compile_cpu = maximum(config.compile_cpu_time, limits.compile_cpu_time);
        let max_run_cpu = maximum(config.run_cpu_time, limits.run_cpu_time);
        // Piston's order: memory_limit, timeout, cpu_time; compile before run.
        let checks = [
            ("compile_memory_limit", request.compile_memory_limit, max_compile_memory),
            ("run_memory_limit", request.run_memory_limit, max_run_memory),
            ("compile_timeout", request.compile_timeout, max_compile_timeout),
            ("run_timeout", request.run_timeout, max_run_timeout),
            ("compile_cpu_time", request.compile_cpu_time, max_compile_cpu),
            ("run_cpu_time", request.run_cpu_time, max_run_cpu),
        ];
        let mut effective = [0u64; 6];
        for (slot, (field, given, configured)) in checks.into_iter().enumerate() {
            effective[slot] = match given {
                LimitInput::Default => configured,
                LimitInput::NotANumber => return Err(format!("If specified, {field} must be a number")),
                // Piston clients send -1 for "no memory limit": the server maximum.
                LimitInput::Value(v) if v == -1.0 && field.ends_with("memory_limit") => configured,
                LimitInput::Value(v) if v > configured as f64 => {
                    return Err(format!("{field} cannot exceed the configured limit of {configured}"));
                }
                LimitInput::Value(v) if v < 0.0 => return Err(format!("{field} must be non-negative")),
                LimitInput::Value(v) => v.floor() as u64,
            };
        }

        let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(request.files.len());
        let mut main_index = None;
        for (i, file) in request.files.iter().enumerate() {
            let name = match file.name.as_deref() {
                None | Some("") => format!("file{i}.code"),
                Some(name) => name.to_string(),
            };
            let path = workspace_path(&name)
                .ok_or_else(|| format!("files[{i}].name must be a relative path inside the workspace"))?;
            let bytes = match file.encoding.as_deref() {
                None | Some("utf8") => file.content.as_bytes().to_vec(),
                Some("base64") => base64::engine::general_purpose::STANDARD
                    .decode(file.content.trim())
                    .map_err(|_| format!("files[{i}].content is not valid base64"))?,
                Some("hex") => {
                    hex::decode(file.content.trim()).map_err(|_| format!("files[{i}].content is not valid hex"))?
                }
                Some(other) => return Err(format!("files[{i}].encoding {other:?} is not one of utf8, base64, hex")),
            };
            if main_index.is_none() && is_utf8(file) {
                main_index = Some(i);
            }
            files.push((path, bytes));
        }
        // Callers need the main file first only to know its name; keep the given order on disk.
        let main = files[main_index.unwrap_or(0)].0.clone();

        let mut stdin = request.stdin.into_bytes();
        if !stdin.is_empty() && stdin.last() != Some(&b'\n') {
            stdin.push(b'\n');
        }
        let output_cap = config.output_limit_kb * 1024;
        Ok(Self {
            runtime,
            files,
            main,
            stdin,
            args: request.args,
            compile: StageLimits {
                memory_bytes: effective[0],
                timeout_ms: effective[2],
                cpu_ms: effective[4],
                output_cap,
            },
            run: StageLimits { memory_bytes: effective[1], timeout_ms: effective[3], cpu_ms: effective[5], output_cap },
        })
    }
}

/// A normalised relative path that cannot leave the workspace, or None.
fn workspace_path(name: &str) -> Option<String> {
    if name.contains('\0') || name.len() > 255 {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for component in Path::new(name).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    if parts.is_empty() { None } else { Some(parts.join("/")) }
}

/// The outcome of one stage, in Piston's shape.
#[derive(Debug, Clone, Default, Serialize, PartialEq, utoipa::ToSchema)]
pub struct StageResult {
    pub stdout: String,
    pub stderr: String,
    /// Standard output and error interleaved in the order they arrived.
    pub output: String,
    /// The exit code; `null` when the process was killed.
    pub code: Option<i32>,
    /// The signal that killed the process (`SIGKILL`), or `null`.
    pub signal: Option<String>,
    /// A short text for a non-`null` `status` ("Time limit exceeded").
    pub message: Option<String>,
    /// `null` when it ran normally; `RE` non-zero exit, `SG` killed by a signal, `TO` wall or
    /// CPU time limit, `OL` stdout limit, `EL` stderr limit, `XX` internal error.
    pub status: Option<String>,
    /// CPU milliseconds.
    pub cpu_time: u64,
    /// Wall-clock milliseconds.
    pub wall_time: u64,
    /// Peak memory in bytes.
    pub memory: u64,
}

impl StageResult {
    /// An internal failure reported the Piston way (status `XX`).
    pub fn internal(message: impl Into<String>) -> Self {
        Self { status: Some("XX".into()), message: Some(message.into()), ..Self::default() }
    }

    pub fn succeeded(&self) -> bool {
        self.status.is_none() && self.code == Some(0)
    }
}

/// The outcome of one execution, in Piston's shape.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct ExecuteResult {
    /// The canonical name, never the alias that was sent.
    pub language: String,
    pub version: String,
    /// When compilation failed, the run stage was skipped and this is a copy of `compile`.
    pub run: StageResult,
    /// Only for runtimes that compile.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub compile: Option<StageResult>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_in_order() {
        let cases = [
            (json!({}), "language is required as a string"),
            (json!({"language": 3}), "language is required as a string"),
            (json!({"language": "py"}), "version is required as a string"),
            (json!({"language": "py", "version": "3"}), "files is required as an array"),
            (
                json!({"language": "py", "version": "3", "files": [{"content": 1}]}),
                "files[0].content is required as a string",
            ),
        ];
        for (body, message) in cases {
            assert_eq!(ExecuteRequest::from_json(&body).err().as_deref(), Some(message));
        }
    }

    #[test]
    fn limits_never_raise() {
        let registry = Registry::load(None).expect("registry");
        let config = SandboxConfig::default();
        let request = |extra: Value| {
            let mut body = json!({"language": "python", "version": "*", "files": [{"content": "print(1)"}]});
            if let (Some(target), Value::Object(extra)) = (body.as_object_mut(), extra) {
                target.extend(extra);
            }
            Job::validate(ExecuteRequest::from_json(&body).expect("parse"), &registry, &config)
        };
        let job = request(json!({"run_timeout": 0, "run_memory_limit": -1})).expect("valid");
        assert_eq!(job.run.timeout_ms, config.run_timeout);
        assert_eq!(job.run.memory_bytes, config.run_memory_limit);
        assert_eq!(job.main, "file0.code");
        assert_eq!(request(json!({"run_timeout": 100})).expect("valid").run.timeout_ms, 100);
        assert_eq!(
            request(json!({"run_timeout": 1e9})).err(),
            Some(format!("run_timeout cannot exceed the configured limit of {}", config.run_timeout))
        );
        assert_eq!(request(json!({"run_cpu_time": -5})).err().as_deref(), Some("run_cpu_time must be non-negative"));
        assert_eq!(
            request(json!({"compile_timeout": "5"})).err().as_deref(),
            Some("If specified, compile_timeout must be a number")
        );
    }

    #[test]
    fn paths_stay_inside() {
        assert_eq!(workspace_path("a/./b/../c.py").as_deref(), Some("a/c.py"));
        assert_eq!(workspace_path("../x"), None);
        assert_eq!(workspace_path("/etc/passwd"), None);
        assert_eq!(workspace_path(".."), None);
    }
}
