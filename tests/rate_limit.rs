//! 429 and 503 with `Retry-After`: the request is sent again after the stated time (seconds or
//! an HTTP-date), each retry recorded in the step; past the retry budget the step is an Error
//! ("rate limited"), never a Fail. The mock's throttle answers the first requests so; every
//! `Retry-After` here is 0 s or a date in the past, so nothing sleeps.

mod support;

use ofp_conformance::app::mock_target;
use ofp_conformance::config::{Endpoints, Profile};
use ofp_conformance::mock::{MockOptions, MockServer, Throttle};
use ofp_conformance::model::{Outcome, ScenarioResult, Verdict};
use ofp_conformance::plan::Filters;

/// Runs `jwt-happy` against a mock whose first `first` requests get `status` with
/// `Retry-After: retry_after`. Endpoints are static, so the throttled requests are the
/// scenario's own.
fn happy_path(first: u64, status: u16, retry_after: &str) -> ScenarioResult {
    let rt = support::runtime();
    rt.block_on(async {
        let options = MockOptions {
            throttle: Some(Throttle {
                first,
                status,
                retry_after: retry_after.to_string(),
            }),
            ..MockOptions::default()
        };
        let server = MockServer::start_with_pki(support::pki(), options)
            .await
            .expect("mock starts");
        let mut target = mock_target(server.materials(), Profile::Ofm).expect("target");
        target.endpoints = Endpoints::Static {
            issuer: server.materials().issuer.clone(),
            token_endpoint: format!("{}/token", server.materials().issuer),
        };
        let filters = Filters::new(&["jwt-happy".to_string()], &[]).expect("filters");
        let outcome = ofp_conformance::app::run_catalogue(target, &filters)
            .await
            .expect("catalogue");
        server.shutdown().await;
        outcome.results.into_iter().next().expect("one result")
    })
}

fn retries(result: &ScenarioResult) -> Vec<String> {
    result.steps[0]
        .request
        .as_ref()
        .map(|r| r.retries.clone())
        .unwrap_or_default()
}

#[test]
fn a_429_with_retry_after_seconds_is_retried_and_recorded() {
    let result = happy_path(3, 429, "0");
    assert_eq!(result.verdict, Verdict::Pass, "{result:?}");
    assert_eq!(
        retries(&result),
        vec!["HTTP 429 with Retry-After: waited 0 s, sent again"; 3]
    );
}

#[test]
fn a_503_with_an_http_date_is_retried() {
    let result = happy_path(1, 503, "Sun, 06 Nov 1994 08:49:37 GMT");
    assert_eq!(result.verdict, Verdict::Pass, "{result:?}");
    assert_eq!(
        retries(&result),
        ["HTTP 503 with Retry-After: waited 0 s, sent again"]
    );
}

#[test]
fn exhausted_retries_are_an_error_never_a_fail() {
    let result = happy_path(1000, 429, "0");
    assert_eq!(result.verdict, Verdict::Error, "{result:?}");
    assert_eq!(
        result.reason.as_deref(),
        Some("rate limited: still HTTP 429 after 5 retries")
    );
    let Outcome::Transport(record) = &result.steps[0].outcome else {
        panic!("{:?}", result.steps[0].outcome);
    };
    assert_eq!(record.class, "rate-limited");
    assert!(result.steps[0].checks.is_empty(), "nothing was judged");
    assert_eq!(retries(&result).len(), 5);
}
