//! Toolchains carried inside the coderoom binary, for languages whose Debian version is too
//! old or too slow to be useful: installed into runtime images by `coderoom runtimes build`,
//! so that the build still reaches nothing beyond the configured Debian mirror. `build.rs` packs each one
//! from the web app's npm dependencies at coderoom's own build.

/// One bundled toolchain: a gzipped tar unpacked into `/usr/local/lib/<name>`.
struct Bundle {
    name: &'static str,
    /// Empty when coderoom was built without the package (no `web/node_modules`).
    version: &'static str,
    archive: &'static [u8],
    /// Executables in the archive, linked into `/usr/local/bin`.
    commands: &'static [&'static str],
}

const BUNDLES: &[Bundle] = &[
    // TypeScript's native compiler (the `typescript` npm package from version 7 on): one static
    // executable and the standard library declarations.
    Bundle {
        name: "typescript",
        version: include_str!(concat!(env!("OUT_DIR"), "/bundles/typescript.version")),
        archive: include_bytes!(concat!(env!("OUT_DIR"), "/bundles/typescript.tar.gz")),
        commands: &["tsc"],
    },
    // Node.js's official build (the `node-linux-<arch>` npm package): Debian's links a shared
    // libnode, OpenSSL and ICU, and spends most of a hello world's 0.12 s resolving symbols and
    // initialising them; this one starts in ~0.05 s.
    Bundle {
        name: "node",
        version: include_str!(concat!(env!("OUT_DIR"), "/bundles/node.version")),
        archive: include_bytes!(concat!(env!("OUT_DIR"), "/bundles/node.tar.gz")),
        commands: &["node"],
    },
];

fn find(name: &str) -> Option<&'static Bundle> {
    BUNDLES.iter().find(|bundle| bundle.name == name)
}

pub fn known(name: &str) -> bool {
    find(name).is_some()
}

/// The bundled version, or `None` when this binary was built without it.
pub fn version(name: &str) -> Option<&'static str> {
    find(name).map(|bundle| bundle.version.trim()).filter(|version| !version.is_empty())
}

/// What `runtimes build` unpacks: the archive and the commands to link.
pub fn contents(name: &str) -> anyhow::Result<(&'static [u8], &'static [&'static str])> {
    let bundle = find(name).ok_or_else(|| anyhow::anyhow!("unknown bundled toolchain {name:?}"))?;
    if version(name).is_none() {
        anyhow::bail!(
            "this coderoom binary was built without the bundled {name} (its npm package was not installed in web/); \
             rebuild coderoom with the web app"
        );
    }
    Ok((bundle.archive, bundle.commands))
}
