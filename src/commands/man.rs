//! `popsync man DIR`: the man pages, made from the same definitions as `--help`: popsync.1 and
//! one page per command (popsync-reconcile.1, popsync-review-import.1, …), for the package to
//! install.

use clap::CommandFactory;

use crate::cli::{Cli, GlobalArgs, ManArgs};
use crate::error::{Error, Result};
use crate::exit::ExitCode;

pub(crate) fn run(args: ManArgs, _global: GlobalArgs) -> Result<ExitCode> {
    std::fs::create_dir_all(&args.dir).map_err(|e| Error::io(&args.dir, e))?;
    let popsync = Cli::command();
    let mut pages = vec![("popsync".to_string(), popsync.clone())];
    pages_of(&popsync, "popsync", &mut pages);
    for (name, command) in pages {
        let path = args.dir.join(format!("{name}.1"));
        let mut page = Vec::new();
        clap_mangen::Man::new(command)
            .render(&mut page)
            .map_err(|e| Error::io(&path, e))?;
        std::fs::write(&path, page).map_err(|e| Error::io(&path, e))?;
    }
    Ok(ExitCode::Done)
}

/// A page for each visible subcommand of `command` (whose page is `name`), and for theirs:
/// `popsync-review.1` and `popsync-review-import.1`.
fn pages_of(command: &clap::Command, name: &str, pages: &mut Vec<(String, clap::Command)>) {
    for sub in command.get_subcommands().filter(|c| !c.is_hide_set()) {
        let page = format!("{name}-{}", sub.get_name());
        pages.push((page.clone(), sub.clone().name(page.clone())));
        pages_of(sub, &page, pages);
    }
}
