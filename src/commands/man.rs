//! `popsync man DIR`: the man pages, made from the same definitions as `--help`: popsync.1 and
//! one page per command (popsync-reconcile.1, …), for the package to install.

use clap::CommandFactory;

use crate::cli::{Cli, GlobalArgs, ManArgs};
use crate::error::{Error, Result};
use crate::exit::ExitCode;

pub(crate) fn run(args: ManArgs, _global: GlobalArgs) -> Result<ExitCode> {
    std::fs::create_dir_all(&args.dir).map_err(|e| Error::io(&args.dir, e))?;
    let popsync = Cli::command();
    let mut pages = vec![("popsync".to_string(), popsync.clone())];
    for command in popsync.get_subcommands().filter(|c| !c.is_hide_set()) {
        let name = format!("popsync-{}", command.get_name());
        pages.push((name.clone(), command.clone().name(name)));
    }
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
