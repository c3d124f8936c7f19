//! Named faults: each switches off one check of the mock or breaks one behaviour.
