//! Raw TLS probe: hand-written ClientHellos with exact versions and suites, classified answers.
