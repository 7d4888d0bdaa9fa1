//! Names the commit the binary is built from, for `popsync --version` and summary.json:
//! `POPSYNC_COMMIT` when the build sets it (a package built outside a git checkout), else
//! `git rev-parse` of the checkout (with `-dirty` when files differ from it), else `unknown`.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}

fn main() {
    println!("cargo:rerun-if-env-changed=POPSYNC_COMMIT");
    let commit = match std::env::var("POPSYNC_COMMIT") {
        Ok(commit) if !commit.trim().is_empty() => commit.trim().to_string(),
        _ => {
            // The commit changes when HEAD or the branch it points at moves.
            if let Some(git_dir) = git(&["rev-parse", "--git-dir"]) {
                let git_dir = Path::new(&git_dir);
                println!("cargo:rerun-if-changed={}", git_dir.join("HEAD").display());
                if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"]) {
                    let common = git(&["rev-parse", "--git-common-dir"])
                        .map(|d| Path::new(&d).to_path_buf())
                        .unwrap_or_else(|| git_dir.to_path_buf());
                    println!(
                        "cargo:rerun-if-changed={}",
                        common.join(reference).display()
                    );
                    println!(
                        "cargo:rerun-if-changed={}",
                        common.join("packed-refs").display()
                    );
                }
                println!("cargo:rerun-if-changed={}", git_dir.join("index").display());
            }
            match git(&["rev-parse", "--short=12", "HEAD"]) {
                Some(hash) => {
                    let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                        .is_some_and(|s| !s.is_empty());
                    if dirty {
                        format!("{hash}-dirty")
                    } else {
                        hash
                    }
                }
                None => "unknown".to_string(),
            }
        }
    };
    println!("cargo:rustc-env=POPSYNC_COMMIT={commit}");
}
