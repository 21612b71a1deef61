//! Optional third-party services an administrator can switch on with keys alone. Clerk
//! sign-in lives with the rest of authentication (`auth::clerk`).

pub mod stream;
