use std::process::ExitCode;

fn main() -> ExitCode {
    placement_cli::main()
}
