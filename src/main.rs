fn main() -> std::process::ExitCode {
    ofp_conformance::app::main()
}
