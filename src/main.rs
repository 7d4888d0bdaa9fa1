//! The popsync binary: everything is in the library; this only hands over the arguments.

fn main() {
    std::process::exit(popsync::commands::main_with(std::env::args_os()));
}
