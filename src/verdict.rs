//! The judge's verdict on a program. Problem folders name verdicts too: each rejected solution
//! (`rejected/wrong_answer_*.py`) states the one it must get.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Accepted,
    WrongAnswer,
    RuntimeError,
    TimeLimit,
    MemoryLimit,
    CompileError,
}
