//! Optional third-party services an administrator can switch on with keys alone. Clerk
//! sign-in lives with the rest of authentication (`auth::clerk`).

pub mod stream;

use crate::auth::clerk::ClerkVerifier;
use crate::config::Config;
use crate::settings::Problem;

/// `coderoom config check --online`: the configured services answer and accept the keys.
pub async fn check_reachable(config: &Config) -> Vec<Problem> {
    let mut problems = Vec::new();
    let public_url = config.public_url.clone().unwrap_or_else(|| format!("http://{}", config.bind));
    match ClerkVerifier::from_config(config, &public_url) {
        Ok(Some(verifier)) => {
            if let Err(err) = verifier.check_keys().await {
                problems.push(Problem::new("clerk", format!("cannot load signing keys: {err:#}")));
            }
        }
        Ok(None) => {}
        Err(err) => problems.push(Problem::new("clerk", format!("{err:#}"))),
    }
    match crate::auth::oidc::OidcProvider::from_config(config, &public_url) {
        Ok(Some(provider)) => {
            if let Err(err) = provider.check_reachable().await {
                problems.push(Problem::new("oidc.issuer", format!("{err:#}")));
            }
        }
        Ok(None) => {}
        Err(err) => problems.push(Problem::new("oidc", format!("{err:#}"))),
    }
    if let Err(err) = stream::check_reachable(&config.stream).await {
        problems.push(Problem::new("stream", format!("{err:#}")));
    }
    problems
}
